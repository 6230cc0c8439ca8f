// The entries this juror scores: search, filters, progress, and each entry's state.

import { h, replace } from "/static/common/dom.js";
import { CATEGORIES } from "/static/common/text.js";
import { dismissRefused, retryRefused } from "../queue.js";
import { entryState, scorableEntries, state } from "../state.js";
import { CONVENTION_STATUS, STATES, STATE_HINTS, problemText } from "../text.js";

// Kept while the juror moves between the list and a sheet.
const filters = { q: "", state: "", category: "" };

const fold = (text) =>
  String(text || "")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();

function matches(entry) {
  if (filters.state && entryState(entry.id) !== filters.state) return false;
  if (filters.category && entry.category !== filters.category) return false;
  if (!filters.q) return true;
  const opd = state.opds.get(entry.opd_id) || {};
  const haystack = fold([entry.title, entry.acronym, entry.summary, opd.code, opd.name].join(" "));
  return fold(filters.q)
    .split(/\s+/)
    .every((word) => haystack.includes(word));
}

// A filter of the list: a <select> that sets filters[key] and shows the list again.
function filter(id, label, key, options, render) {
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    h(
      "select",
      {
        id,
        onchange: (event) => {
          filters[key] = event.target.value;
          render();
        },
      },
      options.map(([value, text]) => h("option", { value, selected: value === filters[key] }, text)),
    ),
  );
}

export class ListView {
  constructor(main) {
    this.main = main;
  }

  mount() {
    this.heading = h("h1", { id: "convention-name" });
    this.context = h("p", { class: "muted" });
    this.progressLabel = h("label", { for: "progress", id: "progress-label" });
    this.progress = h("progress", { id: "progress", max: 1, value: 0 });
    this.breakdown = h("p", { class: "muted small" });
    this.count = h("p", { class: "list-count", id: "list-count" });
    this.list = h("ul", { class: "entries", "aria-labelledby": "list-count" });
    this.refused = h("section", { class: "refused", "aria-labelledby": "refused-title" });
    const search = h("input", {
      id: "search",
      type: "search",
      value: filters.q,
      autocomplete: "off",
      placeholder: "Judul, akronim atau OPD",
      oninput: (event) => {
        filters.q = event.target.value.trim();
        this.renderList();
      },
    });
    const render = () => this.renderList();
    // Browsers keep a service worker (the app opening offline) only on https or localhost.
    const insecure = !window.isSecureContext
      ? h(
          "div",
          { class: "notice bad" },
          h(
            "p",
            {},
            "Alamat aplikasi ini tidak memakai https, jadi tablet tidak dapat membuka " +
              "aplikasi tanpa jaringan. Lembar tetap tersimpan di tablet dan terkirim saat jaringan " +
              "kembali, tetapi jangan memuat ulang halaman selama jaringan putus. Minta panitia " +
              "memakai alamat https.",
          ),
        )
      : null;
    replace(
      this.main,
      insecure,
      h(
        "section",
        { class: "overview", "aria-labelledby": "convention-name" },
        this.heading,
        this.context,
        h("div", { class: "progress-row" }, this.progressLabel, this.progress),
        this.breakdown,
      ),
      h(
        "section",
        { class: "filters", "aria-label": "Cari dan saring" },
        h("div", { class: "field grow" }, h("label", { for: "search" }, "Cari inovasi"), search),
        filter("filter-state", "Status", "state", [["", "Semua status"], ...Object.entries(STATES)], render),
        filter("filter-category", "Kategori", "category", [["", "Semua kategori"], ...Object.entries(CATEGORIES)], render),
      ),
      this.count,
      this.list,
      this.refused,
    );
    this.update();
  }

