// Ranking, live: the final ranking or a stage's, by method and by category; ties, warnings,
// the stability verdict of each entry (Step 8; "cusp" stands out), the panels' scores. An
// entry's title opens its explanation (GET …/ranking/entries/{id}).

import { ask, h, replace, table } from "/static/common/dom.js";
import { CATEGORIES } from "/static/common/text.js";
import * as api from "../api.js";
import { ctx, entryTitle, scoredStages } from "../context.js";
import { METHODS, VERDICTS, WARNINGS, num, rankRange, signed } from "../text.js";

// The choice of ranking, shared by the ranking and chart screens.
export const selection = { cid: null, stage: "", method: "mean", category: "" };

export function rankingQuery(withCategory = true) {
  const q = new URLSearchParams({ method: selection.method });
  if (selection.stage) q.set("stage_id", selection.stage);
  if (withCategory && selection.category) q.set("category", selection.category);
  return q.toString();
}

function defaults() {
  if (selection.cid === ctx.cid) return;
  selection.cid = ctx.cid;
  selection.method = "mean";
  selection.category = "";
  // With stages, the current scored stage's ranking matters while it is judged.
  const current = ctx.stages.find((st) => st.id === ctx.convention.current_stage_id);
  const scored = scoredStages();
  selection.stage = scored.length > 1 && current && current.kind === "scored" && current.id !== scored[scored.length - 1].id ? String(current.id) : "";
}

function select(id, label, options, value, onChange) {
  const el = h(
    "select",
    { id, onchange: () => onChange(el.value) },
    options.map(([v, text]) => h("option", { value: v, selected: v === value ? true : null }, text)),
  );
  return h("div", { class: "field" }, h("label", { for: id }, label), el);
}

export function rankingControls(onChange, { category = true } = {}) {
  defaults();
  const stages = [["", "Peringkat akhir"], ...scoredStages().map((st) => [String(st.id), `Tahap ${st.name}`])];
  return h(
    "div",
    { class: "filters" },
    scoredStages().length > 1
      ? select("ranking-stage", "Peringkat", stages, selection.stage, (v) => {
          selection.stage = v;
          onChange();
        })
      : null,
    select("ranking-method", "Metode", Object.entries(METHODS), selection.method, (v) => {
      selection.method = v;
      onChange();
    }),
    category
      ? select("ranking-category", "Kategori", [["", "Semua kategori"], ...Object.entries(CATEGORIES)], selection.category, (v) => {
          selection.category = v;
          onChange();
        })
      : null,
  );
}

export function verdictBadge(verdict) {
  if (!verdict) return "—";
  return h("span", { class: `badge verdict-${verdict}` }, VERDICTS[verdict] || verdict);
}

export async function explain(entryId) {
  const q = new URLSearchParams({ method: selection.method });
  if (selection.stage) q.set("stage_id", selection.stage);
  let data;
  try {
    data = await api.get(api.conv(ctx.cid, `/ranking/entries/${entryId}?${q}`));
  } catch (error) {
    if (error instanceof api.AuthError) return;
    await ask({ title: entryTitle(entryId), labelId: "explain-title", body: h("p", { class: "problem" }, error.message), buttons: [{ label: "Tutup", value: null }] });
    return;
  }
  const row = data.row;
  const stab = data.stability;
  const panels = Object.keys(data.panel_scores);
  const jurorRows = data.jurors.map((j) => ({ ...j, name: ctx.jurors.get(j.juror_id)?.full_name || `Juri #${j.juror_id}` }));
  const codes = data.criteria.map((c) => c.code);
  const body = [
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Peringkat"),
      h("dd", {}, row.rank ?? "—", row.tied ? " (seri)" : ""),
      h("dt", {}, "Nilai akhir"),
      h("dd", {}, num(data.score)),
      h("dt", {}, "Penentu urutan"),
      h("dd", {}, data.decided_by === "score" ? "nilai" : data.decided_by ? `kriteria ${data.decided_by}` : "seri"),
      h("dt", {}, "Nilai panel"),
      h("dd", {}, panels.map((p) => `${p}: ${num(data.panel_scores[p])} (bobot ${num(data.panel_weights[p], 0)})`).join(" · ") || "—"),
    ),
    stab
      ? h(
          "div",
          { class: `stability verdict-box-${stab.verdict}` },
          h("h3", {}, "Stabilitas: ", verdictBadge(stab.verdict)),
          h(
            "p",
            {},
            `Bila satu juri dikeluarkan (${stab.jurors_left_out} juri bergiliran), peringkatnya ${rankRange(stab.rank_min, stab.rank_max)}`,
            stab.awarded_share == null ? "." : `, mendapat penghargaan di ${Math.round(stab.awarded_share * 100)}% perhitungan.`,
          ),
          stab.changed_by.length
            ? h("p", {}, "Penghargaannya berubah tanpa: ", stab.changed_by.map((j) => j.full_name || `Juri #${j.juror_id}`).join(", "), ".")
            : null,
        )
      : null,
    h("h3", {}, "Nilai tiap juri"),
    table(
      [
        { label: "Juri", header: true, value: (j) => j.name },
        { label: "Panel", value: (j) => j.panel || "—" },
        ...codes.map((code) => ({ label: code, num: true, value: (j) => num(j.contributions[code]) })),
        { label: "Total", num: true, value: (j) => num(j.total) },
        ...(data.method === "zscore" ? [{ label: "Disesuaikan", num: true, value: (j) => num(j.adjusted) }] : []),
      ],
      jurorRows,
      { empty: "Belum ada lembar terkirim untuk inovasi ini." },
    ),
    h("p", { class: "muted small" }, "Kolom kriteria: sumbangan tiap kriteria ke total juri (100 × bobot × nilai ternormalisasi ÷ jumlah bobot)."),
  ];
  await ask({ title: entryTitle(entryId), labelId: "explain-title", body, wide: true, buttons: [{ label: "Tutup", value: null, class: "primary" }] });
}

