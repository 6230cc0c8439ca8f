// One score sheet: each criterion with a slider and a number field kept in step, the total
// as the server will compute it, a comment, "Simpan draf" and "Kirim".

import { ask, h, replace } from "/static/common/dom.js";
import { CATEGORIES } from "/static/common/text.js";
import * as queue from "../queue.js";
import { formatNumber, formatTotal, parseScore, problemWith, total } from "../scoring.js";
import { currentSheet, entryState, isFinal, state } from "../state.js";
import { syncNow } from "../sync.js";
import { STATES, STATE_HINTS, problemText, timeText } from "../text.js";

const AUTOSAVE_MS = 400;

function rangeText(c) {
  const range = `Rentang ${formatNumber(c.min_score)}–${formatNumber(c.max_score)}`;
  return c.step ? `${range}, langkah ${formatNumber(c.step)}` : range;
}

function scoresTable(criteria, sheet) {
  const value = (code) => (sheet && typeof sheet.scores[code] === "number" ? formatNumber(sheet.scores[code]) : "—");
  const t = sheet ? total(criteria, sheet.scores) : null;
  return h(
    "dl",
    { class: "scores" },
    criteria.map((c) => [h("dt", {}, c.name), h("dd", {}, value(c.code))]),
    h("dt", {}, "Total"),
    h("dd", {}, t === null ? "—" : formatTotal(t)),
    h("dt", {}, "Catatan"),
    h("dd", {}, (sheet && sheet.comment) || "—"),
  );
}

export class SheetView {
  constructor(main, entryId, { done, flash }) {
    this.main = main;
    this.entryId = entryId;
    this.done = done;
    this.flash = flash;
    this.fields = [];
    this.autosave = null;
    this.shownKey = null;
  }

  mount() {
    const entry = state.entries.find((e) => e.id === this.entryId);
    const back = h("a", { href: "#/", class: "back" }, "← Daftar inovasi");
    if (!entry) {
      replace(
        this.main,
        h("nav", { class: "crumbs" }, back),
        h("h1", {}, "Inovasi tidak ditemukan"),
        h("p", {}, "Inovasi ini tidak ada dalam daftar Anda. Tekan Sinkronkan untuk memperbarui daftar."),
      );
      return;
    }
    this.entry = entry;
    this.criteria = state.criteria;
    this.criteriaKey = JSON.stringify(this.criteria);
    this.fields = [];
    this.shownKey = null;
    const opd = state.opds.get(entry.opd_id);
    this.badge = h("span", { class: "badge" });
    this.notices = h("div", { class: "notices" });
    this.totalValue = h("strong", { id: "total" });
    this.totalNote = h("span", { class: "muted small" });
    this.comment = h("textarea", {
      id: "comment",
      rows: 3,
      maxlength: 10000,
      oninput: () => this.changed(),
    });
    this.formError = h("p", { class: "form-error", role: "alert" });
    this.saveButton = h("button", { type: "button", onclick: () => this.save(false) }, "Simpan draf");
    this.submitButton = h("button", { type: "button", class: "primary", onclick: () => this.save(true) }, "Kirim");

    const criteria = this.criteria.map((c, i) => this.criterionField(c, i));
    const innovators = (entry.innovators || []).map((p) => p.name).filter(Boolean);
    replace(
      this.main,
      h("nav", { class: "crumbs" }, back),
      h(
        "header",
        { class: "entry-head" },
        h(
          "p",
          { class: "entry-meta" },
          [entry.acronym, opd ? `${opd.code} — ${opd.name}` : null, CATEGORIES[entry.category] || entry.category]
            .filter(Boolean)
            .join(" · "),
        ),
        h("h1", { id: "entry-title" }, entry.title),
        this.badge,
        entry.summary ? h("p", { class: "summary" }, entry.summary) : null,
        innovators.length ? h("p", { class: "muted small" }, `Inovator: ${innovators.join(", ")}`) : null,
      ),
      this.notices,
      h(
        "form",
        { class: "sheet", "aria-labelledby": "entry-title", novalidate: true, onsubmit: (e) => e.preventDefault() },
        this.criteria.length
          ? criteria
          : h("p", {}, "Kriteria penilaian belum diunduh. Tekan Sinkronkan saat tablet terhubung."),
        h("div", { class: "field comment" }, h("label", { for: "comment" }, "Catatan"), this.comment),
        h(
          "div",
          { class: "sheet-actions" },
          h("p", { class: "total" }, h("span", {}, "Total "), this.totalValue, " ", this.totalNote),
          this.formError,
          h("div", { class: "buttons" }, this.saveButton, this.submitButton),
        ),
      ),
    );
    this.fill(currentSheet(this.entryId));
    this.restoreEdits();
    this.update();
  }

