"""The ranking of a convention (docs/scoring.md Steps 1 to 5), its explanation, juror spreads."""

import math
from collections.abc import Callable, Iterable, Sequence

from scoring._engine import ADJUSTED, TOLERANCE, Engine, check_method
from scoring.eligibility import Eligibility
from scoring.model import (
    Criterion,
    Entry,
    Explanation,
    Juror,
    JurorTotal,
    Method,
    Panel,
    Ranking,
    RankingRow,
    RankingWarning,
    SheetLike,
)


def chain_groups(items: Iterable[int], key: Callable[[int], float]) -> list[list[int]]:
    """Step 4.1: sort by key descending; neighbours within 1e-9 join a group, which chains."""
    ordered = sorted(items, key=key, reverse=True)
    groups: list[list[int]] = []
    prev = math.inf
    for item in ordered:
        k = key(item)
        if groups and prev - k <= TOLERANCE:
            groups[-1].append(item)
        else:
            groups.append([item])
        prev = k
    return groups


class _Order:
    """Step 4 over the scored entries: final groups best first, keys used, what decided."""

    __slots__ = ("decided", "groups", "keys", "panel_scores", "scores")

    def __init__(self, engine: Engine, method: Method, min_sheets: int) -> None:
        self.panel_scores: dict[int, dict[int, float]] = {}
        self.scores = score = engine.entry_scores(
            method, engine.values(method, min_sheets), engine.scored_positions(), self.panel_scores
        )
        keys = {pos: [s] for pos, s in score.items()}
        groups = chain_groups(score, score.__getitem__)
        decided: dict[int, str] = {}
        level = 0
        while True:
            label = "score" if level == 0 else engine.tie_breaks[level - 1].code
            for g in groups:
                if len(g) == 1:
                    decided.setdefault(g[0], label)
            # Ascending positions walk the sheets in memory order: much faster than score order.
            need = sorted(pos for g in groups if len(g) > 1 for pos in g)
            if not need:
                break
            if level == len(engine.tie_breaks):
                decided.update(dict.fromkeys(need, "tie"))
                break
            # Tie-break keys are computed only for entries still tied: most entries are not.
            criterion = engine.tie_breaks[level]
            level += 1
            wanted = sum(map(engine.sheet_count.__getitem__, need))
            values = engine.values(method, min_sheets, criterion, wanted)
            level_key = engine.entry_scores(method, values, need)
            for pos, k in level_key.items():
                keys[pos].append(k)
            split: list[list[int]] = []
            for g in groups:
                if len(g) == 1:
                    split.append(g)
                else:
                    split.extend(chain_groups(g, level_key.__getitem__))
            groups = split
        self.groups = groups
        self.keys = keys
        self.decided = decided


def _build(engine: Engine, method: Method, top_n: int, min_sheets: int) -> Ranking:
    order = _Order(engine, method, min_sheets)
    ids = engine.entry_ids
    expected = engine.expected
    counted = engine.sheet_count
    rows: list[RankingRow] = []
    boundary: list[int] = []
    missing: list[int] = []
    name = [p.name for p in engine.panels].__getitem__
    n_panels = engine.n_panels
    scores = order.scores
    panel_scores = order.panel_scores
    keys = order.keys
    decided = order.decided
    rank = 1
    for group in order.groups:
        tied = len(group) > 1
        if tied:
            group = sorted(group)
            if rank <= top_n < rank + len(group) - 1:
                boundary.extend(ids[pos] for pos in group)
        for pos in group:
            score = scores[pos]
            ps = panel_scores[pos]
            if len(ps) < n_panels:
                missing.append(ids[pos])
            # Positional: keywords make this loop 60% slower on 50,000 rows.
            rows.append(
                RankingRow(
                    ids[pos],
                    rank,
                    score,
                    dict(zip(map(name, ps), ps.values(), strict=True)),
                    counted[pos],
                    expected[pos],
                    counted[pos] == expected[pos],
                    tied,
                    rank <= top_n,
                    tuple(keys[pos]),
                    decided[pos],
                )
            )
        rank += len(group)
    for pos, entry_id in enumerate(ids):
        if pos not in order.scores:
            rows.append(
                RankingRow(
                    entry_id=entry_id,
                    rank=None,
                    score=None,
                    panel_scores={},
                    sheet_count=counted[pos],
                    expected_sheet_count=expected[pos],
                    complete=counted[pos] == expected[pos],
                    tied=False,
                    awarded=False,
                    keys=(),
                    decided_by=None,
                )
            )
    warnings = [
        RankingWarning(code, tuple(sorted(found)))
        for code, found in (
            ("boundary_tie", boundary),
            ("panel_missing", missing),
            ("no_eligible_juror", [e for pos, e in enumerate(ids) if expected[pos] == 0]),
        )
        if found
    ]
    return Ranking(method=method, top_n=top_n, rows=tuple(rows), warnings=tuple(warnings))


def rank(
    criteria: Sequence[Criterion],
    panels: Sequence[Panel],
    jurors: Sequence[Juror],
    entries: Sequence[Entry],
    sheets: Iterable[SheetLike],
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
    """
    method = check_method(method)
    engine = Engine(
        criteria,
        panels,
        jurors,
        entries,
        sheets,
        Eligibility.of(conflicts, recusals, assignments),
    )
    return _build(engine, method, top_n, zscore_min_sheets)


def explain(
    criteria: Sequence[Criterion],
    panels: Sequence[Panel],
    jurors: Sequence[Juror],
    entries: Sequence[Entry],
    sheets: Iterable[SheetLike],
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
    method = check_method(method)
    return _explain(
        Engine(
            criteria,
            panels,
            jurors,
            entries,
            sheets,
            Eligibility.of(conflicts, recusals, assignments),
        ),
        entry_id,
        method,
        top_n,
        zscore_min_sheets,
    )


def _explain(
    engine: Engine, entry_id: int, method: Method, top_n: int, min_sheets: int
) -> Explanation:
    if entry_id not in engine.entry_pos:
        raise ValueError(f"unknown entry {entry_id}")
    pos = engine.entry_pos[entry_id]
    ranking = _build(engine, method, top_n, min_sheets)
    row = next(r for r in ranking.rows if r.entry_id == entry_id)

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
    if row.score is not None:
        for c in engine.tie_breaks:
            values = engine.values(method, min_sheets, c, few)
            tie_break_keys[c.code] = engine.entry_scores(method, values, [pos])[pos]
    return Explanation(
        entry_id=entry_id,
        method=method,
        row=row,
        jurors=tuple(totals),
        panel_scores=dict(row.panel_scores),
        panel_weights={p.name: p.weight for p in engine.panels},
        score=row.score,
        tie_break_keys=tie_break_keys,
        decided_by=row.decided_by,
    )


def disagreements(
    criteria: Sequence[Criterion],
    panels: Sequence[Panel],
    jurors: Sequence[Juror],
    entries: Sequence[Entry],
    sheets: Iterable[SheetLike],
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
