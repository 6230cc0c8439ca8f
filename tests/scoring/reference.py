"""A naive reference of docs/scoring.md (Steps 1 to 9), for tests to compare the engine against.

Written from the page alone, the way a jury member would recompute the numbers: plain
loops, no cleverness, nothing imported from `scoring`. It is slow on purpose (Step 8
recomputes everything once per left-out juror; Step 9 walks every pair of values) and
meant for conventions of a few dozen sheets.

Where the page can be read more than one way, the code quotes the sentence in a comment
starting with "Reading:" and says which reading it takes.
"""

import math
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Literal

Method = Literal["mean", "median", "trimmed", "zscore"]
Rule = Literal["all", "top", "top_per_category", "min_score"]
Verdict = Literal["stable_in", "stable_out", "cusp"]

TOLERANCE = 1e-9
# docs/api.md's list of categories, in its order (used to order per-category output).
CATEGORIES = ("teknologi", "produk", "proses", "sdm", "metode", "konseptual", "hubungan")


# ---------------------------------------------------------------------------------------
# Input.


@dataclass(frozen=True)
class Criterion:
    """A criterion of one stage: weight w_c > 0, range [min_score, max_score]."""

    id: int
    code: str
    weight: float
    min_score: float
    max_score: float
    tie_break_rank: int | None = None


@dataclass(frozen=True)
class Advance:
    """The rule that shortlists a scored stage's entries for the next stage (Step 6)."""

    rule: Rule = "all"
    count: int = 0
    min_score: float = 0.0


@dataclass(frozen=True)
class Stage:
    """A stage; `panel_ids` None means every panel (docs/api.md). A screening stage has no
    criteria, no panels and weight 0, and advances the entries whose decision is passed."""

    id: int
    code: str
    kind: Literal["scored", "screening"] = "scored"
    weight: float = 1.0
    criteria: tuple[Criterion, ...] = ()
    panel_ids: tuple[int, ...] | None = None
    advance: Advance = Advance()


@dataclass(frozen=True)
class Panel:
    id: int
    name: str
    weight: float = 1.0


@dataclass(frozen=True)
class Juror:
    id: int
    panel_id: int


@dataclass(frozen=True)
class Entry:
    id: int
    opd_id: int
    category: str = "teknologi"


@dataclass(frozen=True)
class Sheet:
    """A submitted sheet of one stage: criterion code -> score, every criterion present."""

    juror_id: int
    entry_id: int
    stage_id: int
    scores: Mapping[str, float]


@dataclass(frozen=True)
class Convention:
    """Everything a ranking reads. `stages` in position order. `admissions`: the recorded
    A_s (stage id -> entry ids) of every stage after the first; A_1 is every entry, and a
    stage without a record admits nobody. `decisions`: (screening stage id, entry id) ->
    passed. `conflicts`: (juror id, OPD id)."""

    stages: tuple[Stage, ...]
    panels: tuple[Panel, ...]
    jurors: tuple[Juror, ...]
    entries: tuple[Entry, ...]
    sheets: tuple[Sheet, ...] = ()
    conflicts: frozenset[tuple[int, int]] = frozenset()
    admissions: Mapping[int, frozenset[int]] = field(default_factory=dict)
    decisions: Mapping[tuple[int, int], bool] = field(default_factory=dict)
    disqualified: frozenset[int] = frozenset()
    method: Method = "mean"
    top_n: int = 10
    zscore_min_sheets: int = 5
    award_scope: Literal["overall", "per_category"] = "overall"


# ---------------------------------------------------------------------------------------
# Output.


@dataclass(frozen=True)
class Row:
    """A ranking row. `advances` is set in a stage's ranking (None in the final one);
    `reach_stage_id` and `stage_scores` (stage code -> S_s(e)) in the final one."""

    entry_id: int
    rank: int | None
    score: float | None
    panel_scores: dict[str, float]
    sheet_count: int
    expected_sheet_count: int
    complete: bool
    tied: bool
    awarded: bool
    category: str
    category_rank: int | None
    advances: bool | None = None
    reach_stage_id: int | None = None
    stage_scores: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Warning:
    code: str
    entry_ids: tuple[int, ...]