  criterionField(c, i) {
    const slider = h("input", {
      type: "range",
      id: `slider-${i}`,
      "aria-labelledby": `name-${i}`,
      "aria-describedby": `range-${i}`,
      min: c.min_score,
      max: c.max_score,
      step: c.step || "any",
      value: c.min_score,
      class: "unset",
    });
    const number = h("input", {
      type: "text",
      inputmode: "decimal",
      id: `score-${i}`,
      autocomplete: "off",
      "aria-describedby": `range-${i} error-${i}`,
      class: "score",
    });
    const error = h("p", { class: "field-error", id: `error-${i}` });
    const field = { criterion: c, slider, number, error };
    slider.addEventListener("input", () => {
      number.value = formatNumber(Number(slider.value));
      slider.classList.remove("unset");
      this.showError(field, null);
      this.changed();
    });
    number.addEventListener("input", () => {
      const value = parseScore(number.value);
      if (value !== null && !problemWith(c, value)) {
        slider.value = value;
        slider.classList.remove("unset");
        this.showError(field, null);
      } else if (value === null) {
        slider.value = c.min_score;
        slider.classList.add("unset");
      }
      this.changed();
    });
    number.addEventListener("change", () => this.showError(field, problemWith(c, parseScore(number.value))));
    this.fields.push(field);
    return h(
      "div",
      { class: "criterion" },
      h(
        "div",
        { class: "criterion-text" },
        h(
          "div",
          { class: "criterion-head" },
          h("label", { for: `score-${i}`, id: `name-${i}`, class: "criterion-name" }, c.name),
          h("span", { class: "muted small" }, `Bobot ${formatNumber(c.weight)}`),
        ),
        c.description ? h("p", { class: "criterion-desc" }, c.description) : null,
        h("p", { class: "muted small range", id: `range-${i}` }, rangeText(c)),
      ),
      h("div", { class: "criterion-input" }, slider, number),
      error,
    );
  }

  showError(field, message) {
    replace(field.error, message || "");
    if (message) field.number.setAttribute("aria-invalid", "true");
    else field.number.removeAttribute("aria-invalid");
  }

  fill(sheet) {
    for (const field of this.fields) {
      const value = sheet && typeof sheet.scores[field.criterion.code] === "number" ? sheet.scores[field.criterion.code] : null;
      field.number.value = formatNumber(value);
      field.slider.value = value === null ? field.criterion.min_score : value;
      field.slider.classList.toggle("unset", value === null);
      this.showError(field, null);
    }
    this.comment.value = (sheet && sheet.comment) || "";
    this.renderTotal();
  }

  async restoreEdits() {
    const kept = await queue.edits(this.entryId);
    if (!kept || isFinal(this.entryId) || !this.fields) return;
    for (const field of this.fields) {
      const text = kept.texts[field.criterion.code];
      if (text === undefined) continue;
      field.number.value = text;
      const value = parseScore(text);
      field.slider.value = value !== null && Number.isFinite(value) ? value : field.criterion.min_score;
      field.slider.classList.toggle("unset", value === null);
    }
    this.comment.value = kept.comment;
    this.renderTotal();
    this.restored = h(
      "div",
      { class: "notice" },
      h("p", {}, `Perubahan yang belum disimpan (${timeText(kept.kept_at)}) dipulihkan.`),
      h(
        "button",
        {
          type: "button",
          onclick: async () => {
            await queue.dropEdits(this.entryId);
            this.restored = null;
            this.fill(currentSheet(this.entryId));
            this.update(true);
          },
        },
        "Buang perubahan",
      ),
    );
    this.update(true);
  }

  // The form as typed: scores that parse, and the first problem of any field.
  read() {
    const scores = {};
    const texts = {};
    const problems = [];
    for (const field of this.fields) {
      texts[field.criterion.code] = field.number.value;
      const value = parseScore(field.number.value);
      const problem = problemWith(field.criterion, value);
      if (problem) problems.push([field, problem]);
      else if (value !== null) scores[field.criterion.code] = value;
    }
    return { scores, texts, problems, comment: this.comment.value };
  }

