// Pictures of the judging: each juror's leniency (Step 9), panel against panel per entry,
// each juror's spread of totals, and the top entries' scores with their rank ranges (Step 8).
//
// Per-juror totals come from each juror's submitted sheets of the stage
// (GET …/jurors/{id}/sheets?stage_id=, one request per juror per 500 sheets) and the
// stage's criteria, with docs/scoring.md Step 1 computed here: a few requests instead of one
// explanation per entry. Sheets of entries the juror has a conflict with, or of disqualified
// entries, are left out, as the ranking leaves them out. They are read again at most every
// 60 seconds; the rest follows the 10-second refresh.

import { h, replace } from "/static/common/dom.js";
import * as api from "../api.js";
import { figure, divergingBars, scatter, scoreBars, strips, summary } from "../charts.js";
import { ctx, entryTitle, jurorName, panelName, scoredStages } from "../context.js";
import { VERDICTS, num, rankRange, signed } from "../text.js";
import { rankingControls, rankingQuery, selection } from "./ranking.js";

const SHEETS_EVERY_MS = 60000;
const TOP = 10;

export function stepOneTotal(criteria, scores) {
  let sumW = 0;
  let sum = 0;
  for (const c of criteria) {
    const value = scores[c.code];
    if (typeof value !== "number") return null;
    sumW += c.weight;
    sum += (c.weight * (value - c.min_score)) / (c.max_score - c.min_score);
  }
  return sumW ? (100 * sum) / sumW : null;
}

export class ChartsView {
  constructor(main) {
    this.main = main;
    this.live = true;
    this.sheetsAt = 0;
    this.sheetsStage = null;
    this.totals = null;
  }

  // The stage whose sheets the per-stage charts show.
  stageId() {
    if (selection.stage) return Number(selection.stage);
    const current = ctx.stages.find((st) => st.id === ctx.convention.current_stage_id);
    if (current && current.kind === "scored") return current.id;
    const scored = scoredStages();
    return scored.length ? scored[scored.length - 1].id : null;
  }

  async mount() {
    this.box = h("div", { class: "charts" });
    this.stageNote = h("p", { class: "muted" });
    replace(
      this.main,
      h("h1", {}, "Grafik"),
      rankingControls(() => {
        this.sheetsAt = 0;
        return this.refresh();
      }, { category: false }),
      this.stageNote,
      this.box,
    );
    await this.refresh();
  }

  async loadTotals(stageId) {
    const criteria = await api.getAll(api.conv(ctx.cid, `/criteria?stage_id=${stageId}`));
    const jurors = [...ctx.jurors.values()];
    const lists = await Promise.all(
      jurors.map((j) => api.getAll(api.conv(ctx.cid, `/jurors/${j.id}/sheets?stage_id=${stageId}`))),
    );
    this.totals = jurors.map((j, i) => {
      const conflicts = new Set(j.conflict_opd_ids);
      const values = lists[i]
        .filter((sheet) => sheet.status === "submitted")
        .filter((sheet) => {
          const entry = ctx.entries.get(sheet.entry_id);
          return entry && !entry.disqualified && !conflicts.has(entry.opd_id);
        })
        .map((sheet) => stepOneTotal(criteria, sheet.scores))
        .filter((t) => t !== null);
      return { juror: j, values };
    });
    this.sheetsAt = Date.now();
    this.sheetsStage = stageId;
  }

  async refresh() {
    const stageId = this.stageId();
    const q = rankingQuery(false);
    const [ranking, stability, agreement] = await Promise.all([
      api.get(api.conv(ctx.cid, `/ranking?${q}`)),
      api.get(api.conv(ctx.cid, `/ranking/stability?${q}`)).catch(() => null),
      api.get(api.conv(ctx.cid, `/ranking/agreement?method=${selection.method}`)),
    ]);
    if (stageId && (this.sheetsStage !== stageId || Date.now() - this.sheetsAt > SHEETS_EVERY_MS)) {
      await this.loadTotals(stageId);
    }
    this.render(stageId, ranking, stability, agreement);
  }

  render(stageId, ranking, stability, agreement) {
    const stage = ctx.stages.find((st) => st.id === stageId);
    replace(
      this.stageNote,
      stage ? `Kelonggaran juri, sebaran nilai dan panel: lembar tahap ${stage.name}. Nilai teratas: ${ranking.stage_id ? `peringkat tahap ${stage.name}` : "peringkat akhir"}.` : "",
    );
    replace(this.box, this.leniency(stageId, agreement), this.panels(ranking), this.spread(), this.top(ranking, stability));
  }