export class RankingView {
  constructor(main) {
    this.main = main;
    this.live = true;
  }

  async mount() {
    this.box = h("div");
    this.warnings = h("div");
    replace(
      this.main,
      h("h1", {}, "Peringkat"),
      rankingControls(() => this.refresh()),
      this.warnings,
      this.box,
    );
    await this.refresh();
  }

  async refresh() {
    const q = rankingQuery();
    const [ranking, stability] = await Promise.all([
      api.get(api.conv(ctx.cid, `/ranking?${q}`)),
      api.get(api.conv(ctx.cid, `/ranking/stability?${q}`)).catch(() => null),
    ]);
    this.render(ranking, stability);
  }

  render(ranking, stability) {
    const stab = new Map((stability ? stability.rows : []).map((r) => [r.entry_id, r]));
    const panels = ctx.panels.map((p) => p.name);
    const stageCodes = ranking.stage_id == null && scoredStages().length > 1 ? scoredStages().map((st) => st.code) : [];
    const isStage = ranking.stage_id != null;
    const cusp = [...stab.values()].filter((r) => r.verdict === "cusp");
    const warnings = ranking.warnings.map((w) =>
      h("li", {}, h("strong", {}, WARNINGS[w.code] || w.code), ": ", w.entry_ids.map(entryTitle).join("; ")),
    );
    if (cusp.length) {
      warnings.unshift(
        h("li", { class: "cusp-warning" }, h("strong", {}, "Di ambang: "), `penghargaan ${cusp.length} inovasi bergantung pada satu juri: `, cusp.map((r) => entryTitle(r.entry_id)).join("; "), ". Periksa sebelum menandatangani."),
      );
    }
    replace(
      this.warnings,
      warnings.length ? h("div", { class: "warnings", role: "region", "aria-label": "Peringatan peringkat" }, h("ul", {}, warnings)) : null,
    );
    const columns = [
      { label: "Peringkat", num: true, value: (r) => [r.rank ?? "—", r.tied ? h("span", { class: "badge tie" }, "seri") : null] },
      {
        label: "Inovasi",
        header: true,
        value: (r) =>
          h(
            "button",
            { type: "button", class: "link", "data-entry-id": String(r.entry_id), onclick: () => explain(r.entry_id) },
            r.acronym ? `${r.acronym}: ${r.title}` : r.title,
          ),
      },
      { label: "OPD", value: (r) => r.opd_code },
      ...(selection.category ? [] : [{ label: "Kategori", value: (r) => CATEGORIES[r.category] || r.category }]),
      { label: "Nilai", num: true, value: (r) => h("strong", {}, num(r.score)) },
      ...panels.map((name) => ({ label: name, num: true, value: (r) => num(r.panel_scores[name]) })),
      ...stageCodes.map((code) => ({ label: code, num: true, value: (r) => num(r.stage_scores ? r.stage_scores[code] : null) })),
      { label: "Lembar", num: true, value: (r) => h("span", { class: r.complete ? "" : "incomplete" }, `${r.sheet_count}/${r.expected_sheet_count}`) },
      {
        label: isStage ? "Lolos" : "Penghargaan",
        value: (r) => ((isStage ? r.advances : r.awarded) ? h("span", { class: "badge ok" }, isStage ? "Lolos" : "Ya") : "—"),
      },
      { label: "Stabilitas", value: (r) => verdictBadge(stab.get(r.entry_id)?.verdict) },
      { label: "Rentang", num: true, value: (r) => rankRange(stab.get(r.entry_id)?.rank_min, stab.get(r.entry_id)?.rank_max) },
    ];
    columns.rowClass = (r) => [stab.get(r.entry_id)?.verdict === "cusp" ? "row-cusp" : "", r.awarded || r.advances ? "row-awarded" : ""].join(" ");
    const jurorsOut = stability ? `${stability.jurors_left_out} juri dikeluarkan bergiliran` : "stabilitas tidak tersedia";
    replace(
      this.box,
      h(
        "p",
        { class: "muted small" },
        `${ranking.rows.length} inovasi · ${METHODS[ranking.method]} · ${ranking.top_n} teratas mendapat penghargaan · ${jurorsOut}. `,
        "Klik judul inovasi untuk melihat rinciannya.",
      ),
      table(columns, ranking.rows, { className: "data ranking", label: "Peringkat", empty: "Belum ada inovasi dalam peringkat ini." }),
    );
  }
}

export { signed };