  renderTotal() {
    const { scores } = this.read();
    const t = total(this.criteria, scores);
    const filled = Object.keys(scores).length;
    replace(this.totalValue, t === null ? "—" : formatTotal(t));
    replace(
      this.totalNote,
      t === null ? `(${filled} dari ${this.criteria.length} kriteria terisi)` : "dari 100, dihitung seperti di server",
    );
  }

  changed() {
    this.touched = true;
    this.renderTotal();
    replace(this.formError);
    clearTimeout(this.autosave);
    this.autosave = setTimeout(() => {
      const { texts, comment } = this.read();
      queue.keepEdits(this.entryId, { texts, comment });
    }, AUTOSAVE_MS);
  }

  async save(submit) {
    clearTimeout(this.autosave);
    const { scores, problems, comment } = this.read();
    for (const [field, problem] of problems) this.showError(field, problem);
    if (problems.length) {
      replace(this.formError, "Perbaiki nilai yang ditandai lebih dulu.");
      problems[0][0].number.focus();
      return;
    }
    if (submit) {
      const missing = this.fields.filter((f) => !(f.criterion.code in scores));
      if (missing.length) {
        for (const f of missing) this.showError(f, "Kriteria ini harus dinilai sebelum dikirim.");
        replace(this.formError, "Semua kriteria harus dinilai sebelum dikirim.");
        missing[0].number.focus();
        return;
      }
      const answer = await ask({
        title: "Kirim penilaian?",
        labelId: "confirm-title",
        body: h(
          "p",
          {},
          `Total ${formatTotal(total(this.criteria, scores))}. Lembar yang sudah dikirim bersifat final: ` +
            "nilainya tidak dapat diubah lagi.",
        ),
        buttons: [
          { label: "Batal", value: false },
          { label: "Ya, kirim", value: true, class: "primary" },
        ],
      });
      if (!answer) return;
    }
    await queue.save(this.entryId, { scores, comment, submit });
    this.restored = null;
    syncNow();
    if (submit) {
      this.flash(`Penilaian “${this.entry.title}” disimpan di tablet dan dikirim ke server.`);
      this.done();
    } else {
      this.saved = Date.now();
      this.flash("Draf tersimpan di tablet.");
      this.update(true);
    }
  }

  // Refresh what the queue or the server may have changed, never the juror's typing.
  update(force = false) {
    if (!this.entry) {
      // Opened before the data arrived (a first load): build it once it is there.
      if (state.entries.some((e) => e.id === this.entryId)) this.mount();
      return;
    }
    if (!this.touched && JSON.stringify(state.criteria) !== this.criteriaKey) {
      this.mount();
      return;
    }
    const queued = state.queue.get(this.entryId);
    const refused = state.refused.get(this.entryId);
    const server = state.sheets.get(this.entryId);
    const status = state.convention && state.convention.status;
    const key = JSON.stringify([queued && [queued.seq, queued.state], refused && refused.refused_at, server && server.version, status]);
    if (key === this.shownKey && !force) return;
    if (this.shownKey !== null && !this.touched && !this.restored) {
      // Nothing typed here yet: show what another tablet or the server changed meanwhile.
      this.fill(currentSheet(this.entryId));
    }
    this.shownKey = key;
    const s = entryState(this.entryId);
    this.badge.className = `badge state-${s}`;
    replace(this.badge, `${STATES[s]}: ${STATE_HINTS[s]}`);

    const final = isFinal(this.entryId);
    const conflict = queued && queued.state === "conflict";
    const locked = final || conflict;
    for (const field of this.fields) {
      field.slider.disabled = locked;
      field.number.readOnly = locked;
    }
    this.comment.readOnly = locked;
    this.saveButton.hidden = final;
    this.submitButton.hidden = final;
    this.saveButton.disabled = conflict;
    this.submitButton.disabled = conflict;

    const notices = [];
    if (conflict) notices.push(this.conflictPanel(queued));
    if (queued && queued.state === "invalid") notices.push(this.invalidNotice(queued));
    if (refused) notices.push(this.refusedNotice(refused));
    if (final && server && server.status === "submitted" && !queued) {
      notices.push(h("div", { class: "notice ok" }, h("p", {}, "Lembar ini sudah dikirim dan final. Terima kasih.")));
    } else if (final) {
      notices.push(
        h("div", { class: "notice" }, h("p", {}, "Lembar ini final dan tersimpan di tablet; dikirim ke server begitu terhubung.")),
      );
    } else if (this.saved && queued && !conflict) {
      notices.push(h("div", { class: "notice" }, h("p", {}, `Draf tersimpan di tablet (${timeText(this.saved)}), menunggu dikirim.`)));
    } else if (this.saved && !queued && server) {
      notices.push(h("div", { class: "notice ok" }, h("p", {}, `Draf tersimpan di server (versi ${server.version}).`)));
    }
    const convention = state.convention;
    if (!final && convention && convention.status !== "judging") {
      notices.push(
        h(
          "div",
          { class: "notice bad" },
          h("p", {}, "Penilaian sedang tidak dibuka: lembar tetap tersimpan di tablet, tetapi server menolaknya sampai penilaian dibuka lagi."),
        ),
      );
    }
    if (this.restored) notices.push(this.restored);
    replace(this.notices, notices);
    // An answer that needs the juror (a conflict, a refusal) may come while they are at the
    // bottom of the sheet: bring it into view once, with the focus on it.
    const urgent = this.notices.querySelector(".conflict, .notice.bad[data-urgent]");
    const what = urgent ? urgent.className + (queued ? queued.seq : "") : null;
    if (urgent && what !== this.shownUrgent) {
      urgent.scrollIntoView({ block: "start" });
      urgent.focus({ preventScroll: true });
    }
    this.shownUrgent = what;
  }