@dataclass(frozen=True)
class Ranking:
    method: str
    top_n: int
    rows: tuple[Row, ...]
    warnings: tuple[Warning, ...]


@dataclass(frozen=True)
class StabilityRow:
    entry_id: int
    rank: int | None
    rank_min: int | None
    rank_max: int | None
    awarded_share: float | None
    verdict: Verdict


@dataclass(frozen=True)
class Stability:
    method: str
    jurors_left_out: int
    rows: tuple[StabilityRow, ...]


# ---------------------------------------------------------------------------------------
# Steps 1 to 3 inside one stage.


def _stage(conv: Convention, stage_id: int) -> Stage:
    for s in conv.stages:
        if s.id == stage_id:
            return s
    raise ValueError(f"unknown stage {stage_id}")


def _live(conv: Convention) -> list[Entry]:
    """The entries of the convention less the disqualified ones ("they have no row")."""
    return sorted((e for e in conv.entries if e.id not in conv.disqualified), key=lambda e: e.id)


def admitted(conv: Convention, stage: Stage) -> set[int]:
    """A_s: every entry for the first stage, else as recorded; never a disqualified one."""
    live = {e.id for e in _live(conv)}
    if stage.id == conv.stages[0].id:
        return live
    return set(conv.admissions.get(stage.id, frozenset())) & live


def _panels_of(conv: Convention, stage: Stage) -> list[Panel]:
    if stage.kind == "screening":
        return []
    ids = {p.id for p in conv.panels} if stage.panel_ids is None else set(stage.panel_ids)
    return sorted((p for p in conv.panels if p.id in ids), key=lambda p: p.id)


def _eligible_jurors(conv: Convention, stage: Stage, entry: Entry) -> list[int]:
    """Jurors of the stage's panels with no conflict for the entry's OPD (Step 5)."""
    panel_ids = {p.id for p in _panels_of(conv, stage)}
    return [
        j.id
        for j in conv.jurors
        if j.panel_id in panel_ids and (j.id, entry.opd_id) not in conv.conflicts
    ]


def counted_sheets(conv: Convention, stage: Stage) -> list[Sheet]:
    """The submitted sheets of the stage by jurors of its panels, for entries of A_s,
    whose juror has no conflict with the entry's OPD."""
    entries = {e.id: e for e in _live(conv)}
    inside = admitted(conv, stage)
    out = []
    for s in conv.sheets:
        if s.stage_id != stage.id or s.entry_id not in inside:
            continue
        # Reading: "over the entries admitted to s (A_s) and the submitted sheets of s by
        # jurors of its panels": a sheet for an entry outside A_s is not counted (it has no
        # row), so it weighs in no zscore statistic either.
        if s.juror_id in _eligible_jurors(conv, stage, entries[s.entry_id]):
            out.append(s)
    return out


def _total(stage: Stage, scores: Mapping[str, float]) -> float:
    """Step 1: T = 100 * sum_c w_c q_c / sum_c w_c."""
    top = 0.0
    for c in stage.criteria:
        q = (scores[c.code] - c.min_score) / (c.max_score - c.min_score)
        top += c.weight * q
    return 100 * top / sum(c.weight for c in stage.criteria)


def _criterion_value(c: Criterion) -> Callable[[Mapping[str, float]], float]:
    """Step 4: the values 100 * q(j, e, c)."""
    return lambda scores: 100 * (scores[c.code] - c.min_score) / (c.max_score - c.min_score)


def _panel_score(method: Method, xs: list[float]) -> float:
    """Step 2's table (zscore's values arrive already replaced by T')."""
    if method == "median":
        s = sorted(xs)
        h = len(s) // 2
        return s[h] if len(s) % 2 == 1 else (s[h - 1] + s[h]) / 2
    if method == "trimmed" and len(xs) >= 3:
        s = sorted(xs)
        return sum(s[1:-1]) / (len(s) - 2)
    return sum(xs) / len(xs)


