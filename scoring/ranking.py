"""The ranking of a convention (docs/scoring.md Steps 1 to 5), its explanation, juror spreads."""

import math
from collections.abc import Iterable, Sequence

from scoring._engine import ADJUSTED, Engine, check_method
from scoring.eligibility import Eligibility
from scoring.model import (
    Contest,
    Criterion,
    Entry,
    Explanation,
    Juror,
    JurorTotal,
    Panel,
    Ranking,
    SheetColumns,
    SheetLike,
    Sheets,
    Stage,
)
from scoring.stages import StageRun, admissions, chain_groups, rank_final

__all__ = ["chain_groups", "disagreements", "explain", "explain_in", "rank"]


def _contest(
    criteria: Sequence[Criterion],
    panels: Sequence[Panel],
    jurors: Sequence[Juror],
    entries: Sequence[Entry],
    sheets: Iterable[SheetLike] | SheetColumns,
    top_n: int,
    zscore_min_sheets: int,
    eligibility: Eligibility,
) -> Contest:
    """A convention of one stage: what Steps 1 to 5 rank."""
    sheet_list: Sheets = sheets if isinstance(sheets, list | tuple | SheetColumns) else list(sheets)
    stage = Stage(0, "UTAMA", criteria=tuple(criteria), sheets=sheet_list)
    return Contest(
        (stage,),
        tuple(panels),
        tuple(jurors),
        tuple(entries),
        eligibility,
        top_n=top_n,
        zscore_min_sheets=zscore_min_sheets,
    )


def rank(
    criteria: Sequence[Criterion],
    panels: Sequence[Panel],
    jurors: Sequence[Juror],
    entries: Sequence[Entry],
    sheets: Iterable[SheetLike] | SheetColumns,
    *,
    method: str = "mean",
    top_n: int = 10,
    zscore_min_sheets: int = 5,
    conflicts: Iterable[tuple[int, int]] = (),
    recusals: Iterable[tuple[int, int]] = (),
    assignments: Iterable[tuple[int, int]] | None = None,
) -> Ranking:
    """Rank a convention's entries: docs/scoring.md Steps 1 to 5.

    Step 1 totals every counted sheet, Step 2 aggregates them per panel by `method`,
    Step 3 weighs the panels, Step 4 orders, groups ties (1e-9, chained) and breaks them
    with the tie-break criteria, Step 5 marks awards and completeness and raises the
    `boundary_tie`, `panel_missing` and `no_eligible_juror` warnings.

    A sheet counts when its juror is eligible for the entry: no conflict with the entry's
    OPD (`conflicts`, juror id and OPD id), no recusal from it (`recusals`, juror id and
    entry id), and, when `assignments` is given, assigned to it. Without recusals and
    assignments this is Step 5's rule. Sheets of ineligible jurors are ignored; sheets
    for unknown jurors or entries, duplicate sheets and unknown methods raise ValueError.
    `sheets` are (juror_id, entry_id, scores) tuples, or ``SheetColumns`` for a large
    convention (the same ranking in a seventh of the memory).
    """
    rule = Eligibility.of(conflicts, recusals, assignments)
    contest = _contest(criteria, panels, jurors, entries, sheets, top_n, zscore_min_sheets, rule)
    return rank_final(contest, method, extras=False)


def explain(
    criteria: Sequence[Criterion],
    panels: Sequence[Panel],
    jurors: Sequence[Juror],
    entries: Sequence[Entry],
    sheets: Iterable[SheetLike] | SheetColumns,
    entry_id: int,
    *,
    method: str = "mean",
    top_n: int = 10,
    zscore_min_sheets: int = 5,
    conflicts: Iterable[tuple[int, int]] = (),
    recusals: Iterable[tuple[int, int]] = (),
    assignments: Iterable[tuple[int, int]] | None = None,
) -> Explanation:
    """Show how one entry's numbers come about, step by step of docs/scoring.md.

    Each counted sheet's T(j, e) (Step 1) with the share of every criterion and, for
    `zscore`, T'(j, e) (Step 2); the panel scores and weights that make S(e) (Step 3);
    the tie-break keys C(c, e) and what decided the entry's place (Step 4); its ranking
    row (Step 5). Arguments are those of `rank`; an unknown `entry_id` raises ValueError.
    """
    rule = Eligibility.of(conflicts, recusals, assignments)
    contest = _contest(criteria, panels, jurors, entries, sheets, top_n, zscore_min_sheets, rule)
    ranking = rank_final(contest, method, extras=False)
    return explain_in(contest, contest.stages[0], ranking, entry_id, method)