  update() {
    const convention = state.convention;
    replace(this.heading, convention ? convention.name : "Memuat data konvensi…");
    const parts = [];
    if (state.stage) parts.push(`Tahap: ${state.stage.name || `tahap ${state.stage.id}`}`);
    if (state.stage && state.stage.notJudged) parts.push("Panel Anda tidak menilai tahap ini");
    if (convention) parts.push(CONVENTION_STATUS[convention.status] || convention.status);
    if (state.session) parts.push(`Juri: ${state.session.full_name}`);
    if (convention && convention.judging_deadline) {
      const deadline = new Date(convention.judging_deadline);
      const text = new Intl.DateTimeFormat("id-ID", { dateStyle: "long", timeStyle: "short" });
      parts.push(`Batas penilaian: ${text.format(deadline)}`);
    }
    replace(this.context, parts.join(" · "));

    const entries = scorableEntries();
    const counts = { belum: 0, draf: 0, menunggu: 0, terkirim: 0 };
    for (const entry of entries) counts[entryState(entry.id)] += 1;
    this.progress.max = Math.max(entries.length, 1);
    this.progress.value = counts.terkirim;
    replace(this.progressLabel, `Terkirim ${counts.terkirim} dari ${entries.length} inovasi`);
    replace(
      this.breakdown,
      `Belum ${counts.belum} · Draf ${counts.draf} · Menunggu ${counts.menunggu} · Terkirim ${counts.terkirim}`,
    );
    this.renderList();
    this.renderRefused();
  }

  renderList() {
    const all = scorableEntries();
    const shown = all.filter(matches);
    const filtered = shown.length !== all.length;
    replace(
      this.count,
      !state.convention
        ? "Data belum diunduh. Sambungkan tablet ke jaringan konvensi, lalu tekan Sinkronkan."
        : filtered
          ? `${shown.length} dari ${all.length} inovasi`
          : `${all.length} inovasi`,
    );
    replace(
      this.list,
      shown.map((entry) => {
        const opd = state.opds.get(entry.opd_id);
        const s = entryState(entry.id);
        const queued = state.queue.get(entry.id);
        const flag =
          queued && queued.state === "conflict"
            ? h("span", { class: "flag" }, "perlu dipilih")
            : queued && queued.state === "invalid"
              ? h("span", { class: "flag" }, "perlu diperbaiki")
              : null;
        return h(
          "li",
          {},
          h(
            "a",
            { class: "entry", href: `#/nilai/${entry.id}`, "data-entry-id": entry.id },
            h("span", { class: "entry-title" }, entry.title),
            h(
              "span",
              { class: "entry-meta" },
              [entry.acronym, opd ? opd.code : null, CATEGORIES[entry.category] || entry.category]
                .filter(Boolean)
                .join(" · "),
            ),
            h(
              "span",
              { class: `badge state-${s}` },
              STATES[s],
              h("span", { class: "visually-hidden" }, `: ${STATE_HINTS[s]}`),
            ),
            flag,
          ),
        );
      }),
    );
  }

  renderRefused() {
    const refused = [...state.refused.values()];
    if (!refused.length) {
      replace(this.refused);
      this.refused.hidden = true;
      return;
    }
    this.refused.hidden = false;
    const titleOf = (id) => {
      const entry = state.entries.find((e) => e.id === id);
      return entry ? entry.title : `Inovasi ${id}`;
    };
    replace(
      this.refused,
      h("h2", { id: "refused-title" }, "Ditolak server"),
      h(
        "p",
        { class: "muted" },
        "Lembar berikut tidak diterima server dan tidak akan dikirim lagi. " +
          "Isinya tetap ada di tablet (ikut dalam ekspor antrean) sampai Anda menghapusnya.",
      ),
      h(
        "ul",
        {},
        refused.map((item) =>
          h(
            "li",
            { class: "refused-item" },
            h("strong", {}, titleOf(item.entry_id)),
            h("span", {}, problemText(item.problem)),
            h(
              "span",
              { class: "row" },
              h("button", { type: "button", onclick: () => retryRefused(item.entry_id) }, "Coba kirim lagi"),
              h("button", { type: "button", onclick: () => dismissRefused(item.entry_id) }, "Hapus"),
            ),
          ),
        ),
      ),
    );
  }
}
