// What the secretariat does to a convention, in the order of the day: open and close judging,
// advance a stage (after its preview), publish the results (the incomplete warning first),
// resolve objections, finalize, issue awards and certificates, download the files. Every
// button sends what a script would send; the server's state rules decide, and a refusal is
// shown with its detail and field errors.

import { ask, h, replace, saveBlob, table } from "/static/common/dom.js";
import * as api from "../api.js";
import { ctx, currentStage, entryTitle, refreshConvention, refreshLists } from "../context.js";
import { CERTIFICATE_KINDS, METHODS, OBJECTION_STATUS, RESULT_STATUS, STAGE_STATES, STATUS, WARNINGS, num, when } from "../text.js";
import { SectionsView, field } from "./sections.js";

const DOWNLOADS = [
  { path: "/exports/ranking.xlsx", label: "Peringkat (XLSX)" },
  { path: "/exports/ranking.csv", label: "Peringkat (CSV)" },
  { path: "/exports/awards.xlsx", label: "Penghargaan (XLSX)" },
  { path: "/exports/awards.csv", label: "Penghargaan (CSV)" },
  { path: "/exports/certificates.xlsx", label: "Daftar piagam (XLSX)" },
  { path: "/exports/certificates.csv", label: "Daftar piagam (CSV)" },
  { path: "/exports/rewards.xlsx", label: "Hadiah (XLSX)" },
  { path: "/berita-acara.pdf", label: "Berita acara (PDF)" },
];

function methodSelect(id, value, onChange) {
  const select = h(
    "select",
    { id, onchange: () => onChange(select.value) },
    Object.entries(METHODS).map(([v, label]) => h("option", { value: v, selected: v === value ? true : null }, label)),
  );
  return select;
}

export class ActionsView extends SectionsView {
  constructor(main, { flash }) {
    super(main, { status: "", stage: "", results: "", awards: "", downloads: "span2", objections: "wide" });
    this.flash = flash;
    // Kept across re-renders: a preview, and what the secretariat chose or typed.
    this.preview = h("div", { id: "advance-preview", "aria-live": "polite" });
    this.choice = { advanceMethod: "mean", publishMethod: null, days: "0", printKind: "" };
  }

  async mount() {
    this.layout("Tindakan", "Tombol tetap dapat ditekan; server memeriksa aturan status konvensi dan menjelaskan bila menolak.");
    await this.refresh();
  }

  async refresh() {
    const [results, objections, awards, certificates] = await Promise.all([
      api.get(api.conv(ctx.cid, "/results")).catch((e) => (e.status === 404 ? null : Promise.reject(e))),
      api.getAll(api.conv(ctx.cid, "/objections")),
      api.get(api.conv(ctx.cid, "/awards?limit=500")),
      api.get(api.conv(ctx.cid, "/certificates?limit=1")),
    ]);
    this.results = results;
    this.objections = objections;
    this.awards = awards;
    this.certificateCount = certificates.total;
    this.render();
  }

  render() {
    this.renderStatus();
    this.renderStage();
    this.renderResults();
    this.renderObjections();
    this.renderAwards();
    this.renderDownloads();
  }

  // After an action, the convention (its status, its stage) and this screen as they are now.
  async acted() {
    await refreshConvention();
    await this.refresh();
  }

  renderStatus() {
    const c = ctx.convention;
    const setStatus = (status) => async () => {
      const answer = await api.patch(api.conv(ctx.cid), { status });
      const missing = (answer.warnings || []).filter((w) => w.code === "incomplete").flatMap((w) => w.entry_ids);
      const text = `Status sekarang: ${STATUS[answer.status]}.`;
      return missing.length ? `${text} Perhatian: ${missing.length} inovasi belum lengkap dinilai: ${missing.map(entryTitle).join("; ")}.` : text;
    };
    replace(
      this.sections.status,
      h("h2", { id: "status-title" }, "Status penilaian"),
      h("p", {}, "Sekarang: ", h("span", { class: `badge status-${c.status}` }, STATUS[c.status])),
      h("p", { class: "muted small" }, "Persiapan → dibuka → ditutup; ditutup → dibuka lagi selama hasil belum diumumkan. Juri hanya dapat mengirim lembar saat penilaian dibuka."),
      h(
        "div",
        { class: "actions-row" },
        this.button("Buka penilaian", "status", setStatus("judging"), { cls: c.status === "judging" ? "" : "primary" }),
        this.button("Tutup penilaian", "status", setStatus("closed"), { cls: c.status === "judging" ? "primary" : "" }),
      ),
      this.notes.status,
    );
  }

