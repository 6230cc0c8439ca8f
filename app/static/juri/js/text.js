// The words of the app, in Indonesian, in one place (an innovation's categories, which the
// dashboard shows too, are in /static/common/text.js).

export const CONVENTION_STATUS = {
  draft: "Persiapan: penilaian belum dibuka",
  judging: "Penilaian sedang berlangsung",
  closed: "Penilaian sudah ditutup",
};

// The state of an entry for this juror, as the list shows it.
export const STATES = {
  belum: "Belum",
  draf: "Draf",
  menunggu: "Menunggu",
  terkirim: "Terkirim",
};

export const STATE_HINTS = {
  belum: "belum dinilai",
  draf: "draf tersimpan di server",
  menunggu: "tersimpan di tablet, menunggu dikirim",
  terkirim: "terkirim dan final",
};

const PROBLEMS = {
  "convention-state":
    "Penilaian tidak sedang dibuka untuk lembar ini (penilaian ditutup, atau tahapnya sudah berganti).",
  "conflict-of-interest": "Anda tercatat memiliki konflik kepentingan dengan OPD inovasi ini.",
  forbidden: "Akun ini tidak berhak menilai inovasi ini.",
  "not-found": "Inovasi ini tidak ada lagi di konvensi.",
  "not-in-stage": "Inovasi ini tidak termasuk tahap penilaian saat ini.",
  "sheet-final": "Lembar ini sudah dikirim (final) dari perangkat lain.",
  "precondition-failed": "Lembar ini sudah diubah dari perangkat lain.",
  validation: "Server menolak isi lembar ini.",
  "rate-limited": "Server sedang sibuk; dicoba lagi nanti.",
  unavailable: "Server sedang tidak tersedia; dicoba lagi nanti.",
};

export function problemText(problem) {
  if (!problem) return "Server menolak lembar ini.";
  const name = String(problem.type || "").replace("/problems/", "");
  return PROBLEMS[name] || problem.title || "Server menolak lembar ini.";
}

export function timeText(ms) {
  if (!ms) return "";
  const d = new Date(ms);
  const hh = String(d.getHours()).padStart(2, "0");
  const mm = String(d.getMinutes()).padStart(2, "0");
  return `${hh}.${mm}`;
}