  leniency(stageId, agreement) {
    const st = agreement.stages.find((x) => x.stage_id === stageId) || agreement.stages[0];
    const rows = (st ? st.jurors : []).map((j) => ({ ...j, name: jurorName(j.juror_id) }));
    rows.sort((a, b) => (b.leniency ?? -Infinity) - (a.leniency ?? -Infinity));
    return figure({
      id: "chart-leniency",
      title: "Kelonggaran juri (leniency)",
      note: "Selisih rata-rata total juri dengan juri lain pada inovasi yang sama. Kanan: lebih murah hati; kiri: lebih ketat; 0: sama dengan rekan.",
      draw: (t) => divergingBars(t, rows.map((j) => ({ label: j.name, value: j.leniency, title: `${j.name}: ${signed(j.leniency)} poin atas ${j.leniency_n} inovasi` }))),
      empty: "Belum ada lembar terkirim.",
      columns: [
        { label: "Juri", header: true, value: (j) => j.name },
        { label: "Kelonggaran", num: true, value: (j) => signed(j.leniency) },
        { label: "Inovasi pembanding", num: true, value: (j) => String(j.leniency_n) },
      ],
      rows,
    });
  }

  panels(ranking) {
    const names = ctx.panels.map((p) => p.name);
    const [a, b] = names;
    const title = a && b ? `${a} dibanding ${b}` : "Panel dibanding panel";
    const rows = a && b ? ranking.rows.filter((r) => r.panel_scores[a] != null && r.panel_scores[b] != null) : [];
    const points = rows.map((r) => ({
      x: r.panel_scores[a],
      y: r.panel_scores[b],
      highlight: Math.abs(r.panel_scores[a] - r.panel_scores[b]) >= 10,
      title: `${entryTitle(r.entry_id)}: ${a} ${num(r.panel_scores[a])}, ${b} ${num(r.panel_scores[b])}`,
    }));
    return figure({
      id: "chart-panels",
      title,
      note: a && b
        ? `Satu titik per inovasi. Di garis putus-putus kedua panel sepakat; titik oranye berbeda 10 poin atau lebih.${names.length > 2 ? ` Dua panel pertama dari ${names.length}.` : ""}`
        : "Grafik ini perlu dua panel.",
      draw: (t) => scatter(t, points, `Nilai ${a}`, `Nilai ${b}`),
      empty: "Belum ada inovasi yang dinilai kedua panel.",
      columns: [
        { label: "Inovasi", header: true, value: (r) => entryTitle(r.entry_id) },
        { label: a || "Panel A", num: true, value: (r) => num(r.panel_scores[a]) },
        { label: b || "Panel B", num: true, value: (r) => num(r.panel_scores[b]) },
        { label: "Selisih", num: true, value: (r) => signed(r.panel_scores[a] - r.panel_scores[b]) },
      ],
      rows,
    });
  }

  spread() {
    const rows = (this.totals || []).map((t) => ({
      label: t.juror.full_name,
      panel: panelName(t.juror.panel_id),
      values: t.values,
      st: summary(t.values),
    }));
    rows.sort((x, y) => x.panel.localeCompare(y.panel) || x.label.localeCompare(y.label));
    return figure({
      id: "chart-spread",
      title: "Sebaran total tiap juri",
      note: "Satu baris per juri: titik = total satu lembar terkirim (0–100), kotak = kuartil pertama sampai ketiga, garis tebal = median.",
      draw: (t) => strips(t, rows),
      empty: "Belum ada juri.",
      columns: [
        { label: "Juri", header: true, value: (r) => r.label },
        { label: "Panel", value: (r) => r.panel },
        { label: "Lembar", num: true, value: (r) => String(r.values.length) },
        { label: "Min", num: true, value: (r) => num(r.st?.min) },
        { label: "Median", num: true, value: (r) => num(r.st?.median) },
        { label: "Maks", num: true, value: (r) => num(r.st?.max) },
      ],
      rows,
    });
  }

  top(ranking, stability) {
    const stab = new Map((stability ? stability.rows : []).map((r) => [r.entry_id, r]));
    const rows = ranking.rows
      .filter((r) => r.score != null)
      .slice(0, Math.max(TOP, ranking.top_n))
      .map((r) => {
        const st = stab.get(r.entry_id);
        const range = st ? `peringkat ${rankRange(st.rank_min, st.rank_max)}` : "";
        return {
          rank: r.rank,
          label: r.acronym || r.title,
          score: r.score,
          verdict: st?.verdict,
          range,
          title: `${entryTitle(r.entry_id)}: ${num(r.score)}, ${range}${st ? `, ${VERDICTS[st.verdict]}` : ""}`,
          entry_id: r.entry_id,
        };
      });
    return figure({
      id: "chart-top",
      title: "Nilai teratas dan rentang peringkatnya",
      note: "Rentang: peringkat terbaik dan terburuk bila satu juri dikeluarkan. Hijau: stabil menang; oranye: di ambang (cusp); abu-abu: stabil di luar.",
      draw: (t) => scoreBars(t, rows),
      empty: "Belum ada nilai.",
      columns: [
        { label: "Peringkat", num: true, value: (r) => String(r.rank ?? "—") },
        { label: "Inovasi", header: true, value: (r) => entryTitle(r.entry_id) },
        { label: "Nilai", num: true, value: (r) => num(r.score) },
        { label: "Rentang", value: (r) => r.range || "—" },
        { label: "Stabilitas", value: (r) => (r.verdict ? VERDICTS[r.verdict] : "—") },
      ],
      rows,
    });
  }
}