  conflictPanel(item) {
    const server = item.server;
    const serverFinal = server && server.status === "submitted";
    const title = "Lembar ini juga diubah di perangkat lain";
    return h(
      "section",
      { class: "conflict", "aria-labelledby": "conflict-title", tabindex: -1 },
      h("h2", { id: "conflict-title" }, title),
      h(
        "p",
        {},
        serverFinal
          ? "Server sudah menyimpan lembar ini sebagai terkirim (final), jadi versi di tablet ini tidak dapat dipakai lagi."
          : server
            ? `Server menyimpan versi lain (versi ${server.version}). Bandingkan, lalu pilih yang dipakai.`
            : "Lembar di server sudah tidak ada. Kirim versi Anda sebagai lembar baru?",
      ),
      h(
        "div",
        { class: "compare" },
        h("div", { class: "side" }, h("h3", {}, server ? `Versi server (versi ${server.version})` : "Versi server"), scoresTable(this.criteria, server)),
        h("div", { class: "side" }, h("h3", {}, "Versi Anda (di tablet ini)"), scoresTable(this.criteria, item)),
      ),
      h(
        "div",
        { class: "row" },
        serverFinal
          ? null
          : h("button", { type: "button", class: "primary", onclick: () => this.choose("mine") }, "Pakai versi saya"),
        server ? h("button", { type: "button", onclick: () => this.choose("server") }, "Pakai versi server") : null,
      ),
    );
  }

  async choose(choice) {
    await queue.resolve(this.entryId, choice);
    if (choice === "server") {
      this.fill(currentSheet(this.entryId));
      this.flash("Versi server dipakai.");
    } else {
      syncNow();
    }
    this.update(true);
    this.main.focus();
  }

  invalidNotice(item) {
    const problem = item.problem || {};
    const general = [];
    for (const error of problem.errors || []) {
      const loc = error.loc || [];
      const code = loc[loc.length - 1];
      const field = loc.includes("scores") && this.fields.find((f) => f.criterion.code === code);
      if (field) this.showError(field, `Ditolak server: ${error.msg}`);
      else general.push(`${loc.filter((x) => x !== "body").join(".")}: ${error.msg}`);
    }
    return h(
      "div",
      { class: "notice bad", role: "alert", tabindex: -1, "data-urgent": true },
      h("p", {}, `${problemText(problem)} Perbaiki kolom yang ditandai, lalu simpan lagi. Lembar ini tetap tersimpan di tablet.`),
      general.length ? h("ul", {}, general.map((g) => h("li", {}, g))) : null,
    );
  }

  refusedNotice(item) {
    return h(
      "div",
      { class: "notice bad", tabindex: -1, "data-urgent": true },
      h("p", {}, `Server menolak lembar yang Anda simpan: ${problemText(item.problem)}`),
      item.problem && item.problem.detail ? h("p", { class: "muted small" }, item.problem.detail) : null,
      h(
        "div",
        { class: "row" },
        h("button", { type: "button", onclick: () => queue.retryRefused(this.entryId).then(() => syncNow()) }, "Coba kirim lagi"),
        h("button", { type: "button", onclick: () => queue.dismissRefused(this.entryId) }, "Hapus"),
      ),
    );
  }
}