def explain_in(
    contest: Contest, stage: Stage, ranking: Ranking, entry_id: int, method: str
) -> Explanation:
    """How one entry's numbers come about inside `stage` (its juror totals, panel scores and
    tie-break keys there), with its row of `ranking`."""
    method = check_method(method)
    found = [r for r in ranking.rows if r.entry_id == entry_id]
    if not found:
        raise ValueError(f"unknown entry {entry_id}")
    row = found[0]
    index = next(i for i, s in enumerate(contest.stages) if s.id == stage.id)
    everyone = index == 0 and stage.admitted is None
    run = StageRun(contest, stage, None if everyone else admissions(contest)[index], method)
    engine = run.engine
    min_sheets = contest.zscore_min_sheets
    if entry_id not in engine.entry_pos:
        raise ValueError(f"entry {entry_id} was not judged in stage {stage.code!r}")
    pos = engine.entry_pos[entry_id]

    sum_w = math.fsum(c.weight for c in engine.criteria)
    few = engine.sheet_count[pos]
    adjusted = engine.values(method, min_sheets, None, few) if method in ADJUSTED else None
    panel_of = {j: engine.panels[pp].id for j, pp in engine.juror_panel.items()}
    totals: list[JurorTotal] = []
    for i in engine.counted(pos):
        juror_id = engine.jurors[i]
        contributions = {
            c.code: 100.0
            * c.weight
            * ((engine.score(c, i) - c.min_score) / (c.max_score - c.min_score))
            / sum_w
            for c in engine.criteria
        }
        totals.append(
            JurorTotal(
                juror_id=juror_id,
                panel_id=panel_of[juror_id],
                total=engine.totals[i],
                adjusted=adjusted(slice(i, i + 1))[0] if adjusted is not None else None,
                contributions=contributions,
            )
        )
    tie_break_keys: dict[str, float] = {}
    if pos in engine.scored_positions():
        for c in engine.tie_breaks:
            values = engine.values(method, min_sheets, c, few)
            tie_break_keys[c.code] = engine.entry_scores(method, values, [pos])[pos]
    return Explanation(
        entry_id=entry_id,
        method=method,
        row=row,
        jurors=tuple(totals),
        panel_scores=run.named_panel_scores(entry_id),
        panel_weights={p.name: p.weight for p in engine.panels},
        score=run.scores.get(entry_id),
        tie_break_keys=tie_break_keys,
        decided_by=row.decided_by,
    )


def disagreements(
    criteria: Sequence[Criterion],
    panels: Sequence[Panel],
    jurors: Sequence[Juror],
    entries: Sequence[Entry],
    sheets: Iterable[SheetLike] | SheetColumns,
    *,
    threshold: float = 25.0,
    conflicts: Iterable[tuple[int, int]] = (),
    recusals: Iterable[tuple[int, int]] = (),
    assignments: Iterable[tuple[int, int]] | None = None,
) -> list[tuple[int, float]]:
    """Entries whose jurors disagree: (entry_id, max T - min T) when that exceeds `threshold`.

    T(j, e) is Step 1's total over the entry's counted sheets (eligibility as in `rank`),
    all panels together; the list is by entry_id.
    """
    engine = Engine(
        criteria,
        panels,
        jurors,
        entries,
        sheets,
        Eligibility.of(conflicts, recusals, assignments),
    )
    totals = engine.totals
    low: dict[int, float] = {}
    high: dict[int, float] = {}
    for k, sl in engine.groups.items():
        pos = k // engine.n_panels
        xs = totals[sl]
        low[pos] = min(low.get(pos, math.inf), *xs)
        high[pos] = max(high.get(pos, -math.inf), *xs)
    out = []
    for pos in sorted(low):
        spread = high[pos] - low[pos]
        if spread > threshold:
            out.append((engine.entry_ids[pos], spread))
    return out