  renderStage() {
    const current = currentStage();
    const index = ctx.stages.indexOf(current);
    const next = index >= 0 ? ctx.stages[index + 1] : null;
    const method = methodSelect("advance-method", this.choice.advanceMethod, (v) => {
      this.choice.advanceMethod = v;
      replace(this.preview);
    });
    const preview = this.preview;
    if (!next) replace(preview);
    const doPreview = async () => {
      replace(preview, h("p", { class: "muted" }, "Memuat pratinjau…"));
      const answer = await api.get(api.conv(ctx.cid, `/stages/${current.id}/advance?method=${method.value}`));
      const warnings = answer.warnings.map((w) => h("li", {}, `${WARNINGS[w.code] || w.code}: ${w.entry_ids.map(entryTitle).join("; ")}`));
      const confirm = h(
        "button",
        {
          type: "button",
          class: "primary",
          onclick: () =>
            this.act(confirm, "stage", async () => {
              const done = await api.post(api.conv(ctx.cid, `/stages/${current.id}/advance`), { method: method.value });
              replace(preview);
              return `${done.entry_ids.length} inovasi lolos ke tahap ${ctx.stages.find((st) => st.id === done.next_stage_id)?.name}. Penilaian tahap itu dibuka.`;
            }),
        },
        "Lanjutkan ke tahap berikutnya",
      );
      replace(
        preview,
        h("h3", {}, `Pratinjau: ${answer.entry_ids.length} inovasi lolos ke ${next ? next.name : "tahap berikutnya"}`),
        warnings.length ? h("ul", { class: "warnings" }, warnings) : null,
        h("ol", { class: "compact" }, answer.entry_ids.map((id) => h("li", {}, entryTitle(id)))),
        confirm,
      );
      return "Pratinjau tidak mengubah apa pun.";
    };
    replace(
      this.sections.stage,
      h("h2", { id: "stage-title" }, "Tahap penilaian"),
      table(
        [
          { label: "No.", num: true, value: (st) => String(st.position) },
          { label: "Tahap", header: true, value: (st) => `${st.name} (${st.code})` },
          { label: "Jenis", value: (st) => (st.kind === "screening" ? "seleksi" : `dinilai, bobot ${num(st.weight, 0)}`) },
          { label: "Keadaan", value: (st) => h("span", { class: `badge stage-${st.state}` }, STAGE_STATES[st.state] || st.state) },
        ],
        ctx.stages,
      ),
      next
        ? [
            h("p", { class: "muted small" }, `Tahap berjalan: ${current.name}. Tutup penilaian dulu, lihat pratinjau, lalu lanjutkan: peringkat tahap dibekukan dan inovasi yang lolos masuk ke ${next.name}.`),
            h("div", { class: "actions-row" }, field("advance-method", "Metode seleksi", method), this.button("Pratinjau lolos tahap", "stage", doPreview)),
            preview,
          ]
        : h("p", { class: "muted small" }, current ? `Tahap berjalan (${current.name}) adalah tahap terakhir.` : ""),
      this.notes.stage,
    );
  }

