// The audit log, newest first (GET …/audit lists by id: the newest page is read from its
// end), filtered by action, juror or entry as the API allows.

import { h, replace, table } from "/static/common/dom.js";
import * as api from "../api.js";
import { ctx, entryTitle, jurorName } from "../context.js";
import { STATUS, when } from "../text.js";

const PAGE = 50;

export const ACTIONS = {
  "sheet.save": "Lembar disimpan (draf)",
  "sheet.submit": "Lembar dikirim",
  "sheet.reopen": "Lembar dibuka lagi",
  "convention.status": "Status konvensi",
  "convention.update": "Konvensi diubah",
  "stage.advance": "Lolos tahap",
  "stage.decide": "Keputusan seleksi",
  "results.publish": "Hasil diumumkan",
  "results.finalize": "Hasil final",
  "results.withdraw": "Hasil ditarik",
  "objection.create": "Sanggahan masuk",
  "objection.resolve": "Sanggahan diputuskan",
  "awards.issue": "Penghargaan diterbitkan",
  "certificates.jurors": "Piagam juri",
  "certificate.revoke": "Piagam dicabut",
  "entry.create": "Inovasi dibuat",
  "entry.update": "Inovasi diubah",
  "juror.create": "Juri dibuat",
  "juror.update": "Juri diubah",
  "opd.create": "OPD dibuat",
  "recusal.create": "Juri mengundurkan diri",
  "assignment.add": "Penugasan",
};

function change(event) {
  const after = event.after || {};
  const before = event.before || {};
  if (event.action === "convention.status") {
    return `${STATUS[before.status] || before.status || "?"} → ${STATUS[after.status] || after.status || "?"}`;
  }
  if (event.action.startsWith("sheet.") && after.scores) {
    return Object.entries(after.scores).map(([k, v]) => `${k} ${v}`).join(", ");
  }
  const keys = Object.keys(after).slice(0, 4);
  return keys.map((k) => `${k}: ${typeof after[k] === "object" ? JSON.stringify(after[k]) : after[k]}`).join("; ");
}

export class AuditView {
  constructor(main) {
    this.main = main;
    this.live = true;
    this.filters = { action: "", juror_id: "", entry_id: "" };
    this.shown = PAGE;
  }

  async mount() {
    const action = h(
      "select",
      { id: "audit-action", onchange: () => this.set("action", action.value) },
      h("option", { value: "" }, "Semua tindakan"),
      Object.entries(ACTIONS).map(([v, label]) => h("option", { value: v }, `${label} (${v})`)),
    );
    const juror = h(
      "select",
      { id: "audit-juror", onchange: () => this.set("juror_id", juror.value) },
      h("option", { value: "" }, "Semua juri"),
      [...ctx.jurors.values()].map((j) => h("option", { value: String(j.id) }, j.full_name)),
    );
    const entry = h(
      "select",
      { id: "audit-entry", onchange: () => this.set("entry_id", entry.value) },
      h("option", { value: "" }, "Semua inovasi"),
      [...ctx.entries.values()].map((e) => h("option", { value: String(e.id) }, entryTitle(e.id))),
    );
    this.count = h("p", { class: "muted small", id: "audit-count" });
    this.box = h("div");
    this.more = h("button", { type: "button", onclick: () => { this.shown += PAGE; this.refresh(); } }, "Tampilkan yang lebih lama");
    replace(
      this.main,
      h("h1", {}, "Audit"),
      h("p", { class: "muted" }, "Catatan tindakan yang tidak dapat diubah: siapa, kapan, apa. Terbaru di atas."),
      h(
        "div",
        { class: "filters" },
        h("div", { class: "field" }, h("label", { for: "audit-action" }, "Tindakan"), action),
        h("div", { class: "field" }, h("label", { for: "audit-juror" }, "Juri"), juror),
        h("div", { class: "field" }, h("label", { for: "audit-entry" }, "Inovasi"), entry),
      ),
      this.count,
      this.box,
      this.more,
    );
    await this.refresh();
  }

  set(key, value) {
    this.filters[key] = value;
    this.shown = PAGE;
    this.refresh();
  }

  async refresh() {
    const q = new URLSearchParams(Object.entries(this.filters).filter(([, v]) => v));
    const base = api.conv(ctx.cid, `/audit?${q}${q.toString() ? "&" : ""}`);
    const head = await api.get(`${base}limit=1&offset=0`);
    const offset = Math.max(0, head.total - this.shown);
    const items = [];
    while (items.length < head.total - offset) {
      const page = await api.get(`${base}limit=500&offset=${offset + items.length}`);
      if (!page.items.length) break;
      items.push(...page.items);
    }
    items.reverse();
    replace(this.count, `${items.length} dari ${head.total} catatan`);
    this.more.hidden = items.length >= head.total;
    replace(
      this.box,
      table(
        [
          { label: "Waktu", value: (e) => when(e.at) },
          { label: "Oleh", value: (e) => e.actor_username || "—" },
          { label: "Tindakan", value: (e) => [ACTIONS[e.action] || e.action, " ", h("code", { class: "small" }, e.action)] },
          { label: "Juri", value: (e) => (e.juror_id ? jurorName(e.juror_id) : "—") },
          { label: "Inovasi", value: (e) => (e.entry_id ? entryTitle(e.entry_id) : "—") },
          { label: "Perubahan", value: (e) => h("span", { class: "change" }, change(e)) },
        ],
        items,
        { className: "data audit", label: "Catatan audit", empty: "Tidak ada catatan yang cocok." },
      ),
    );
  }
}
