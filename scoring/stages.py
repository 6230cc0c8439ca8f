"""Stages, the final ranking and categories: docs/scoring.md Steps 6 and 7 (and 1 to 5 inside
each stage, through ``Engine``).

A scored stage is ranked on its own (its criteria, the panels that judge it, its admitted
entries and its sheets). The final ranking weighs the stages an entry reached and orders by
reach first; a category's ranking is the same order among the category's entries alone. With
one stage, all of this is Steps 1 to 5 exactly.
"""

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from operator import and_

from scoring._engine import TOLERANCE, Engine, check_method
from scoring.model import (
    AdvanceRule,
    AwardScope,
    Contest,
    Criterion,
    Entry,
    Juror,
    Method,
    Panel,
    Ranking,
    RankingRow,
    RankingWarning,
    SheetColumns,
    Stage,
    StageKind,
)

Key = float | None
Level = tuple[str, Callable[[list[int]], Mapping[int, float]]]
"""A key of Step 4 after K0: its label (what decided, when it splits a group) and how to
compute it for the entries (ids) still tied."""


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


def _chain_missing(items: list[int], key: Callable[[int], Key]) -> list[list[int]]:
    """`chain_groups` where a key may be missing: lower than any number, equal to another
    missing one (Step 6, "Final order")."""
    present = [i for i in items if key(i) is not None]
    absent = [i for i in items if key(i) is None]
    groups = chain_groups(present, key) if present else []  # type: ignore[arg-type]
    if absent:
        groups.append(absent)
    return groups


@dataclass(frozen=True, slots=True)
class Ordered:
    """Step 4 over some entries: groups best first (ids inside a group in input order), the
    keys each entry was compared on, and what set each entry apart."""

    groups: list[list[int]]
    keys: dict[int, list[Key]]
    decided: dict[int, str]


def order(items: Sequence[int], k0: Mapping[int, float], levels: Sequence[Level]) -> Ordered:
    """Step 4: chain groups on K0, then inside each group of two or more on the next key,
    and so on until the groups are single entries or the keys run out. `items` in ascending
    id order; later keys are computed only for the entries still tied."""
    keys: dict[int, list[Key]] = {i: [k0[i]] for i in items}
    groups = chain_groups(items, k0.__getitem__)
    decided: dict[int, str] = {}
    level = 0
    while True:
        label = "score" if level == 0 else levels[level - 1][0]
        for g in groups:
            if len(g) == 1:
                decided.setdefault(g[0], label)
        need = sorted(i for g in groups if len(g) > 1 for i in g)
        if not need:
            break
        if level == len(levels):
            decided.update(dict.fromkeys(need, "tie"))
            break
        level_key = levels[level][1](need)
        level += 1
        get = level_key.get
        for i in need:
            keys[i].append(get(i))
        split: list[list[int]] = []
        for g in groups:
            if len(g) == 1:
                split.append(g)
            else:
                split.extend(_chain_missing(g, get))
        groups = split
    return Ordered(groups, keys, decided)


def _memo(
    compute: Callable[[list[int]], Mapping[int, float]],
) -> Callable[[list[int]], Mapping[int, float]]:
    """A level's keys, each computed once however many orders (categories) ask for it."""
    cache: dict[int, float] = {}
    asked: set[int] = set()

    def keys(need: list[int]) -> Mapping[int, float]:
        todo = [i for i in need if i not in asked]
        if todo:
            cache.update(compute(todo))
            asked.update(todo)
        return cache

    return keys