def _entry_scores(
    conv: Convention,
    stage: Stage,
    method: Method,
    value: Callable[[Mapping[str, float]], float],
) -> tuple[dict[int, float], dict[int, dict[str, float]]]:
    """Steps 2 and 3 inside a stage on value(scores): entry -> S, entry -> {panel: P}."""
    sheets = counted_sheets(conv, stage)
    panel_of = {j.id: j.panel_id for j in conv.jurors}
    values = [(s.juror_id, s.entry_id, value(s.scores)) for s in sheets]
    if method == "zscore" and values:
        everything = [v for _, _, v in values]
        mu = statistics.fmean(everything)
        sigma = statistics.pstdev(everything)

        def adjusted(juror_id: int, v: float) -> float:
            own = [x for j, _, x in values if j == juror_id]
            if len(own) < conv.zscore_min_sheets:
                return v
            mu_j = statistics.fmean(own)
            sigma_j = statistics.pstdev(own)
            if sigma_j > 1e-9:
                return mu + sigma * (v - mu_j) / sigma_j
            return mu + (v - mu_j)

        values = [(j, e, adjusted(j, v)) for j, e, v in values]
    score: dict[int, float] = {}
    panel_scores: dict[int, dict[str, float]] = {}
    for entry_id in sorted(admitted(conv, stage)):
        ps: dict[str, float] = {}
        weights: dict[str, float] = {}
        for p in _panels_of(conv, stage):
            xs = [v for j, e, v in values if e == entry_id and panel_of[j] == p.id]
            if xs:
                ps[p.name] = _panel_score(method, xs)
                weights[p.name] = p.weight
        if ps:
            score[entry_id] = sum(weights[n] * ps[n] for n in ps) / sum(weights.values())
            panel_scores[entry_id] = ps
    return score, panel_scores


@dataclass(frozen=True)
class _StageScores:
    """One scored stage under one method: S_s, panel scores, Step 4's keys, sheet counts."""

    stage: Stage
    panels: tuple[Panel, ...]
    score: dict[int, float]
    panel_scores: dict[int, dict[str, float]]
    keys: dict[int, list[float | None]]
    sheet_count: dict[int, int]
    expected: dict[int, int]


def _tie_breaks(stage: Stage) -> list[Criterion]:
    with_rank = [c for c in stage.criteria if c.tie_break_rank is not None]
    return sorted(with_rank, key=lambda c: (c.tie_break_rank, c.id))


def _scores(conv: Convention, stage: Stage, method: Method) -> _StageScores:
    score, panel_scores = _entry_scores(conv, stage, method, lambda s: _total(stage, s))
    keys: dict[int, list[float | None]] = {e: [v] for e, v in score.items()}
    for c in _tie_breaks(stage):
        per, _ = _entry_scores(conv, stage, method, _criterion_value(c))
        for e in keys:
            keys[e].append(per.get(e))
    sheets = counted_sheets(conv, stage)
    sheet_count: dict[int, int] = {}
    expected: dict[int, int] = {}
    for entry in conv.entries:
        eligible = _eligible_jurors(conv, stage, entry)
        expected[entry.id] = len(eligible)
        sheet_count[entry.id] = sum(1 for s in sheets if s.entry_id == entry.id)
    panels = tuple(_panels_of(conv, stage))
    return _StageScores(stage, panels, score, panel_scores, keys, sheet_count, expected)


# ---------------------------------------------------------------------------------------
# Step 4: order, ties, ranks.


def _chain(items: list[int], key: Callable[[int], float | None]) -> list[list[int]]:
    """Step 4.1: descending, neighbours within 1e-9 share a group (chaining); a missing key
    is lower than any number and equal to another missing key (Step 6)."""
    ordered = sorted(items, key=lambda e: (key(e) is None, -(key(e) or 0.0)))
    groups = [[ordered[0]]]
    for a, b in pairwise(ordered):
        ka, kb = key(a), key(b)
        same = (ka is None and kb is None) or (
            ka is not None and kb is not None and ka - kb <= TOLERANCE
        )
        if same:
            groups[-1].append(b)
        else:
            groups.append([b])
    return groups


