// Bulk import of OPDs, entries and jurors from a CSV or XLSX file (docs/api.md, "Bulk
// import"): a dry run first (?dry_run=true) whose refusals show per cell, then the import;
// the template of each kind; the jurors' generated passwords, shown once.

import { h, replace, saveBlob, table } from "/static/common/dom.js";
import * as api from "../api.js";
import { ctx, refreshLists } from "../context.js";
import { problemBox } from "../text.js";

const KINDS = [
  {
    kind: "opds",
    label: "OPD",
    columns: "kode, nama",
    order: "Impor OPD lebih dulu: inovasi dan juri merujuk kodenya.",
  },
  {
    kind: "entries",
    label: "Inovasi",
    columns: "judul, akronim, kode_opd, kategori, ringkasan, inovator (Nama|NIP; Nama|NIP)",
    order: "Kategori: teknologi, produk, proses, sdm, metode, konseptual, hubungan.",
  },
  {
    kind: "jurors",
    label: "Juri",
    columns: "username, nama_lengkap, panel, kata_sandi (boleh kosong), konflik_opd (kode; kode)",
    order: "Kata sandi yang kosong dibuat server dan hanya ditampilkan sekali.",
  },
];

// A cell a spreadsheet would run as a formula gets a leading ' (as the server's CSV files do);
// a CR is quoted too, or a spreadsheet would read it as a new row.
const csvCell = (v) => {
  const text = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",;\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

function cellErrors(problem) {
  // loc ["row", n, column] for a cell, ["file", column] for a column of the file.
  return (problem.errors || []).map((e) => {
    const loc = e.loc || [];
    const row = loc[0] === "row" ? loc[1] : null;
    const column = loc[0] === "row" ? loc[2] : loc[loc.length - 1];
    return { row, column, msg: e.msg, where: loc[0] === "row" ? null : loc.join(" › ") };
  });
}

function errorTable(problem) {
  const rows = cellErrors(problem);
  return [
    h("p", { class: "problem-title" }, `${rows.length} masalah di berkas ini; tidak ada yang disimpan. Perbaiki sel berikut lalu periksa lagi.`),
    table(
      [
        { label: "Baris", num: true, value: (r) => (r.row == null ? "berkas" : String(r.row)) },
        { label: "Kolom", value: (r) => h("code", {}, String(r.column ?? r.where ?? "")) },
        { label: "Masalah", value: (r) => r.msg },
      ],
      rows,
      { className: "data import-errors", caption: "Masalah per sel (baris data dihitung dari 1, di bawah baris judul)" },
    ),
  ];
}

class ImportCard {
  // `result`: the one box below the cards (the full width: a dry run's table of cells).
  constructor(spec, flash, result) {
    this.spec = spec;
    this.flash = flash;
    this.result = result;
  }

  element() {
    const { kind, label } = this.spec;
    this.file = h("input", { id: `file-${kind}`, type: "file", accept: ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" });
    this.skip = h("input", { id: `skip-${kind}`, type: "checkbox" });
    this.checkButton = h("button", { type: "button", onclick: () => this.send(true) }, `Periksa berkas ${label}`);
    this.importButton = h("button", { type: "button", class: "primary", onclick: () => this.send(false) }, `Impor ${label}`);
    return h(
      "section",
      { class: "card import-card", "aria-labelledby": `import-${kind}-title` },
      h("h2", { id: `import-${kind}-title` }, label),
      h("p", { class: "small" }, "Kolom: ", h("code", {}, this.spec.columns)),
      h("p", { class: "muted small" }, this.spec.order),
      h(
        "p",
        {},
        h("button", { type: "button", class: "link", onclick: () => this.template() }, `Unduh templat ${label} (XLSX)`),
      ),
      h("div", { class: "field" }, h("label", { for: `file-${kind}` }, `Berkas ${label} (CSV atau XLSX)`), this.file),
      h("div", { class: "check" }, this.skip, h("label", { for: `skip-${kind}` }, "Lewati baris yang sudah ada")),
      h("div", { class: "actions-row" }, this.checkButton, this.importButton),
    );
  }

  async template() {
    try {
      const { blob, name } = await api.fetchFile(api.conv(ctx.cid, `/imports/${this.spec.kind}/template.xlsx`));
      saveBlob(blob, name);
    } catch (error) {
      if (!(error instanceof api.AuthError)) replace(this.result, h("h2", {}, `Templat ${this.spec.label}`), problemBox(error));
    }
  }

  async send(dryRun) {
    const file = this.file.files[0];
    if (!file) {
      replace(this.result, h("p", { class: "problem", role: "alert" }, `${this.spec.label}: pilih berkas lebih dulu.`));
      this.file.focus();
      return;
    }
    const q = new URLSearchParams();
    if (dryRun) q.set("dry_run", "true");
    if (this.skip.checked) q.set("existing", "skip");
    this.checkButton.disabled = this.importButton.disabled = true;
    replace(this.result, h("h2", {}, `${this.spec.label}: ${file.name}`), h("p", { class: "muted" }, dryRun ? "Memeriksa…" : "Mengimpor…"));
    try {
      const answer = await api.upload(api.conv(ctx.cid, `/imports/${this.spec.kind}?${q}`), file);
      this.show(answer, dryRun, file.name);
      if (!dryRun) {
        await refreshLists();
        this.flash(`${answer.created} ${this.spec.label} diimpor dari ${file.name}.`);
      }
    } catch (error) {
      if (error instanceof api.AuthError) return;
      if (error.status === 422 && error.problem && (error.problem.errors || []).length) {
        replace(this.result, h("h2", {}, `${this.spec.label}: ${file.name}`), h("div", { class: "problem", role: "alert" }, errorTable(error.problem)));
      } else {
        replace(this.result, h("h2", {}, `${this.spec.label}: ${file.name}`), problemBox(error));
      }
    } finally {
      this.checkButton.disabled = this.importButton.disabled = false;
    }
  }

  show(answer, dryRun, filename) {
    const skipped = answer.skipped ? `, ${answer.skipped} dilewati (sudah ada: baris ${answer.skipped_rows.join(", ")})` : "";
    const head = dryRun
      ? h("p", { class: "ok-text" }, `Berkas ${filename} lolos pemeriksaan: ${answer.created} baris akan dibuat${skipped}. Belum ada yang disimpan; tekan "Impor ${this.spec.label}".`)
      : h("p", { class: "ok-text" }, `Selesai: ${answer.created} ${this.spec.label} dibuat${skipped}.`);
    const passwords = (answer.items || []).filter((item) => item.password);
    replace(
      this.result,
      h("h2", {}, `${this.spec.label}: ${filename}`),
      head,
      passwords.length
        ? h(
            "div",
            { class: "passwords" },
            h("p", { class: "warning" }, "Kata sandi yang dibuat server hanya tampil sekali. Unduh atau catat sekarang."),
            table(
              [
                { label: "Nama pengguna", header: true, value: (j) => j.username },
                { label: "Nama", value: (j) => j.full_name },
                { label: "Kata sandi", value: (j) => h("code", {}, j.password) },
              ],
              passwords,
            ),
            h(
              "button",
              {
                type: "button",
                onclick: () => {
                  const lines = ["username,nama_lengkap,kata_sandi", ...passwords.map((j) => [j.username, j.full_name, j.password].map(csvCell).join(","))];
                  saveBlob(new Blob([`${lines.join("\n")}\n`], { type: "text/csv" }), `kata-sandi-juri-${ctx.cid}.csv`);
                },
              },
              "Unduh kata sandi (CSV)",
            ),
          )
        : null,
    );
  }
}

export class ImportView {
  constructor(main, { flash }) {
    this.main = main;
    this.flash = flash;
    this.live = false;
  }

  async mount() {
    const counts = h("p", { class: "muted", id: "import-counts" });
    const renderCounts = () =>
      replace(counts, `Saat ini: ${ctx.opds.size} OPD, ${ctx.entries.size} inovasi, ${ctx.jurors.size} juri.`);
    await refreshLists();
    renderCounts();
    const result = h("section", { id: "import-result", class: "card import-result", "aria-live": "polite", "aria-label": "Hasil impor" });
    const cards = KINDS.map((spec) => new ImportCard(spec, (text) => {
      renderCounts();
      this.flash(text);
    }, result));
    replace(
      this.main,
      h("h1", {}, "Impor dari berkas"),
      h(
        "p",
        {},
        "Semua atau tidak sama sekali: bila satu baris bermasalah, tidak ada yang disimpan. Periksa dulu, lalu impor. ",
        "Urutan: OPD, lalu inovasi dan juri (panel dibuat lebih dulu lewat API).",
      ),
      counts,
      h("div", { class: "import-grid" }, cards.map((c) => c.element())),
      result,
    );
  }
}
