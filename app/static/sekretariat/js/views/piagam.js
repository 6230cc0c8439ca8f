// The piagam of one convention: the logo printed at their head and a sample of each kind
// before anything is issued, then every certificate issued, a page at a time, with its
// corrections: revoke (with a reason) and reissue (a revoked one without a replacement).
// As on every screen, the server decides and a refusal is shown where it happened.

import { ask, h, replace, saveBlob, table } from "/static/common/dom.js";
import * as api from "../api.js";
import { ctx, entryTitle } from "../context.js";
import { CERTIFICATE_KINDS, CERTIFICATE_STATUS, problemBox, when } from "../text.js";
import { SectionsView, field } from "./sections.js";

const PAGE = 50;
const LOGO_REFUSALS = {
  "too-large": "Berkas terlalu besar: logo paling besar 1 MB.",
  "unsupported-media-type": "Jenis berkas tidak didukung: kirim gambar PNG atau JPEG.",
  validation: "Gambar rusak atau tidak dapat dibaca.",
};

function kindSelect(id, value, { any = false, onChange } = {}) {
  const select = h(
    "select",
    { id, onchange: onChange ? () => onChange(select.value) : null },
    any ? h("option", { value: "" }, "Semua jenis") : null,
    Object.entries(CERTIFICATE_KINDS).map(([v, label]) => h("option", { value: v, selected: v === value ? true : null }, label)),
  );
  return select;
}

export class PiagamView extends SectionsView {
  constructor(main) {
    super(main, { logo: "", preview: "", certificates: "wide" });
    this.offset = 0;
    this.kind = "";
    this.previewKind = "winner";
    this.logoUrl = null;
  }

  async mount() {
    this.layout(
      "Piagam",
      "Periksa logo dan contoh piagam sebelum menerbitkan; piagam yang salah dicabut lalu diterbitkan ulang. Semua piagam dalam satu PDF untuk dicetak ada di layar Tindakan.",
    );
    this.renderPreview();
    await Promise.all([this.loadLogo(), this.loadCertificates()]);
  }

  async refresh() {
    await Promise.all([this.loadLogo(), this.loadCertificates()]);
  }

  // --- the logo ---------------------------------------------------------------------------

  async loadLogo() {
    let logo = null;
    try {
      logo = await api.fetchFile(api.conv(ctx.cid, "/logo"));
    } catch (error) {
      if (error.status !== 404) throw error;
    }
    if (this.logoUrl) URL.revokeObjectURL(this.logoUrl);
    this.logoUrl = logo ? URL.createObjectURL(logo.blob) : null;
    this.renderLogo();
  }

  renderLogo() {
    const file = h("input", { id: "logo-file", type: "file", accept: "image/png,image/jpeg" });
    const upload = async () => {
      if (!file.files.length) return "Pilih berkas logo lebih dulu.";
      const answer = await api.upload(api.conv(ctx.cid, "/logo"), file.files[0], "PUT");
      await this.loadLogo();
      return `Logo disimpan: ${answer.width}×${answer.height} piksel. Dicetak di kepala setiap piagam.`;
    };
    const remove = async () => {
      await api.del(api.conv(ctx.cid, "/logo"));
      await this.loadLogo();
      return "Logo dihapus.";
    };
    replace(
      this.sections.logo,
      h("h2", { id: "logo-title" }, "Logo piagam"),
      this.logoUrl
        ? h("img", { class: "logo-preview", src: this.logoUrl, alt: "Logo yang dicetak di piagam" })
        : h("p", { class: "muted", id: "logo-none" }, "Belum ada logo."),
      field("logo-file", "Berkas logo (PNG atau JPEG, paling besar 1 MB)", file),
      h(
        "div",
        { class: "actions-row" },
        this.button("Unggah logo", "logo", upload, { cls: this.logoUrl ? "" : "primary", titles: LOGO_REFUSALS }),
        this.button("Hapus logo", "logo", remove),
      ),
      this.notes.logo,
    );
  }

  // --- a sample ---------------------------------------------------------------------------

  renderPreview() {
    const kind = kindSelect("preview-kind", this.previewKind, { onChange: (v) => (this.previewKind = v) });
    const sample = async () => {
      const { blob, name } = await api.fetchFile(api.conv(ctx.cid, `/certificates/preview.pdf?kind=${kind.value}`));
      saveBlob(blob, name);
      return `Diunduh: ${name}. Contoh tidak menerbitkan apa pun.`;
    };
    replace(
      this.sections.preview,
      h("h2", { id: "preview-title" }, "Contoh piagam"),
      h("p", { class: "muted small" }, "Piagam contoh dengan nama samaran, sesuai kota, penanda tangan, tanggal dan logo konvensi saat ini. Nomornya 000 dan kodenya tidak dapat diverifikasi."),
      h("div", { class: "actions-row" }, field("preview-kind", "Jenis contoh", kind), this.button("Contoh piagam", "preview", sample)),
      this.notes.preview,
    );
  }

  // --- the certificates -------------------------------------------------------------------