def _order(items: Iterable[int], keys: Mapping[int, Sequence[float | None]]) -> list[list[int]]:
    """Step 4.1 to 4.3: groups best first, each by entry_id; splits on K1, K2, ... in turn."""
    items = list(items)
    if not items:
        return []

    def refine(group: list[int], level: int) -> list[list[int]]:
        out: list[list[int]] = []
        for g in _chain(group, lambda e: keys[e][level]):
            if len(g) > 1 and level + 1 < len(keys[g[0]]):
                out.extend(refine(g, level + 1))
            else:
                out.append(sorted(g))
        return out

    return refine(items, 0)


def _ranks(groups: list[list[int]]) -> dict[int, tuple[int, bool]]:
    """Competition ranks: 1 + the number of entries in the groups before; tied when shared."""
    out: dict[int, tuple[int, bool]] = {}
    before = 0
    for g in groups:
        for e in g:
            out[e] = (before + 1, len(g) > 1)
        before += len(g)
    return out


def _cut_ties(groups: list[list[int]], k: int) -> list[int]:
    """Entries of a tied group that straddles rank k: all kept, so more than k are."""
    out: list[int] = []
    before = 0
    for g in groups:
        rank = before + 1
        if len(g) > 1 and rank <= k < rank + len(g) - 1:
            out.extend(g)
        before += len(g)
    return out


def _category_order(entries: Iterable[Entry]) -> list[str]:
    found = {e.category for e in entries}
    return sorted(found, key=lambda c: (CATEGORIES.index(c) if c in CATEGORIES else 99, c))


def _warnings(found: Sequence[tuple[str, Sequence[int]]]) -> tuple[Warning, ...]:
    return tuple(Warning(code, tuple(sorted(set(ids)))) for code, ids in found if ids)


# ---------------------------------------------------------------------------------------
# A stage's ranking (Steps 1 to 5 inside the stage, Step 6's admission rule).


def stage_ranking(
    conv: Convention,
    stage_id: int,
    method: Method | None = None,
    category: str | None = None,
) -> Ranking:
    """Steps 1 to 5 inside a stage, over A_s; `advances` is what the stage's rule selects
    as it stands (before the secretariat's add and remove), `awarded` is false.

    With `category`, the ranking of that category's entries alone (Step 7), `rank` being
    the category rank.
    """
    method = method or conv.method
    stage = _stage(conv, stage_id)
    entries = {e.id: e for e in _live(conv)}
    inside = sorted(admitted(conv, stage))
    if stage.kind == "screening":
        # Reading: "screening stage | every entry of A_s whose decision is passed"; a
        # screening stage has no sheets, so its rows are unscored, 0 of 0 sheets.
        screened = tuple(
            Row(e, None, None, {}, 0, 0, True, False, False, entries[e].category, None,
                advances=conv.decisions.get((stage.id, e)) is True)
            for e in inside
            if category is None or entries[e].category == category
        )  # fmt: skip
        return Ranking(method, conv.top_n, screened, ())

    data = _scores(conv, stage, method)
    scored = [e for e in inside if e in data.score]
    groups = _order(scored, data.keys)
    ranks = _ranks(groups)
    category_groups = {
        c: _order([e for e in scored if entries[e].category == c], data.keys)
        for c in _category_order(entries[e] for e in inside)
    }
    category_ranks: dict[int, tuple[int, bool]] = {}
    for cg in category_groups.values():
        category_ranks.update(_ranks(cg))

    rule = stage.advance
    advances: dict[int, bool] = {}
    for e in inside:
        if e not in data.score:
            advances[e] = False
        elif rule.rule == "all":
            advances[e] = True
        elif rule.rule == "top":
            advances[e] = ranks[e][0] <= rule.count
        elif rule.rule == "top_per_category":
            advances[e] = category_ranks[e][0] <= rule.count
        else:
            advances[e] = data.score[e] >= rule.min_score - 1e-9
    boundary: list[int] = []
    if rule.rule == "top":
        boundary = _cut_ties(groups, rule.count)
    elif rule.rule == "top_per_category":
        for cg in category_groups.values():
            boundary += _cut_ties(cg, rule.count)

    if category is None:
        listed, own_ranks = groups, ranks
    else:
        listed = category_groups.get(category, [])
        own_ranks = category_ranks
        inside = [e for e in inside if entries[e].category == category]
        boundary = [e for e in boundary if entries[e].category == category]
    rows: list[Row] = []
    for g in listed:
        for e in g:
            rank, tied = own_ranks[e]
            rows.append(_stage_row(data, entries[e], rank, tied, category_ranks[e][0], advances))
    for e in inside:
        if e not in data.score:
            rows.append(_stage_row(data, entries[e], None, False, None, advances))
    # Reading: a stage's ranking has `awarded` false (docs/api.md), so Step 5's boundary_tie
    # at top_n does not apply; the tie at the rule's cut, which "takes more than count"
    # (the advance preview's warning), is reported as boundary_tie instead.
    warnings = _warnings(
        [
            ("boundary_tie", boundary),
            ("panel_missing", [r.entry_id for r in rows if _panel_missing(data, r.entry_id)]),
            ("no_eligible_juror", [r.entry_id for r in rows if r.expected_sheet_count == 0]),
        ]
    )
    return Ranking(method, conv.top_n, tuple(rows), warnings)


