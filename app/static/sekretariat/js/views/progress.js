// Progress, live: per juror (admitted entries submitted, drafts, not started; who is behind)
// and per entry (sheets in against sheets expected), for the current stage.
// Reads GET …/progress and GET …/progress/entries.

import { h, replace, table } from "/static/common/dom.js";
import * as api from "../api.js";
import { ctx, entryTitle, jurorName, panelName } from "../context.js";
import { pct } from "../text.js";

// A juror this many points of "submitted" below the jurors' average is behind.
const BEHIND_POINTS = 20;

function bar(part, whole, label) {
  return h(
    "span",
    { class: "meter-cell" },
    h("progress", { max: String(whole || 1), value: String(part), "aria-label": label }),
    h("span", { class: "meter-text" }, `${pct(part, whole)}%`),
  );
}

export class ProgressView {
  constructor(main) {
    this.main = main;
    this.live = true;
    this.onlyIncomplete = false;
    this.query = "";
  }

  async mount() {
    this.jurorsBox = h("div");
    this.entriesBox = h("div");
    this.summary = h("div", { class: "summary" });
    this.stageLine = h("p", { class: "muted" });
    const search = h("input", {
      id: "entry-search",
      type: "search",
      placeholder: "judul atau akronim",
      oninput: () => {
        this.query = search.value.trim().toLowerCase();
        this.renderEntries();
      },
    });
    const only = h("input", {
      id: "only-incomplete",
      type: "checkbox",
      onchange: () => {
        this.onlyIncomplete = only.checked;
        this.renderEntries();
      },
    });
    replace(
      this.main,
      h("h1", {}, "Kemajuan penilaian"),
      this.stageLine,
      this.summary,
      h(
        "div",
        { class: "columns" },
        h(
          "section",
          { class: "card", "aria-labelledby": "jurors-title" },
          h("h2", { id: "jurors-title" }, "Per juri"),
          h("p", { class: "muted small" }, `Urut dari yang paling sedikit mengirim. "Tertinggal": ${BEHIND_POINTS} poin persen atau lebih di bawah rata-rata juri.`),
          this.jurorsBox,
        ),
        h(
          "section",
          { class: "card", "aria-labelledby": "entries-title" },
          h("h2", { id: "entries-title" }, "Per inovasi"),
          h(
            "div",
            { class: "filters" },
            h("div", { class: "field" }, h("label", { for: "entry-search" }, "Cari inovasi"), search),
            h("div", { class: "check" }, only, h("label", { for: "only-incomplete" }, "Hanya yang belum lengkap")),
          ),
          this.entriesBox,
        ),
      ),
    );
    await this.refresh();
  }

  async refresh() {
    const [progress, entries] = await Promise.all([
      api.get(api.conv(ctx.cid, "/progress")),
      api.getAll(api.conv(ctx.cid, "/progress/entries")),
    ]);
    this.progress = progress;
    this.entryRows = entries;
    this.render();
  }

  render() {
    const p = this.progress;
    const stage = ctx.stages.find((st) => st.id === p.stage_id);
    replace(this.stageLine, stage ? `Tahap berjalan: ${stage.name} (${stage.code}). Angka di bawah menghitung lembar tahap ini.` : "");
    const cards = [
      ["Inovasi dinilai", String(p.entries), ""],
      ["Lembar terkirim", `${p.submitted_sheets} dari ${p.expected_sheets}`, `${pct(p.submitted_sheets, p.expected_sheets)}%`],
      ["Draf", String(p.draft_sheets), "tersimpan, belum dikirim"],
      ["Inovasi lengkap", `${p.complete_entries} dari ${p.entries}`, `${pct(p.complete_entries, p.entries)}%`],
    ];
    replace(
      this.summary,
      cards.map(([label, value, note]) =>
        h("div", { class: "stat" }, h("p", { class: "stat-label" }, label), h("p", { class: "stat-value" }, value), h("p", { class: "stat-note" }, note)),
      ),
      h("progress", {
        id: "overall-progress",
        class: "overall",
        max: String(p.expected_sheets || 1),
        value: String(p.submitted_sheets),
        "aria-label": `Lembar terkirim: ${p.submitted_sheets} dari ${p.expected_sheets}`,
      }),
    );
    const jurors = p.jurors.map((j) => ({ ...j, share: j.expected ? j.submitted / j.expected : 1 }));
    const mean = jurors.length ? jurors.reduce((a, j) => a + j.share, 0) / jurors.length : 1;
    for (const j of jurors) j.behind = j.share < 1 && (mean - j.share) * 100 >= BEHIND_POINTS;
    jurors.sort((a, b) => a.share - b.share || a.full_name.localeCompare(b.full_name));
    const columns = [
      {
        label: "Juri",
        header: true,
        value: (j) => [j.full_name, j.behind ? h("span", { class: "badge behind" }, "Tertinggal") : null],
      },
      { label: "Panel", value: (j) => panelName(j.panel_id) },
      { label: "Harus dinilai", num: true, value: (j) => String(j.expected) },
      { label: "Terkirim", num: true, value: (j) => String(j.submitted) },
      { label: "Draf", num: true, value: (j) => String(j.draft) },
      { label: "Belum", num: true, value: (j) => String(j.not_started) },
      { label: "Konflik", num: true, value: (j) => String(j.conflicts) },
      { label: "Selesai", value: (j) => bar(j.submitted, j.expected, `${j.full_name}: ${j.submitted} dari ${j.expected} terkirim`) },
    ];
    columns.rowClass = (j) => (j.behind ? "row-behind" : "");
    replace(this.jurorsBox, table(columns, jurors, { label: "Kemajuan per juri", empty: "Belum ada juri." }));
    this.renderEntries();
  }

  renderEntries() {
    if (!this.entryRows) return;
    let rows = this.entryRows;
    if (this.onlyIncomplete) rows = rows.filter((e) => !e.complete);
    if (this.query) rows = rows.filter((e) => entryTitle(e.entry_id).toLowerCase().includes(this.query));
    rows = [...rows].sort((a, b) => Number(a.complete) - Number(b.complete) || a.entry_id - b.entry_id);
    const columns = [
      { label: "Inovasi", header: true, value: (e) => entryTitle(e.entry_id) },
      { label: "Lembar", num: true, value: (e) => `${e.sheet_count}/${e.expected_sheet_count}` },
      {
        label: "Belum mengirim",
        value: (e) => (e.complete ? h("span", { class: "badge ok" }, "Lengkap") : e.missing_juror_ids.map(jurorName).join(", ") || "—"),
      },
    ];
    columns.rowClass = (e) => (e.complete ? "" : "row-incomplete");
    replace(
      this.entriesBox,
      h("p", { class: "muted small", id: "entries-count" }, `${rows.length} dari ${this.entryRows.length} inovasi`),
      table(columns, rows, { label: "Kemajuan per inovasi", empty: "Tidak ada inovasi yang cocok." }),
    );
  }
}
