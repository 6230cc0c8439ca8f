// The convention picker: every convention the account may run.

import { h, replace } from "/static/common/dom.js";
import * as api from "../api.js";
import { STATUS } from "../text.js";

export class ConventionsView {
  constructor(main) {
    this.main = main;
    this.live = false;
  }

  async mount() {
    document.title = "Pilih konvensi · Dasbor Sekretariat";
    replace(this.main, h("p", { class: "muted" }, "Memuat daftar konvensi…"));
    let items;
    try {
      items = await api.getAll("/conventions");
    } catch (error) {
      if (error instanceof api.AuthError) return;
      replace(this.main, h("p", { class: "problem", role: "alert" }, "Daftar konvensi tidak dapat dimuat: ", error.message));
      return;
    }
    replace(
      this.main,
      h(
        "section",
        { "aria-labelledby": "picker-title" },
        h("h1", { id: "picker-title" }, "Pilih konvensi"),
        items.length
          ? h(
              "ul",
              { class: "picker" },
              items.map((c) =>
                h(
                  "li",
                  { class: "card" },
                  h("h2", {}, h("a", { href: `#/k/${c.id}/kemajuan` }, c.name)),
                  h(
                    "p",
                    { class: "muted" },
                    [c.host, String(c.year)].filter(Boolean).join(" · "),
                  ),
                  h("p", {}, h("span", { class: `badge status-${c.status}` }, STATUS[c.status] || c.status)),
                ),
              ),
            )
          : h("p", { class: "muted" }, "Belum ada konvensi. Buat konvensi lewat API (POST /api/v1/conventions)."),
      ),
    );
  }
}