def _panel_missing(data: _StageScores, entry_id: int) -> bool:
    """Step 3: a scored entry for which some panel of the stage has no score."""
    ps = data.panel_scores.get(entry_id)
    return ps is not None and len(ps) < len(data.panels)


def _stage_row(
    data: _StageScores,
    entry: Entry,
    rank: int | None,
    tied: bool,
    category_rank: int | None,
    advances: Mapping[int, bool],
) -> Row:
    e = entry.id
    return Row(
        entry_id=e,
        rank=rank,
        score=data.score.get(e),
        panel_scores=dict(data.panel_scores.get(e, {})),
        sheet_count=data.sheet_count[e],
        expected_sheet_count=data.expected[e],
        complete=data.sheet_count[e] == data.expected[e],
        tied=tied,
        awarded=False,
        category=entry.category,
        category_rank=category_rank,
        advances=advances[e],
    )


def advance(
    conv: Convention,
    stage_id: int,
    method: Method | None = None,
    add: Iterable[int] = (),
    remove: Iterable[int] = (),
) -> frozenset[int]:
    """A_{s+1} (Step 6): what the rule of s selects, then the secretariat's add and remove."""
    selected = {r.entry_id for r in stage_ranking(conv, stage_id, method).rows if r.advances}
    return frozenset((selected | set(add)) - set(remove))


# ---------------------------------------------------------------------------------------
# Step 6: reach and final score; Step 5 awards; Step 7 categories.


@dataclass(frozen=True)
class _Final:
    entry: Entry
    reach: int
    scored_reach: int | None
    final: float | None
    keys: list[float | None]
    stage_missing: bool
    stage_scores: dict[str, float]


