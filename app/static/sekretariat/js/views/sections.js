// What the screens of actions share (Tindakan, Piagam, Akun): a grid of sections, each with a
// note that says what an action did or why the server refused it, and buttons that run one
// action at a time.

import { h, replace } from "/static/common/dom.js";
import * as api from "../api.js";
import { entryTitle } from "../context.js";
import { problemBox } from "../text.js";

// A labelled control; `hint` below it.
export const field = (id, label, control, hint) =>
  h("div", { class: "field" }, h("label", { for: id }, label), control, hint ? h("p", { class: "muted small", id: `${id}-hint` }, hint) : null);

export class SectionsView {
  // `sections`: each section's name (its note's, and its heading's id `${name}-title`) and its
  // width in the grid: "" one column, "span2" two, "wide" the whole row.
  constructor(main, sections) {
    this.main = main;
    this.live = false;
    this.widths = sections;
    this.notes = {};
    for (const name of Object.keys(sections)) {
      this.notes[name] = h("div", { class: "note", id: `note-${name}`, "aria-live": "polite" });
    }
  }

  // The screen: its heading, a word on what it is for, and its sections (each render fills one).
  layout(title, ...lead) {
    this.sections = {};
    for (const [name, width] of Object.entries(this.widths)) {
      this.sections[name] = h("section", { class: width ? `card ${width}` : "card", "aria-labelledby": `${name}-title` });
    }
    replace(this.main, h("h1", {}, title), h("p", { class: "muted" }, lead), h("div", { class: "action-grid" }, Object.values(this.sections)));
  }

  // What follows an action that succeeded: a screen that shows what it changed reads it again.
  async acted() {}

  // Run one action: the button is busy meanwhile; the outcome goes in the section's note.
  // `titles` gives the screen's own words for a refusal (problemTitle).
  async act(button, note, run, { titles } = {}) {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      const text = await run();
      if (text) replace(this.notes[note], h("p", { class: "ok-text" }, text));
      await this.acted();
    } catch (error) {
      if (error instanceof api.AuthError) return;
      replace(this.notes[note], problemBox(error, { entryTitle, titles }));
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  }

  button(label, note, run, { cls = "", name = null, titles } = {}) {
    const b = h("button", { type: "button", class: cls, "aria-label": name, onclick: () => this.act(b, note, run, { titles }) }, label);
    return b;
  }
}