  renderResults() {
    const r = this.results;
    const method = methodSelect("publish-method", this.choice.publishMethod || (r ? r.method : "mean"), (v) => {
      this.choice.publishMethod = v;
    });
    const days = h("input", {
      id: "objection-days",
      type: "number",
      min: "0",
      max: "365",
      step: "1",
      value: this.choice.days,
      inputmode: "numeric",
      oninput: () => {
        this.choice.days = days.value;
      },
    });
    const publish = async (allowIncomplete = false) => {
      const body = { method: method.value, allow_incomplete: allowIncomplete, objection_days: Number(days.value || 0) };
      try {
        await api.post(api.conv(ctx.cid, "/results"), body);
      } catch (error) {
        if (!allowIncomplete && error.type === "incomplete") {
          const ids = error.problem.entry_ids || [];
          const answer = await ask({
            title: "Penilaian belum lengkap",
            labelId: "incomplete-title",
            body: [
              h("p", { class: "warning" }, `${ids.length} inovasi belum mendapat semua lembar yang diharapkan:`),
              h("ul", { class: "compact" }, ids.map((id) => h("li", {}, entryTitle(id)))),
              h("p", {}, "Umumkan tetap? Hasil mencatat bahwa diumumkan dalam keadaan belum lengkap."),
            ],
            buttons: [
              { label: "Batal", value: null },
              { label: "Umumkan walau belum lengkap", value: "yes", class: "danger" },
            ],
          });
          if (answer !== "yes") return "Pengumuman dibatalkan.";
          return publish(true);
        }
        throw error;
      }
      return Number(days.value) > 0
        ? `Hasil sementara diumumkan; masa sanggah ${days.value} hari.`
        : "Hasil diumumkan dan final.";
    };
    const confirmPublish = async () => {
      const answer = await ask({
        title: "Umumkan hasil?",
        labelId: "publish-title",
        body: h("p", {}, `Peringkat dibekukan dengan metode ${METHODS[method.value]}. `, Number(days.value) > 0 ? `Masa sanggah ${days.value} hari.` : "Tanpa masa sanggah: hasil langsung final dan tidak dapat diubah."),
        buttons: [
          { label: "Batal", value: null },
          { label: "Ya, umumkan", value: "yes", class: "primary" },
        ],
      });
      return answer === "yes" ? publish(false) : null;
    };
    const withdraw = async () => {
      const reason = h("textarea", { id: "withdraw-reason", rows: "3" });
      const answer = await ask({
        title: "Tarik hasil sementara?",
        labelId: "withdraw-title",
        body: [h("p", {}, "Hasil dihapus, sanggahan terbuka menjadi batal, dan penilaian dapat dibuka lagi."), field("withdraw-reason", "Alasan", reason)],
        buttons: [
          { label: "Batal", value: null },
          { label: "Tarik hasil", class: "danger", collect: () => reason.value },
        ],
      });
      if (answer === null) return null;
      await api.post(api.conv(ctx.cid, "/results/withdraw"), { reason: answer });
      return "Hasil ditarik.";
    };
    replace(
      this.sections.results,
      h("h2", { id: "results-title" }, "Hasil"),
      r
        ? h(
            "dl",
            { class: "facts" },
            h("dt", {}, "Status"),
            h("dd", {}, h("span", { class: `badge result-${r.status}` }, RESULT_STATUS[r.status] || r.status)),
            h("dt", {}, "Metode"),
            h("dd", {}, METHODS[r.method]),
            h("dt", {}, "Diumumkan"),
            h("dd", {}, when(r.published_at)),
            r.objection_deadline ? [h("dt", {}, "Batas sanggah"), h("dd", {}, when(r.objection_deadline))] : null,
            r.allow_incomplete ? [h("dt", {}, "Catatan"), h("dd", {}, `diumumkan belum lengkap (${r.incomplete_entry_ids.length} inovasi)`)] : null,
            h("dt", {}, "Halaman publik"),
            h("dd", {}, h("a", { href: `/hasil/${ctx.cid}` }, `/hasil/${ctx.cid}`)),
          )
        : h("p", {}, "Belum diumumkan."),
      h("p", { class: "muted small" }, "Diumumkan hanya saat penilaian ditutup di tahap terakhir. Masa sanggah 0 hari: langsung final."),
      h("div", { class: "actions-row" }, field("publish-method", "Metode", method), field("objection-days", "Masa sanggah (hari)", days)),
      h(
        "div",
        { class: "actions-row" },
        this.button("Umumkan hasil", "results", confirmPublish, { cls: r ? "" : "primary" }),
        this.button("Tetapkan final", "results", async () => {
          await api.post(api.conv(ctx.cid, "/results/finalize"));
          return "Hasil ditetapkan final.";
        }, { cls: r && r.status === "provisional" ? "primary" : "" }),
        this.button("Tarik hasil sementara", "results", withdraw),
      ),
      this.notes.results,
    );
  }

  renderObjections() {
    const resolve = (o) => async () => {
      const status = h("select", { id: "objection-status" }, h("option", { value: "dismissed" }, "Tolak sanggahan"), h("option", { value: "upheld" }, "Terima sanggahan"));
      const resolution = h("textarea", { id: "objection-resolution", rows: "3" });
      const disqualify = h("input", { id: "objection-disqualify", type: "checkbox" });
      const answer = await ask({
        title: `Sanggahan ${o.receipt}`,
        labelId: "objection-title",
        body: [
          h("p", {}, h("strong", {}, entryTitle(o.entry_id))),
          h("blockquote", {}, o.reason),
          h("p", { class: "muted small" }, `${o.name} · ${o.contact} · ${when(o.created_at)}`),
          field("objection-status", "Keputusan", status),
          field("objection-resolution", "Penjelasan keputusan", resolution),
          h("div", { class: "check" }, disqualify, h("label", { for: "objection-disqualify" }, "Diskualifikasi inovasi ini (berlaku saat hasil ditetapkan final)")),
        ],
        buttons: [
          { label: "Batal", value: null },
          { label: "Simpan keputusan", class: "primary", collect: () => ({ status: status.value, resolution: resolution.value.trim(), disqualify: disqualify.checked }) },
        ],
      });
      if (!answer) return null;
      await api.patch(api.conv(ctx.cid, `/objections/${o.id}`), { status: answer.status, resolution: answer.resolution || null });
      if (answer.disqualify) {
        await api.patch(api.conv(ctx.cid, `/entries/${o.entry_id}`), {
          disqualified: true,
          disqualification_reason: answer.resolution || `Sanggahan ${o.receipt} diterima`,
        });
        await refreshLists();
      }
      return `Sanggahan ${o.receipt}: ${OBJECTION_STATUS[answer.status].toLowerCase()}${answer.disqualify ? "; inovasi didiskualifikasi" : ""}.`;
    };
    const open = this.objections.filter((o) => o.status === "open").length;
    replace(
      this.sections.objections,
      h("h2", { id: "objections-title" }, "Sanggahan"),
      h("p", { class: "muted small" }, `${this.objections.length} sanggahan, ${open} terbuka. Hasil dapat ditetapkan final setelah batas sanggah dan bila tidak ada yang terbuka.`),
      table(
        [
          { label: "Tanda terima", value: (o) => h("code", {}, o.receipt) },
          { label: "Inovasi", header: false, value: (o) => entryTitle(o.entry_id) },
          { label: "Penyanggah", value: (o) => `${o.name} (${o.contact})` },
          { label: "Alasan", value: (o) => o.reason },
          { label: "Status", value: (o) => h("span", { class: `badge objection-${o.status}` }, OBJECTION_STATUS[o.status] || o.status) },
          {
            label: "Tindakan",
            value: (o) => (o.status === "open" ? this.button("Putuskan", "objections", resolve(o)) : o.resolution || "—"),
          },
        ],
        this.objections,
        { empty: "Belum ada sanggahan." },
      ),
      this.notes.objections,
    );
  }

