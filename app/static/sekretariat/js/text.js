// The words of the dashboard, in Indonesian, and how numbers and times are written (an
// innovation's categories, which the juror app shows too, are in /static/common/text.js).

import { h } from "/static/common/dom.js";

export const STATUS = {
  draft: "Persiapan",
  judging: "Penilaian dibuka",
  closed: "Penilaian ditutup",
};

export const METHODS = {
  mean: "Rata-rata (mean)",
  median: "Median",
  trimmed: "Rata-rata terpangkas (trimmed)",
  zscore: "Standardisasi (z-score)",
};

export const STAGE_STATES = { pending: "belum", current: "berjalan", done: "selesai" };

export const VERDICTS = {
  stable_in: "Stabil menang",
  stable_out: "Stabil di luar",
  cusp: "Di ambang (cusp)",
};

export const WARNINGS = {
  boundary_tie: "Seri di batas penghargaan",
  panel_missing: "Ada panel tanpa nilai",
  no_eligible_juror: "Tidak ada juri yang boleh menilai",
  stage_missing: "Nilai tahap belum lengkap",
};

export const RESULT_STATUS = { provisional: "Sementara (masa sanggah)", final: "Final" };
export const OBJECTION_STATUS = {
  open: "Terbuka",
  upheld: "Diterima",
  dismissed: "Ditolak",
  void: "Batal",
};

export const CERTIFICATE_KINDS = { winner: "Pemenang", participant: "Peserta", juror: "Juri (apresiasi)" };
export const CERTIFICATE_STATUS = { valid: "Sah", revoked: "Dicabut" };
export const ROLES = { admin: "Admin", secretariat: "Sekretariat", juror: "Juri" };

// What each refusal of the API means for the secretariat (RFC 9457 `type`).
const PROBLEMS = {
  "convention-state": "Langkah ini tidak diizinkan pada status konvensi sekarang.",
  incomplete: "Masih ada inovasi yang belum lengkap dinilai.",
  duplicate: "Sudah dilakukan sebelumnya, atau datanya sudah ada.",
  "in-use": "Masih dipakai oleh data lain.",
  forbidden: "Akun ini tidak berhak melakukannya.",
  "not-found": "Tidak ditemukan (atau belum ada).",
  validation: "Isian ditolak server.",
  "too-large": "Berkas terlalu besar.",
  "unsupported-media-type": "Jenis berkas tidak didukung: kirim CSV (UTF-8) atau XLSX.",
  "rate-limited": "Terlalu banyak permintaan; coba lagi sebentar lagi.",
  unavailable: "Server sedang sibuk; coba lagi sebentar lagi.",
  unauthenticated: "Sesi berakhir; masuk lagi.",
};

// `titles` gives a screen its own words for a refusal (a logo is not a CSV).
export function problemTitle(error, titles = {}) {
  const type = error.type || "";
  return titles[type] || PROBLEMS[type] || (error.problem && error.problem.title) || `Ditolak server (HTTP ${error.status}).`;
}

// A refusal as the page shows it: what it means, the server's own detail, each field's error.
export function problemBox(error, { entryTitle, titles } = {}) {
  if (!error || !("status" in error)) {
    return h("div", { class: "problem", role: "alert" }, h("p", {}, "Server tidak dapat dihubungi. Periksa jaringan, lalu coba lagi."));
  }
  const problem = error.problem || {};
  const errors = Array.isArray(problem.errors) ? problem.errors : [];
  const ids = Array.isArray(problem.entry_ids) ? problem.entry_ids : [];
  return h(
    "div",
    { class: "problem", role: "alert" },
    h("p", { class: "problem-title" }, `${problemTitle(error, titles)} (HTTP ${error.status})`),
    problem.detail ? h("p", { class: "problem-detail" }, problem.detail) : null,
    errors.length
      ? h(
          "ul",
          { class: "problem-fields" },
          errors.slice(0, 50).map((e) => h("li", {}, h("code", {}, (e.loc || []).join(" › ")), ": ", e.msg)),
        )
      : null,
    ids.length
      ? h(
          "p",
          {},
          "Inovasi: ",
          ids.map((id) => (entryTitle ? entryTitle(id) : `#${id}`)).join("; "),
        )
      : null,
  );
}

const ID = "id-ID";

export function num(value, digits = 2) {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  return value.toLocaleString(ID, { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function signed(value, digits = 2) {
  if (value === null || value === undefined) return "—";
  return (value > 0 ? "+" : value < 0 ? "−" : "") + num(Math.abs(value), digits);
}

export function pct(part, whole) {
  return whole ? Math.round((100 * part) / whole) : 0;
}

export function clock(date = new Date()) {
  return date.toLocaleTimeString(ID, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

export function when(iso) {
  if (!iso) return "—";
  return new Date(iso).toLocaleString(ID, {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: "Asia/Jakarta",
  }) + " WIB";
}

export function rankRange(min, max) {
  if (min == null) return "—";
  return min === max ? `${min}` : `${min}–${max}`;
}