def _finals(conv: Convention, method: Method) -> tuple[list[_Final], dict[int, _StageScores]]:
    stages = conv.stages
    data = {i: _scores(conv, s, method) for i, s in enumerate(stages) if s.kind == "scored"}
    out = []
    for entry in _live(conv):
        e = entry.id
        # r(e): "the last stage whose A_s holds e"; A_1 holds every entry. Reading: an
        # entry the secretariat added to A_{s+1} outside A_s still has s in U(e), where
        # it has no score: it is stage_missing.
        reach = max(i for i, s in enumerate(stages) if e in admitted(conv, s))
        earlier = [i for i in range(reach + 1) if stages[i].kind == "scored"]
        scored_reach = earlier[-1] if earlier else None
        weighted = [i for i in earlier if stages[i].weight > 0]
        missing = False
        final: float | None = None
        if weighted:
            got = [data[i].score.get(e) for i in weighted]
            if any(v is None for v in got):
                missing = True
            else:
                top = sum(stages[i].weight * data[i].score[e] for i in weighted)
                final = top / sum(stages[i].weight for i in weighted)
        elif scored_reach is not None:
            # Reading: "When U(e) is empty ..., F(e) = S_t(e)(e), missing when that is
            # missing": no stage_missing warning is named for this case.
            final = data[scored_reach].score.get(e)
        keys: list[float | None] = [final]
        if scored_reach is not None:
            t = data[scored_reach]
            keys.append(t.score.get(e))
            own = t.keys.get(e)
            keys += own[1:] if own is not None else [None] * len(_tie_breaks(t.stage))
        scores = {d.stage.code: d.score[e] for d in data.values() if e in d.score}
        # Reading: with one stage "this step changes nothing: the final ranking is the
        # ranking of Steps 1 to 5", which has no stage_missing; so an unscored entry of a
        # one-stage convention is not named in it, though "F(e) is missing when S_s(e) is
        # missing for any s in U(e): such an entry ... is named in a stage_missing warning".
        missing = missing and len(stages) > 1
        out.append(_Final(entry, reach, scored_reach, final, keys, missing, scores))
    return out, data


def _final_order(finals: Iterable[_Final]) -> list[list[int]]:
    """Step 6's order: by reach, the later stage first; inside a reach, Step 4 on the keys
    K0 = F, K1 = S_t, then stage t's tie-break criteria. Ties never span two reaches."""
    scored = [f for f in finals if f.final is not None]
    keys = {f.entry.id: f.keys for f in scored}
    groups: list[list[int]] = []
    for reach in sorted({f.reach for f in scored}, reverse=True):
        groups += _order([f.entry.id for f in scored if f.reach == reach], keys)
    return groups


def final_ranking(
    conv: Convention, method: Method | None = None, category: str | None = None
) -> Ranking:
    """Step 6's final ranking with Step 5's awards and Step 7's category ranks; with
    `category`, that category's ranking (Step 7), `rank` being the category rank."""
    method = method or conv.method
    finals, data = _finals(conv, method)
    by_id = {f.entry.id: f for f in finals}
    groups = _final_order(finals)
    ranks = _ranks(groups)
    # Reading: Step 7 is "Step 4 ... applied to the entries of category k alone": the 1e-9
    # chains are formed again inside the category, so a tie that chained through an entry
    # of another category can come apart.
    category_groups = {
        c: _final_order(f for f in finals if f.entry.category == c)
        for c in _category_order(f.entry for f in finals)
    }
    category_ranks: dict[int, tuple[int, bool]] = {}
    for g in category_groups.values():
        category_ranks.update(_ranks(g))

    if conv.award_scope == "per_category":
        awarded = {e: r <= conv.top_n for e, (r, _) in category_ranks.items()}
        cuts = {c: _cut_ties(g, conv.top_n) for c, g in category_groups.items()}
        # Reading: "boundary_tie warnings name the ties at each category's cut": one
        # boundary_tie warning naming all of them (ids ascending), as every warning code
        # appears at most once in Steps 1 to 5.
        boundary = [e for ids in cuts.values() for e in ids]
    else:
        awarded = {e: r <= conv.top_n for e, (r, _) in ranks.items()}
        boundary = _cut_ties(groups, conv.top_n)

    def row(e: int, rank: int | None, tied: bool) -> Row:
        f = by_id[e]
        t = data[f.scored_reach] if f.scored_reach is not None else None
        # Reading: "a row's panel_scores, sheet_count, expected_sheet_count and complete
        # ... are those of stage t(e)"; an entry with no scored reach (it stopped at a
        # first screening stage) has none: {} and 0 of 0 sheets, hence complete.
        count = t.sheet_count[e] if t is not None else 0
        expected = t.expected[e] if t is not None else 0
        return Row(
            entry_id=e,
            rank=rank,
            score=f.final,
            panel_scores=dict(t.panel_scores.get(e, {})) if t is not None else {},
            sheet_count=count,
            expected_sheet_count=expected,
            complete=count == expected,
            tied=tied,
            awarded=awarded.get(e, False),
            category=f.entry.category,
            category_rank=category_ranks[e][0] if e in category_ranks else None,
            reach_stage_id=conv.stages[f.reach].id,
            stage_scores=dict(f.stage_scores),
        )

    if category is None:
        listed, own = groups, ranks
        members = list(finals)
    else:
        listed, own = category_groups.get(category, []), category_ranks
        members = [f for f in finals if f.entry.category == category]
        # Reading: a category's ranking names the ties at its own cut with per_category,
        # and with overall the overall list's boundary_tie, restricted to its entries.
        if conv.award_scope == "per_category":
            boundary = cuts.get(category, [])
        else:
            boundary = [e for e in boundary if by_id[e].entry.category == category]
    rows = [row(e, *own[e]) for g in listed for e in g]
    rows += [row(f.entry.id, None, False) for f in members if f.final is None]

    # Reading: "the panel_missing warning [is] that of stage t(e)": an entry is named when
    # stage t's ranking names it (scored there, some panel without a score), even when it
    # has no final score; no_eligible_juror likewise counts the jurors of stage t.
    def panel_missing(f: _Final) -> bool:
        return f.scored_reach is not None and _panel_missing(data[f.scored_reach], f.entry.id)

    warnings = _warnings(
        [
            ("boundary_tie", boundary),
            ("panel_missing", [f.entry.id for f in members if panel_missing(f)]),
            (
                "no_eligible_juror",
                [
                    f.entry.id
                    for f in members
                    if f.scored_reach is not None and data[f.scored_reach].expected[f.entry.id] == 0
                ],
            ),
            ("stage_missing", [f.entry.id for f in members if f.stage_missing]),
        ]
    )
    return Ranking(method, conv.top_n, tuple(rows), warnings)