  async loadCertificates() {
    const kind = this.kind ? `&kind=${this.kind}` : "";
    let page = await api.get(api.conv(ctx.cid, `/certificates?limit=${PAGE}&offset=${this.offset}${kind}`));
    if (!page.items.length && this.offset > 0 && page.total > 0) {
      this.offset = Math.floor((page.total - 1) / PAGE) * PAGE;
      page = await api.get(api.conv(ctx.cid, `/certificates?limit=${PAGE}&offset=${this.offset}${kind}`));
    }
    this.page = page;
    this.renderCertificates();
  }

  revoke(c) {
    return async () => {
      const reason = h("textarea", { id: "revoke-reason", rows: "3" });
      const answer = await ask({
        title: `Cabut piagam ${c.number}?`,
        labelId: "revoke-title",
        body: [
          h("p", {}, h("strong", {}, c.recipient_name), c.entry_id ? ` · ${entryTitle(c.entry_id)}` : null),
          h("p", { class: "muted small" }, "Piagam tetap tercatat; verifikasinya menyatakan dicabut. Perbaiki datanya, lalu terbitkan ulang."),
          h("div", { class: "field" }, h("label", { for: "revoke-reason" }, "Alasan pencabutan"), reason),
        ],
        buttons: [
          { label: "Batal", value: null },
          { label: "Cabut piagam", class: "danger", collect: () => reason.value },
        ],
      });
      if (answer === null) return null;
      const done = await api.post(api.conv(ctx.cid, `/certificates/${c.id}/revoke`), { reason: answer });
      await this.loadCertificates();
      return `Piagam ${done.number} dicabut.`;
    };
  }

  reissue(c) {
    return async () => {
      const answer = await ask({
        title: `Terbitkan ulang piagam ${c.number}?`,
        labelId: "reissue-title",
        body: [
          h("p", {}, h("strong", {}, c.recipient_name)),
          h("p", { class: "muted small" }, "Piagam baru dengan nomor dan kode baru, memakai nama sebagaimana tercatat sekarang. Verifikasi piagam lama menunjuk ke penggantinya."),
        ],
        buttons: [
          { label: "Batal", value: null },
          { label: "Terbitkan piagam pengganti", value: "yes", class: "primary" },
        ],
      });
      if (answer !== "yes") return null;
      const made = await api.post(api.conv(ctx.cid, `/certificates/${c.id}/reissue`));
      await this.loadCertificates();
      return `Piagam pengganti ${made.number} diterbitkan (kode ${made.code}).`;
    };
  }

  renderCertificates() {
    const { items, total } = this.page;
    const kind = kindSelect("certificate-kind", this.kind, {
      any: true,
      onChange: (v) => {
        this.kind = v;
        this.offset = 0;
        this.loadCertificates().catch((error) => replace(this.notes.certificates, problemBox(error)));
      },
    });
    const go = (offset) => async () => {
      this.offset = Math.max(0, offset);
      await this.loadCertificates();
      return null;
    };
    const first = total ? this.offset + 1 : 0;
    const last = this.offset + items.length;
    replace(
      this.sections.certificates,
      h("h2", { id: "certificates-title" }, "Daftar piagam"),
      h(
        "div",
        { class: "filters" },
        field("certificate-kind", "Jenis", kind),
        h("p", { id: "certificates-count", class: "muted" }, `${first}–${last} dari ${total} piagam`),
      ),
      table(
        [
          { label: "Nomor", header: true, value: (c) => c.number },
          { label: "Penerima", value: (c) => c.recipient_name },
          { label: "Jenis", value: (c) => CERTIFICATE_KINDS[c.kind] || c.kind },
          { label: "Inovasi / penghargaan", value: (c) => [c.entry_id ? entryTitle(c.entry_id) : "—", c.award_name ? ` (${c.award_name})` : ""].join("") },
          { label: "Kode", value: (c) => h("code", {}, c.code) },
          {
            label: "Status",
            value: (c) => [
              h("span", { class: `badge certificate-${c.status}` }, CERTIFICATE_STATUS[c.status] || c.status),
              c.status === "revoked" ? h("span", { class: "muted small" }, ` ${when(c.revoked_at)}: ${c.revoked_reason || ""}`) : null,
            ],
          },
          { label: "Diganti oleh", value: (c) => (c.replaced_by_code ? h("code", {}, c.replaced_by_code) : "—") },
          {
            label: "Tindakan",
            value: (c) =>
              c.status === "valid"
                ? this.button("Cabut", "certificates", this.revoke(c), { name: `Cabut piagam ${c.number}` })
                : c.replaced_by_code
                  ? "—"
                  : this.button("Terbitkan ulang", "certificates", this.reissue(c), { cls: "primary", name: `Terbitkan ulang piagam ${c.number}` }),
          },
        ],
        items,
        { label: "Daftar piagam", className: "data certificates", empty: "Belum ada piagam. Terbitkan penghargaan dan piagam di layar Tindakan." },
      ),
      total > PAGE
        ? h(
            "div",
            { class: "actions-row" },
            this.offset > 0 ? this.button("Sebelumnya", "certificates", go(this.offset - PAGE)) : null,
            last < total ? this.button("Berikutnya", "certificates", go(this.offset + PAGE)) : null,
          )
        : null,
      this.notes.certificates,
    );
  }
}