class StageRun:
    """Steps 1 to 3 inside one scored stage, over its admitted entries: S_s(e) and the panel
    scores, and the stage's tie-break keys on demand."""

    __slots__ = ("engine", "method", "min_sheets", "panel_names", "panel_scores", "scores", "stage")

    def __init__(
        self,
        contest: Contest,
        stage: Stage,
        admitted: frozenset[int] | None,
        method: Method,
    ) -> None:
        self.stage = stage
        self.method = method
        self.min_sheets = contest.zscore_min_sheets
        panels: Sequence[Panel] = contest.panels
        if stage.panel_ids is not None:
            chosen = set(stage.panel_ids)
            panels = [p for p in panels if p.id in chosen]
        jurors: Sequence[Juror] = contest.jurors
        entries: Sequence[Entry] = contest.entries
        sheets = stage.sheets
        if stage.panel_ids is not None or admitted is not None:
            # Only the jurors of the stage's panels judge it, only its admitted entries are
            # ranked in it; other sheets do not count here.
            panel_ids = {p.id for p in panels}
            jurors = [j for j in jurors if j.panel_id in panel_ids]
            juror_ids = {j.id for j in jurors}
            if admitted is not None:
                entries = [e for e in entries if e.id in admitted]
            entry_ids = {e.id for e in entries}
            if isinstance(sheets, SheetColumns):
                keep = map(
                    and_,
                    map(juror_ids.__contains__, sheets.juror_ids),
                    map(entry_ids.__contains__, sheets.entry_ids),
                )
                sheets = sheets.select(keep)
            else:
                sheets = [s for s in sheets if s[0] in juror_ids and s[1] in entry_ids]
        self.engine = engine = Engine(
            stage.criteria, panels, jurors, entries, sheets, contest.eligibility
        )
        self.panel_names = [p.name for p in engine.panels]
        by_pos: dict[int, dict[int, float]] = {}
        scores = engine.entry_scores(
            method, engine.values(method, self.min_sheets), engine.scored_positions(), by_pos
        )
        ids = engine.entry_ids
        self.scores: dict[int, float] = {ids[pos]: s for pos, s in scores.items()}
        self.panel_scores: dict[int, dict[int, float]] = {ids[p]: ps for p, ps in by_pos.items()}

    @property
    def entry_ids(self) -> list[int]:
        return self.engine.entry_ids

    def named_panel_scores(self, entry_id: int) -> dict[str, float]:
        ps = self.panel_scores.get(entry_id)
        if not ps:
            return {}
        name = self.panel_names.__getitem__
        return dict(zip(map(name, ps), ps.values(), strict=True))

    def counts(self, entry_id: int) -> tuple[int, int]:
        """(sheet_count, expected_sheet_count) of the entry in this stage (Step 5)."""
        pos = self.engine.entry_pos[entry_id]
        return self.engine.sheet_count[pos], self.engine.expected[pos]

    def tie_break(self, criterion: Criterion, entry_ids: list[int]) -> dict[int, float]:
        """C(c, e) inside this stage (Step 4) for the entries given that have sheets here."""
        engine = self.engine
        pos_of = engine.entry_pos
        positions = [pos_of[e] for e in entry_ids if e in pos_of]
        wanted = sum(map(engine.sheet_count.__getitem__, positions))
        values = engine.values(self.method, self.min_sheets, criterion, wanted)
        found = engine.entry_scores(self.method, values, positions)
        ids = engine.entry_ids
        return {ids[pos]: k for pos, k in found.items()}

    def totals(self) -> list[tuple[int, int, float]]:
        """The counted (juror_id, entry_id, T(j, e)) of the stage (Step 1), by entry and
        juror."""
        engine = self.engine
        n_panels = engine.n_panels
        ids = engine.entry_ids
        out = [
            (juror_id, ids[k // n_panels], value)
            for k, sl in engine.groups.items()
            for juror_id, value in zip(engine.jurors[sl], engine.totals[sl], strict=True)
        ]
        out.sort(key=lambda t: (t[1], t[0]))
        return out

    def panels(self) -> list[Panel]:
        return list(self.engine.panels)

    def levels(self) -> list[Level]:
        return [(c.code, _memo(partial(self.tie_break, c))) for c in self.engine.tie_breaks]


def stage_runs(contest: Contest, method: str = "mean") -> dict[int, StageRun]:
    """Steps 1 to 3 of every scored stage that admits someone, by stage id."""
    method = check_method(method)
    admitted = admissions(contest)
    runs: dict[int, StageRun] = {}
    for i, stage in enumerate(contest.stages):
        if stage.kind is StageKind.SCORED and admitted[i]:
            everyone = i == 0 and stage.admitted is None
            runs[stage.id] = StageRun(contest, stage, None if everyone else admitted[i], method)
    return runs


def _stage_key(run: StageRun) -> Callable[[list[int]], Mapping[int, float]]:
    """K1 of the final order: S_t(e)."""
    scores = run.scores
    return lambda _need: scores


def admissions(contest: Contest) -> list[frozenset[int]]:
    """A_s for every stage, in position order: as recorded; A_1 is every entry until it is
    fixed, a later stage not yet reached admits nobody. Only entries of the contest count
    (a disqualified one has no row)."""
    known = frozenset(e.id for e in contest.entries)
    out: list[frozenset[int]] = []
    for i, stage in enumerate(contest.stages):
        if stage.admitted is None:
            out.append(known if i == 0 else frozenset())
        else:
            out.append(stage.admitted & known)
    return out


def _stage_index(contest: Contest, stage_id: int) -> int:
    for i, stage in enumerate(contest.stages):
        if stage.id == stage_id:
            return i
    raise ValueError(f"unknown stage {stage_id}")


# --- building rows ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Line:
    """What a row needs about one entry, before ranks are known."""

    entry_id: int
    score: float | None
    panel_scores: dict[str, float]
    sheet_count: int
    expected: int
    category: str | None
    reach_stage_id: int | None = None
    stage_scores: dict[str, float] | None = None
    advances: bool | None = None


@dataclass(frozen=True, slots=True)
class _Tiers:
    """Ranked entries in tiers (reaches, best first; one tier inside a stage), each tier
    with the keys Step 4 compares it on."""

    tiers: list[tuple[list[int], Mapping[int, float], list[Level]]]

    def ordered(self, keep: Callable[[int], bool] | None = None) -> list[Ordered]:
        out = []
        for items, k0, levels in self.tiers:
            chosen = items if keep is None else [i for i in items if keep(i)]
            if chosen:
                out.append(order(chosen, k0, levels))
        return out


def _ranks(ordered: list[Ordered]) -> list[tuple[int, list[int]]]:
    """Competition ranks over tiers: (rank, group ids ascending) best first."""
    out = []
    rank = 1
    for o in ordered:
        for g in o.groups:
            out.append((rank, sorted(g)))
            rank += len(g)
    return out


def _category_ranks(
    tiers: _Tiers, lines: Mapping[int, _Line]
) -> tuple[dict[int, int], dict[str | None, list[tuple[int, list[int]]]]]:
    """Step 7: each category's own order and competition ranks."""
    categories = sorted({lines[i].category or "" for t in tiers.tiers for i in t[0]})
    rank_of: dict[int, int] = {}
    per: dict[str | None, list[tuple[int, list[int]]]] = {}
    for name in categories:
        category = name or None
        ranked = _ranks(tiers.ordered(partial(_in_category, lines, category)))
        per[category] = ranked
        for r, group in ranked:
            rank_of.update(dict.fromkeys(group, r))
    return rank_of, per


def _in_category(lines: Mapping[int, _Line], category: str | None, entry_id: int) -> bool:
    return lines[entry_id].category == category


def _boundary(ranked: list[tuple[int, list[int]]], cut: int) -> list[int]:
    """Entries of a tied group that straddles the cut (Step 5)."""
    out: list[int] = []
    for r, group in ranked:
        if len(group) > 1 and r <= cut < r + len(group) - 1:
            out.extend(group)
    return out


def _build(
    method: Method,
    top_n: int,
    tiers: _Tiers,
    lines: Mapping[int, _Line],
    unranked: list[int],
    *,
    awarded_in_category: bool,
    award: bool,
    category: str | None,
    extra_warnings: Sequence[RankingWarning] = (),
    cut: tuple[AdvanceRule, int] | None = None,
    extras: bool = True,
) -> Ranking:
    """Rows best first (ranks, ties, Step 5's awards), unranked entries last by id; with
    `category`, that category's ranking alone (Step 7)."""
    ordered = tiers.ordered()
    overall = _ranks(ordered)
    if extras or awarded_in_category or category is not None or cut is not None:
        category_rank, per_category = _category_ranks(tiers, lines)
    else:
        category_rank, per_category = {}, {}
    keys: dict[int, list[Key]] = {}
    decided: dict[int, str] = {}
    for o in ordered:
        keys.update(o.keys)
        decided.update(o.decided)
    if category is None:
        listed = overall
    else:
        listed = per_category.get(category, [])
        # Keys and what decided, as compared inside the category.
        for o in tiers.ordered(lambda i: lines[i].category == category):
            keys.update(o.keys)
            decided.update(o.decided)
    if award and awarded_in_category:
        awarded = {i for r, g in per_category_items(per_category) for i in g if r <= top_n}
        boundary = [i for ranked in per_category.values() for i in _boundary(ranked, top_n)]
        if category is not None:
            boundary = _boundary(per_category.get(category, []), top_n)
    elif award:
        awarded = {i for r, g in overall for i in g if r <= top_n}
        boundary = _boundary(overall, top_n)
    else:
        awarded = set()
        boundary = []
        if cut is not None:
            rule, count = cut
            if rule is AdvanceRule.TOP:
                boundary = _boundary(overall, count)
            else:
                boundary = [i for ranked in per_category.values() for i in _boundary(ranked, count)]
    rows: list[RankingRow] = []
    for rank, group in listed:
        tied = len(group) > 1
        for i in group:
            rows.append(
                _row(lines[i], rank, tied, i in awarded, keys[i], decided[i], category_rank)
            )
    shown = set(lines) if category is None else {i for i in lines if lines[i].category == category}
    for i in sorted(unranked):
        if i in shown:
            rows.append(_row(lines[i], None, False, False, (), None, category_rank))
    warnings = [
        RankingWarning("boundary_tie", tuple(sorted(i for i in boundary if i in shown))),
        *(
            RankingWarning(w.code, tuple(i for i in w.entry_ids if i in shown))
            for w in extra_warnings
        ),
    ]
    return Ranking(
        method=method,
        top_n=top_n,
        rows=tuple(rows),
        warnings=tuple(w for w in warnings if w.entry_ids),
    )


def per_category_items(
    per: Mapping[str | None, list[tuple[int, list[int]]]],
) -> Iterable[tuple[int, list[int]]]:
    for ranked in per.values():
        yield from ranked


def _row(
    line: _Line,
    rank: int | None,
    tied: bool,
    awarded: bool,
    keys: Sequence[Key],
    decided: str | None,
    category_rank: Mapping[int, int],
) -> RankingRow:
    return RankingRow(
        line.entry_id,
        rank,
        line.score if rank is not None else None,
        line.panel_scores,
        line.sheet_count,
        line.expected,
        line.sheet_count == line.expected,
        tied,
        awarded,
        tuple(keys),
        decided,
        line.category,
        category_rank.get(line.entry_id),
        line.advances,
        line.reach_stage_id,
        line.stage_scores,
    )


# --- a stage's ranking -------------------------------------------------------------------


def _advancing(stage: Stage, run: StageRun, lines: Mapping[int, _Line], tiers: _Tiers) -> set[int]:
    """The entries the stage's rule selects (Step 6, "Admission")."""
    rule = stage.advance
    scored = [i for i in run.entry_ids if i in run.scores]
    if rule.rule is AdvanceRule.ALL:
        return set(scored)
    if rule.rule is AdvanceRule.MIN_SCORE:
        low = (rule.min_score if rule.min_score is not None else math.inf) - TOLERANCE
        return {i for i in scored if run.scores[i] >= low}
    count = rule.count if rule.count is not None else 0
    if rule.rule is AdvanceRule.TOP:
        return {i for r, g in _ranks(tiers.ordered()) for i in g if r <= count}
    category_rank, _ = _category_ranks(tiers, lines)
    return {i for i, r in category_rank.items() if r <= count}


def stage_run(contest: Contest, stage_id: int, method: Method) -> tuple[Stage, StageRun]:
    """A scored stage and Steps 1 to 3 inside it over its admitted entries; a screening stage
    raises ValueError."""
    index = _stage_index(contest, stage_id)
    stage = contest.stages[index]
    if stage.kind is not StageKind.SCORED:
        raise ValueError(f"stage {stage.code!r} is a screening stage: it has no ranking")
    admitted = admissions(contest)[index]
    everyone = index == 0 and stage.admitted is None
    return stage, StageRun(contest, stage, None if everyone else admitted, method)


def rank_stage(
    contest: Contest,
    stage_id: int,
    method: str = "mean",
    *,
    category: str | None = None,
) -> Ranking:
    """A scored stage's ranking: Steps 1 to 5 inside the stage over its admitted entries
    (Step 6, "Inside a stage"). Rows carry `advances` (the stage's rule as it stands) and
    `awarded` false; `boundary_tie` names a tie at a `top` or `top_per_category` cut. With
    `category`, that category's entries alone (Step 7). A screening stage raises ValueError.
    """
    method = check_method(method)
    stage, run = stage_run(contest, stage_id, method)
    return stage_ranking(contest, stage, run, method, category)


def stage_ranking(
    contest: Contest, stage: Stage, run: StageRun, method: Method, category: str | None
) -> Ranking:
    """`rank_stage` from the stage's run."""
    category_of = {e.id: e.category for e in contest.entries}
    lines: dict[int, _Line] = {}
    for i in run.entry_ids:
        sheets, expected = run.counts(i)
        lines[i] = _Line(
            i,
            run.scores.get(i),
            run.named_panel_scores(i),
            sheets,
            expected,
            category_of.get(i),
        )
    ranked = [i for i in run.entry_ids if i in run.scores]
    tiers = _Tiers([(ranked, run.scores, run.levels())])
    selected = _advancing(stage, run, lines, tiers)
    for i, line in lines.items():
        line.advances = i in selected
    cut = None
    if stage.advance.rule in (AdvanceRule.TOP, AdvanceRule.TOP_PER_CATEGORY):
        cut = (stage.advance.rule, stage.advance.count or 0)
    return _build(
        method,
        contest.top_n,
        tiers,
        lines,
        [i for i in run.entry_ids if i not in run.scores],
        awarded_in_category=False,
        award=False,
        category=category,
        extra_warnings=_stage_warnings(run, lines),
        cut=cut,
    )


def _stage_warnings(run: StageRun, lines: Mapping[int, _Line]) -> list[RankingWarning]:
    n_panels = len(run.panel_names)
    missing = [
        i for i in run.entry_ids if i in run.scores and len(lines[i].panel_scores) < n_panels
    ]
    nobody = [i for i in run.entry_ids if lines[i].expected == 0]
    return [
        RankingWarning("panel_missing", tuple(missing)),
        RankingWarning("no_eligible_juror", tuple(nobody)),
    ]


def selection(
    contest: Contest, stage_id: int, method: str = "mean"
) -> tuple[list[int], Ranking | None]:
    """What a stage's rule selects for the next stage, by entry id: a scored stage's
    `advances`, a screening stage's passed entries; and the stage's ranking (None for
    screening)."""
    index = _stage_index(contest, stage_id)
    stage = contest.stages[index]
    if stage.kind is StageKind.SCREENING:
        admitted = admissions(contest)[index]
        return sorted(i for i in admitted if stage.decisions.get(i) is True), None
    ranking = rank_stage(contest, stage_id, method)
    return sorted(r.entry_id for r in ranking.rows if r.advances), ranking


# --- the final ranking --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FinalPlan:
    """Step 6 for every entry with a reach, by stage index: r(e) (`reach`), t(e)
    (`scored_reach`, for the entries that have one) and U(e) (`used`); and the runs of the
    scored stages that admit someone."""

    stages: tuple[Stage, ...]
    runs: dict[int, StageRun]
    reach: dict[int, int]
    scored_reach: dict[int, int]
    used: dict[int, tuple[int, ...]]
    k1: bool
    """More than one scored stage: S_t(e) is the key K1 of the final order."""

    def final(self, entry_id: int, scores: Callable[[int], Mapping[int, float]]) -> float | None:
        """F(e) from the stages' scores (`scores(i)`: entry id -> S_i): the V-weighted mean
        over U(e), missing when one is missing; S_t(e) when U(e) is empty."""
        used = self.used[entry_id]
        if used:
            runs = self.runs
            values = [scores(i).get(entry_id) if i in runs else None for i in used]
            present = [v for v in values if v is not None]
            if len(present) < len(values):
                return None
            weights = [self.stages[i].weight for i in used]
            weighted = math.fsum(w * v for w, v in zip(weights, present, strict=True))
            return weighted / math.fsum(weights)
        t = self.scored_reach.get(entry_id)
        if t is None or t not in self.runs:
            return None
        return scores(t).get(entry_id)


def final_plan(contest: Contest, method: Method) -> FinalPlan:
    """Every scored stage's run (Steps 1 to 3 inside it) and each entry's reach (Step 6)."""
    stages = contest.stages
    if not stages:
        raise ValueError("a contest has at least one stage")
    admitted = admissions(contest)
    scored_index = [i for i, s in enumerate(stages) if s.kind is StageKind.SCORED]
    runs: dict[int, StageRun] = {}
    for i in scored_index:
        if admitted[i]:
            everyone = i == 0 and stages[0].admitted is None
            runs[i] = StageRun(contest, stages[i], None if everyone else admitted[i], method)
    reach_of: dict[int, int] = {}
    scored_reach: dict[int, int] = {}
    used: dict[int, tuple[int, ...]] = {}
    for e in sorted(e.id for e in contest.entries):
        reach = max((i for i, a in enumerate(admitted) if e in a), default=None)
        if reach is None:
            continue
        reach_of[e] = reach
        t = max((i for i in scored_index if i <= reach), default=None)
        if t is not None:
            scored_reach[e] = t
        used[e] = tuple(i for i in scored_index if i <= reach and stages[i].weight > 0)
    return FinalPlan(stages, runs, reach_of, scored_reach, used, len(scored_index) > 1)


def final_levels(plan: FinalPlan, t: int) -> list[Level]:
    """The keys after K0 = F of the final order inside a reach whose scored reach is t:
    K1 = S_t (with more than one scored stage), then the tie-break criteria of stage t."""
    run = plan.runs[t]
    levels: list[Level] = []
    if plan.k1:
        levels.append((f"stage:{plan.stages[t].code}", _stage_key(run)))
    levels.extend(run.levels())
    return levels


def rank_final(
    contest: Contest,
    method: str = "mean",
    *,
    category: str | None = None,
    extras: bool = True,
) -> Ranking:
    """The final ranking (Step 6): F(e) over the weighted scored stages an entry reached,
    ordered by reach (the later stage first), then Step 4 on F, S_t(e) and the tie-break
    criteria of stage t(e); Step 5 on that list (overall, or in each category with
    `per_category`). With `category`, that category's ranking alone (Step 7). With one stage
    this is Steps 1 to 5 exactly. Without `extras`, rows leave out `category_rank` and
    `reach_stage_id` (the plain Steps 1 to 5 of ``scoring.rank``)."""
    method = check_method(method)
    return final_ranking(contest, final_plan(contest, method), method, category, extras)


def final_ranking(
    contest: Contest,
    plan: FinalPlan,
    method: Method,
    category: str | None = None,
    extras: bool = True,
) -> Ranking:
    """`rank_final` from the plan."""
    stages = plan.stages
    runs = plan.runs
    multi = len(stages) > 1
    category_of = {e.id: e.category for e in contest.entries}
    lines: dict[int, _Line] = {}
    final: dict[int, float] = {}
    by_reach: dict[int, list[int]] = {}
    missing_stage: list[int] = []
    missing_panel: list[int] = []
    nobody: list[int] = []
    scores_of = _scores_of(runs)
    for e, reach in plan.reach.items():
        t = plan.scored_reach.get(e)
        run = runs.get(t) if t is not None else None
        if run is not None:
            sheets, expected = run.counts(e)
            panel_scores = run.named_panel_scores(e)
            if e in run.scores and len(panel_scores) < len(run.panel_names):
                missing_panel.append(e)
            if expected == 0:
                nobody.append(e)
        else:
            sheets, expected, panel_scores = 0, 0, {}
        stage_scores = {
            stages[i].code: r.scores[e] for i, r in runs.items() if i <= reach and e in r.scores
        }
        f = plan.final(e, scores_of)
        if f is None and plan.used[e] and multi:
            missing_stage.append(e)
        lines[e] = _Line(
            e,
            f,
            panel_scores,
            sheets,
            expected,
            category_of[e],
            stages[reach].id if extras else None,
            stage_scores if multi else None,
        )
        if f is not None:
            final[e] = f
            by_reach.setdefault(reach, []).append(e)
    tiers: list[tuple[list[int], Mapping[int, float], list[Level]]] = []
    for reach in sorted(by_reach, reverse=True):
        items = by_reach[reach]
        tiers.append((items, final, final_levels(plan, plan.scored_reach[items[0]])))
    warnings = [
        RankingWarning("panel_missing", tuple(missing_panel)),
        RankingWarning("no_eligible_juror", tuple(nobody)),
        RankingWarning("stage_missing", tuple(missing_stage)),
    ]
    return _build(
        method,
        contest.top_n,
        _Tiers(tiers),
        lines,
        [e for e in lines if e not in final],
        awarded_in_category=contest.award_scope is AwardScope.PER_CATEGORY,
        award=True,
        category=category,
        extra_warnings=warnings,
        extras=extras,
    )


def _scores_of(runs: Mapping[int, StageRun]) -> Callable[[int], Mapping[int, float]]:
    return lambda i: runs[i].scores