  renderAwards() {
    const awards = this.awards.items;
    replace(
      this.sections.awards,
      h("h2", { id: "awards-title" }, "Penghargaan dan piagam"),
      h("p", {}, `${this.awards.total} penghargaan, ${this.certificateCount} piagam diterbitkan.`),
      h("p", { class: "muted small" }, "Hanya dari hasil final. Menerbitkan lagi tidak menggandakan apa pun."),
      h(
        "div",
        { class: "actions-row" },
        this.button("Terbitkan penghargaan dan piagam", "awards", async () => {
          await api.post(api.conv(ctx.cid, "/awards"));
          return "Penghargaan dan piagam pemenang serta peserta diterbitkan.";
        }, { cls: awards.length ? "" : "primary" }),
        this.button("Terbitkan piagam juri", "awards", async () => {
          const answer = await api.post(api.conv(ctx.cid, "/certificates/jurors"));
          return `Piagam apresiasi juri: ${answer.issued_certificates} diterbitkan.`;
        }),
      ),
      awards.length
        ? table(
            [
              { label: "Peringkat", num: true, value: (a) => String(a.rank) },
              { label: "Penghargaan", value: (a) => a.name },
              { label: "Inovasi", value: (a) => entryTitle(a.entry_id) },
            ],
            awards,
          )
        : null,
      this.notes.awards,
    );
  }

  renderDownloads() {
    const download = (d) => async () => {
      const { blob, name } = await api.fetchFile(api.conv(ctx.cid, d.path));
      saveBlob(blob, name);
      return `Diunduh: ${name}.`;
    };
    // The piagam: every one as a PDF each in a ZIP, or the chosen kind as ONE PDF to print (a
    // page each, in number order; revoked ones left out).
    const kind = h(
      "select",
      { id: "print-kind", onchange: () => (this.choice.printKind = kind.value) },
      h("option", { value: "" }, "Semua jenis"),
      Object.entries(CERTIFICATE_KINDS).map(([v, label]) => h("option", { value: v, selected: v === this.choice.printKind ? true : null }, label)),
    );
    const printDownload = () => download({ path: `/certificates.pdf${kind.value ? `?kind=${kind.value}` : ""}` })();
    replace(
      this.sections.downloads,
      h("h2", { id: "downloads-title" }, "Unduhan"),
      h("p", { class: "muted small" }, "Berita acara setelah hasil diumumkan; piagam setelah diterbitkan. Berkas besar perlu beberapa detik."),
      h("div", { class: "download-grid" }, DOWNLOADS.map((d) => this.button(d.label, "downloads", download(d)))),
      h("h3", {}, "Piagam"),
      h(
        "div",
        { class: "actions-row" },
        this.button("Semua piagam (ZIP)", "downloads", download({ path: "/certificates.zip" })),
        field("print-kind", "Jenis piagam untuk dicetak", kind),
        this.button("Unduh satu PDF untuk dicetak", "downloads", printDownload, { cls: "primary" }),
      ),
      h("p", { class: "muted small" }, "Satu PDF: setiap piagam satu halaman A4 mendatar, urut nomor, tanpa piagam yang dicabut. ZIP: satu PDF per piagam, termasuk yang dicabut (bertanda)."),
      this.notes.downloads,
    );
  }
}