# ---------------------------------------------------------------------------------------
# Step 8: stability, recomputing everything once per left-out juror.


def _ranking_of(
    conv: Convention, method: Method, stage_id: int | None, category: str | None
) -> Ranking:
    if stage_id is None:
        return final_ranking(conv, method, category)
    return stage_ranking(conv, stage_id, method, category)


def scope_jurors(
    conv: Convention, stage_id: int | None = None, category: str | None = None
) -> list[int]:
    """J: jurors with at least one sheet counted in the ranking: for the final ranking in
    any stage, for a stage's in that stage, for a category's for an entry of it."""
    # Reading: "for the final ranking, in any stage": a sheet counted in any stage's
    # ranking, including stages of weight 0 and stages past an entry's reach.
    stages = conv.stages if stage_id is None else (_stage(conv, stage_id),)
    category_of = {e.id: e.category for e in conv.entries}
    found: set[int] = set()
    for stage in stages:
        for s in counted_sheets(conv, stage):
            if category is None or category_of[s.entry_id] == category:
                found.add(s.juror_id)
    return sorted(found)


def stability(
    conv: Convention,
    method: Method | None = None,
    stage_id: int | None = None,
    category: str | None = None,
) -> Stability:
    """Step 8: the ranking recomputed without each juror of J in turn (every sheet of that
    juror removed in every stage, admissions as recorded); rows in the ranking's order.
    For a stage's ranking "awarded" means "advances". A screening stage raises ValueError
    (docs/api.md: 422)."""
    method = method or conv.method
    if stage_id is not None and _stage(conv, stage_id).kind == "screening":
        raise ValueError("a screening stage has no ranking to test")
    full = _ranking_of(conv, method, stage_id, category)
    jurors = scope_jurors(conv, stage_id, category)
    reduced = []
    for j in jurors:
        without = replace(conv, sheets=tuple(s for s in conv.sheets if s.juror_id != j))
        reduced.append(
            {r.entry_id: r for r in _ranking_of(without, method, stage_id, category).rows}
        )

    def won(r: Row) -> bool:
        return bool(r.advances) if stage_id is not None else r.awarded

    rows = []
    for r in full.rows:
        others = [red[r.entry_id] for red in reduced]
        ranks = [x.rank for x in (r, *others) if x.rank is not None]
        wins = [won(x) for x in others]
        if won(r) and all(wins):
            verdict: Verdict = "stable_in"
        elif not won(r) and not any(wins):
            verdict = "stable_out"
        else:
            verdict = "cusp"
        rows.append(
            StabilityRow(
                entry_id=r.entry_id,
                rank=r.rank,
                rank_min=min(ranks) if ranks else None,
                rank_max=max(ranks) if ranks else None,
                awarded_share=sum(wins) / len(wins) if jurors else None,
                verdict=verdict,
            )
        )
    return Stability(method, len(jurors), tuple(rows))


