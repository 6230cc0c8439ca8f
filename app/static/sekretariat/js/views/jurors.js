// The convention's jurors (#/k/{cid}/juri): who judges on which panel, with which conflicts of
// interest, and whether the juror may sign in. Deactivating ends the juror's sessions and
// refuses its logins (PATCH …/jurors/{id} {"active": false}); the sheets it already sent
// still count. Jurors are made by the import (Impor) or the API.

import { h, replace, table } from "/static/common/dom.js";
import * as api from "../api.js";
import { ctx, panelName, refreshLists } from "../context.js";
import { SectionsView } from "./sections.js";

export class JurorsView extends SectionsView {
  constructor(main) {
    super(main, { jurors: "wide" });
  }

  async mount() {
    this.layout(
      "Juri",
      "Juri konvensi ini dan panelnya. Menonaktifkan juri mengakhiri sesinya di tablet dan menolak masuknya; lembar yang sudah dikirim tetap dihitung. Juri baru dibuat di layar Impor.",
    );
    await this.refresh();
  }

  async refresh() {
    await refreshLists();
    this.render();
  }

  async acted() {
    await this.refresh();
  }

  render() {
    const opdCode = (id) => ctx.opds.get(id)?.code ?? `OPD #${id}`;
    const setActive = (j, active) => async () => {
      const done = await api.patch(api.conv(ctx.cid, `/jurors/${j.id}`), { active });
      return active
        ? `Juri ${done.full_name} (${done.username}) aktif lagi.`
        : `Juri ${done.full_name} (${done.username}) dinonaktifkan: sesinya berakhir dan tidak dapat masuk. Lembarnya yang terkirim tetap dihitung.`;
    };
    const toggle = (j) => {
      const active = !j.active;
      const label = active ? "Aktifkan" : "Nonaktifkan";
      return this.button(label, "jurors", setActive(j, active), { cls: active ? "primary" : "", name: `${label} juri ${j.username}` });
    };
    const jurors = [...ctx.jurors.values()].sort(
      (a, b) => panelName(a.panel_id).localeCompare(panelName(b.panel_id)) || a.full_name.localeCompare(b.full_name),
    );
    replace(
      this.sections.jurors,
      h("h2", { id: "jurors-title" }, "Daftar juri"),
      table(
        [
          { label: "Nama", header: true, value: (j) => j.full_name },
          { label: "Nama pengguna", value: (j) => h("code", {}, j.username) },
          { label: "Panel", value: (j) => panelName(j.panel_id) },
          { label: "Konflik kepentingan (OPD)", value: (j) => j.conflict_opd_ids.map(opdCode).join(", ") || "—" },
          { label: "Status", value: (j) => h("span", { class: j.active ? "badge ok" : "badge" }, j.active ? "Aktif" : "Nonaktif") },
          { label: "Tindakan", value: (j) => toggle(j) },
        ],
        jurors,
        { label: "Daftar juri", className: "data jurors", empty: "Belum ada juri. Impor juri di layar Impor." },
      ),
      this.notes.jurors,
    );
  }
}