# ---------------------------------------------------------------------------------------
# Step 9: agreement, over every pair of values.

Total = tuple[int, int, float]


def stage_totals(conv: Convention, stage_id: int) -> list[Total]:
    """(juror_id, entry_id, T(j, e)) of every counted sheet of a scored stage."""
    stage = _stage(conv, stage_id)
    return [(s.juror_id, s.entry_id, _total(stage, s.scores)) for s in counted_sheets(conv, stage)]


def naive_leniency(totals: Sequence[Total]) -> dict[int, tuple[float | None, int]]:
    """juror -> (leniency, leniency_n): d(j, e) = T(j, e) - mean of the others' T(k, e)."""
    out: dict[int, tuple[float | None, int]] = {}
    for j in sorted({j for j, _, _ in totals}):
        d = []
        for k, e, t in totals:
            if k != j:
                continue
            others = [v for i, f, v in totals if f == e and i != j]
            if others:
                # t - mean(others), written as the mean of t - v: exact differences.
                d.append(math.fsum(t - v for v in others) / len(others))
        out[j] = (math.fsum(d) / len(d), len(d)) if d else (None, 0)
    return out


def naive_alpha(totals: Sequence[Total]) -> tuple[float | None, int]:
    """(alpha, pairable_entries): Krippendorff's alpha, interval, over ordered pairs."""
    units: dict[int, list[float]] = {}
    for _, e, v in totals:
        units.setdefault(e, []).append(v)
    pairable = [vs for vs in units.values() if len(vs) >= 2]
    if len(pairable) < 2:
        return None, len(pairable)
    n = sum(len(vs) for vs in pairable)
    within = []
    for vs in pairable:
        m = len(vs)
        pairs = math.fsum((vs[i] - vs[j]) ** 2 for i in range(m) for j in range(m) if i != j)
        within.append(pairs / (m - 1))
    d_o = math.fsum(within) / n
    every = [v for vs in pairable for v in vs]
    d_e = math.fsum((every[i] - every[j]) ** 2 for i in range(n) for j in range(n) if i != j) / (
        n * (n - 1)
    )
    if d_e == 0:
        return None, len(pairable)
    return 1 - d_o / d_e, len(pairable)


def agreement(
    conv: Convention, stage_id: int
) -> tuple[list[tuple[int, str, float | None, int]], list[tuple[int, float | None, int]]]:
    """Step 9 for a scored stage: [(panel_id, panel_name, alpha, pairable_entries)] by panel
    id, and [(juror_id, leniency, leniency_n)] for every juror of the stage's panels."""
    stage = _stage(conv, stage_id)
    totals = stage_totals(conv, stage_id)
    panel_of = {j.id: j.panel_id for j in conv.jurors}
    panels = []
    for p in _panels_of(conv, stage):
        alpha, pairable = naive_alpha([t for t in totals if panel_of[t[0]] == p.id])
        panels.append((p.id, p.name, alpha, pairable))
    found = naive_leniency(totals)
    # Reading: docs/api.md's "jurors" of a stage: every juror of the stage's panels, with
    # leniency null and leniency_n 0 when it shares no entry with another juror.
    panel_ids = {p.id for p in _panels_of(conv, stage)}
    jurors = [
        (j.id, *found.get(j.id, (None, 0)))
        for j in sorted(conv.jurors, key=lambda j: j.id)
        if j.panel_id in panel_ids
    ]
    return panels, jurors
