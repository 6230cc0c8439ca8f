"""Step 8 of docs/scoring.md: would the ranking hold if any one juror had not judged?

For each juror j of J the ranking is computed again with every sheet of j left out, in every
stage, everything else equal (a *reduced* ranking). Building the engines again for each
juror would cost |J| rankings. Instead the runs of the full ranking are built once and, for
each juror, only what its sheets change is computed again:

* ``mean``, ``median``, ``trimmed``: a panel score changes only in the (entry, panel) groups
  the juror scored, and an entry's score only through them. Each group keeps a few floats
  (the exact parts of its sum; the sorted neighbours of its middle, or of its ends) from
  which Step 2 without any one of its values is an fsum or a pick (`_Leave`), and S(e)
  follows from the entry's other panel scores as Step 3 does. The reduced scores are bit for
  bit those of a full recomputation: fsum rounds the exact sum once, whatever its terms.
* ``zscore``: leaving a juror out moves mu and sigma, hence every T' of the stage, but not
  the mu_k, sigma_k or n_k of any other juror. So a panel score is
  (A + mu' C + sigma' Z) / n, with per-group sums computed once (A: T - mu_k of flat jurors
  and T of jurors under m sheets; C: the number of standardized and flat values; Z:
  (T - mu_k) / sigma_k of standardized jurors), and mu', sigma' exact from per-juror sums.
  Such a key is within a bound delta of the exact one (delta is about 1e-12 of the values'
  magnitude, thousands of times the rounding error); when a decision of the ranking lies
  that close (a 1e-9 link of Step 4 or a min_score cut), the juror's reduced ranking is
  computed exactly instead.

The order is then computed again in full (a sort and Step 4's chains), with tie-break keys
only for the entries still tied, and those exactly.
"""

import math
from collections import Counter, deque
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import chain, compress, islice, repeat
from operator import (
    add,
    attrgetter,
    floordiv,
    getitem,
    itemgetter,
    le,
    mod,
    mul,
    neg,
    not_,
    sub,
    truediv,
)
from typing import Any, TypeVar, cast

from scoring._engine import (
    ADJUSTED,
    PANEL_SCORE,
    TOLERANCE,
    Engine,
    Values,
    ZFit,
    check_method,
)
from scoring.model import (
    Advance,
    AdvanceRule,
    AwardScope,
    Contest,
    Criterion,
    Method,
    Stability,
    StabilityRow,
    Verdict,
)
from scoring.stages import (
    FinalPlan,
    Level,
    StageRun,
    _chain_missing,
    _memo,
    final_plan,
    stage_run,
)

__all__ = ["stability"]

_FIRST = itemgetter(0)
_SECOND = itemgetter(1)
_LAST = itemgetter(-1)
_BEFORE_LAST = itemgetter(-2)
_START = attrgetter("start")
_STOP = attrgetter("stop")
_ERROR = 1e-12
"""The bound on a zscore shortcut key's distance to the exact key, relative to the values'
magnitude: the shortcut and the exact sum differ by some 20 roundings (2e-15)."""
_NO_RANK = 1 << 62

_T = TypeVar("_T")

Tier = tuple[list[int], Mapping[int, float], list[Level]]
"""Entries of one reach (best first once ordered), their K0 and the keys after it."""


def stability(
    contest: Contest,
    method: str = "mean",
    *,
    stage_id: int | None = None,
    category: str | None = None,
) -> Stability:
    """Step 8 of docs/scoring.md: each entry's rank range and award over the rankings with
    one juror left out.

    The ranking is the final one (Step 6), with `stage_id` that stage's (where "awarded"
    means "advances"; a screening stage raises ValueError), with `category` that category's
    (Step 7). J holds the jurors with a sheet counted in it: in any stage for the final
    ranking, in the stage for a stage's, for an entry of the category for a category's. For
    each juror of J the ranking is computed again without any of its sheets, in every stage,
    admissions as recorded and zscore's statistics recomputed without it. Rows follow the
    ranking's order.

    >>> from scoring import Contest, Criterion, Eligibility, Entry, Juror, Panel, Sheet, Stage
    >>> totals = {1: (80, 70, 10), 2: (70, 80, 10), 3: (80, 75, 10)}  # juror: entries 1-3
    >>> sheets = [Sheet(j, e, {"X": s}) for j, row in totals.items() for e, s in enumerate(row, 1)]
    >>> contest = Contest(
    ...     (Stage(1, "UTAMA", criteria=(Criterion(1, "X", 1, 0, 100),), sheets=sheets),),
    ...     (Panel(1, "P", 1),), tuple(Juror(j, 1) for j in totals),
    ...     tuple(Entry(e, 10 + e) for e in (1, 2, 3)), Eligibility(), top_n=1)
    >>> result = stability(contest)
    >>> result.jurors_left_out
    3
    >>> [(r.entry_id, r.rank, r.rank_min, r.rank_max, r.verdict.value) for r in result.rows]
    [(1, 1, 1, 2, 'cusp'), (2, 2, 1, 2, 'cusp'), (3, 3, 3, 3, 'stable_out')]
    >>> [(r.awarded_share, r.changed_by) for r in result.rows[:2]]
    [(0.6666666666666666, (1,)), (0.6666666666666666, (1, 3))]

    Without juror 1, entry 2 wins alone (77.5 against 75); without juror 3, the two tie at 75
    and share rank 1: both awarded.
    """
    checked = check_method(method)
    board: _Board
    if stage_id is None:
        board = _FinalBoard(contest, final_plan(contest, checked), category)
    else:
        stage, run = stage_run(contest, stage_id, checked)
        board = _StageBoard(contest, stage.advance, run, category)
    return _assess(checked, board)


def _assess(method: str, board: "_Board") -> Stability:
    """Step 8's rows: the full ranking, then the reduced ones juror by juror."""
    full = board.outcome(None, exact=True)
    assert full is not None
    ranks, awarded = full
    listed = board.listed()
    # The ranking's order: by rank, ties by entry id, then the unranked entries by id.
    ranked = list(filter(ranks.__contains__, listed))
    ids = [e for _, e in sorted(zip(map(ranks.__getitem__, ranked), ranked, strict=True))]
    ids += [e for e in listed if e not in ranks]
    rank = list(map(ranks.get, ids))
    won = set(awarded)
    # Per juror, the ranks of the rows (missing: a high mark for the minimum, 0 for the
    # maximum), the entries awarded, and those whose award differs from the full ranking's.
    lows = [list(map(ranks.get, ids, repeat(_NO_RANK)))]
    highs = [list(map(ranks.get, ids, repeat(0)))]
    wins: Counter[int] = Counter()
    flips: dict[int, list[int]] = {}
    jurors = board.jurors()
    for j in jurors:
        found = board.outcome(j, exact=False)
        if found is None:
            # A decision lies within the shortcut's error bound: compute this one exactly.
            found = board.outcome(j, exact=True)
            assert found is not None
        ranks, awarded = found
        lows.append(list(map(ranks.get, ids, repeat(_NO_RANK))))
        highs.append(list(map(ranks.get, ids, repeat(0))))
        wins.update(awarded)
        for e in won.symmetric_difference(awarded):
            flips.setdefault(e, []).append(j)
    low = list(map(min, *lows)) if jurors else lows[0]
    high = list(map(max, *highs)) if jurors else highs[0]
    out = []
    n = len(jurors)
    for i, e in enumerate(ids):
        full_won = e in won
        times = wins[e]
        if not n:
            verdict = Verdict.STABLE_IN if full_won else Verdict.STABLE_OUT
        elif full_won and times == n:
            verdict = Verdict.STABLE_IN
        elif not full_won and not times:
            verdict = Verdict.STABLE_OUT
        else:
            verdict = Verdict.CUSP
        out.append(
            StabilityRow(
                entry_id=e,
                rank=rank[i],
                rank_min=None if low[i] == _NO_RANK else low[i],
                rank_max=high[i] or None,
                awarded_share=times / n if n else None,
                verdict=verdict,
                changed_by=tuple(flips.get(e, ())),
            )
        )
    return Stability(method, n, tuple(out), tuple(jurors))


# --- ranks ---------------------------------------------------------------------------------


def _ranks(
    tiers: Sequence[Tier], members: Collection[int] | None, delta: float
) -> dict[int, int] | None:
    """Competition ranks over the tiers (Step 4, Step 6's reaches), of the `members` alone
    when given (Step 7). None when `delta` (the keys' error bound) puts a link in doubt.

    What ``stages.order`` computes, at C speed where nothing is tied: the sort (of entries
    listed in the full ranking's order, so nearly sorted already), then Step 4.1's links
    between neighbours; the runs of linked entries are the groups tied on K0, which go
    through the next keys together (`_refine`)."""
    out: dict[int, int] = {}
    rank = 1
    for items, k0, levels in tiers:
        chosen = items if members is None else list(filter(members.__contains__, items))
        if not chosen:
            continue
        key = k0.__getitem__
        ordered = sorted(chosen, key=key, reverse=True)
        ks = list(map(key, ordered))
        gaps = list(map(sub, ks, islice(ks, 1, None)))
        if delta and min(map(abs, map(sub, gaps, repeat(TOLERANCE))), default=1.0) <= 2 * delta:
            # Keys off by up to delta could link where exact ones would not, or the reverse.
            return None
        n = len(ordered)
        out.update(zip(ordered, range(rank, rank + n), strict=True))
        linked = list(compress(range(n - 1), map(TOLERANCE.__ge__, gaps)))
        if linked:
            runs: list[tuple[int, int]] = []  # first and last place of each tied group
            first = last = linked[0]
            for i in linked[1:]:
                if i != last + 1:
                    runs.append((first, last + 1))
                    first = i
                last = i
            runs.append((first, last + 1))
            split = iter(_refine([ordered[a : b + 1] for a, b in runs], levels))
            for a, b in runs:
                at = rank + a
                left = b - a + 1
                while left:
                    part = next(split)
                    out.update(dict.fromkeys(part, at))
                    at += len(part)
                    left -= len(part)
        rank += n
    return out


def _refine(groups: list[list[int]], levels: Sequence[Level]) -> list[list[int]]:
    """Step 4.2 on groups tied on K0, best first, as ``stages.order`` splits them: each
    group on the next key (computed at once for every entry still tied), then each part on
    the key after, until single entries or the keys run out. Pairs, the common tie, are
    compared directly."""
    for _, compute in levels:
        need = sorted(i for g in groups if len(g) > 1 for i in g)
        if not need:
            break
        get = compute(need).get
        split: list[list[int]] = []
        for g in groups:
            if len(g) == 1:
                split.append(g)
            elif len(g) == 2:
                a, b = g
                ka, kb = get(a), get(b)
                if ka is None or kb is None:
                    # A missing key is lower than any number, equal to another missing one.
                    if ka is None and kb is None:
                        split.append(g)
                    else:
                        split += [[b], [a]] if ka is None else [[a], [b]]
                elif abs(ka - kb) <= TOLERANCE:
                    split.append(g)
                else:
                    split += [[a], [b]] if ka > kb else [[b], [a]]
            else:
                split.extend(_chain_missing(g, get))
        groups = split
    return groups


def _within(ranks: Mapping[int, int], cut: int) -> set[int]:
    """The entries ranked `cut` or better (awarded with top_n, or through a top-k rule)."""
    return set(compress(ranks, map(cut.__ge__, ranks.values())))


def _categories(
    entry_ids: Iterable[int], category_of: Mapping[int, str | None]
) -> list[str | None]:
    """The categories that have a ranking, as ``stages._category_ranks`` names them (an empty
    name is None's)."""
    return [name or None for name in sorted({category_of[e] or "" for e in entry_ids})]


def _members(category_of: Mapping[int, str | None], category: str | None) -> frozenset[int]:
    return frozenset(e for e, c in category_of.items() if c == category)


# --- one stage without one juror ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Reduced:
    """A stage's scores S_s with one juror left out: every entry's (`scores`), the entries
    whose score may have changed or gone (`changed`), and how far a score may be from the
    exact one (`delta`, 0 when exact)."""

    scores: Mapping[int, float]
    changed: Sequence[int]
    delta: float


@dataclass(frozen=True, slots=True)
class _Sheets:
    """One juror's counted sheets in a stage, in (entry, panel) order: their positions in the
    engine's layout, their groups and their entries."""

    positions: list[int]
    keys: list[int]
    entry_ids: list[int]


def _exact_parts(xs: list[float]) -> list[float]:
    """A few floats whose exact sum is the exact sum of `xs`: fsum rounds the sum once, and
    what that rounding left out is summed again, until nothing is. The sum of several jurors'
    values is then one fsum over their parts, exactly as over the values themselves."""
    parts: list[float] = []
    for _ in range(64):
        s = math.fsum(chain(xs, map(neg, parts)))
        if not s:
            return parts
        parts.append(s)
    return xs  # not reached: each round takes 52 more bits of a sum of at most 2,100


class _Spread:
    """zscore's statistics of one kind of value in a stage (T, or 100 q of a criterion): per
    juror its count, mean, sum of squared deviations and exact parts, so that mu and sigma
    without one juror cost O(jurors) and equal those of a full recomputation."""

    __slots__ = ("count", "mean", "min_sheets", "parts", "squares", "values")

    def __init__(self, values: Sequence[float], by_juror: Mapping[int, list[int]], min_sheets: int):
        self.values = values
        self.min_sheets = min_sheets
        self.count: dict[int, int] = {}
        self.mean: dict[int, float] = {}
        self.squares: dict[int, float] = {}
        self.parts: dict[int, list[float]] = {}
        get = values.__getitem__
        for k, idx in by_juror.items():
            # As Engine._zfit computes them.
            xs = list(map(get, idx))
            mu_k = math.fsum(xs) / len(xs)
            d = list(map(sub, xs, repeat(mu_k)))
            self.count[k] = len(xs)
            self.mean[k] = mu_k
            self.squares[k] = math.fsum(map(mul, d, d))
            self.parts[k] = _exact_parts(xs)

    def fit(self, left_out: int | None) -> ZFit:
        """Engine._zfit over every value but those of juror `left_out`."""
        jurors = [k for k in self.count if k != left_out]
        n = sum(map(self.count.__getitem__, jurors))
        if not n:
            return ZFit(self.values, 0.0, 0.0, {})
        mu = math.fsum(chain.from_iterable(map(self.parts.__getitem__, jurors))) / n
        squares: list[float] = []
        for k in jurors:
            squares += (self.squares[k], self.count[k] * (self.mean[k] - mu) ** 2)
        sigma = math.sqrt(math.fsum(squares) / n)
        centre = {
            k: (self.mean[k], math.sqrt(self.squares[k] / self.count[k]))
            for k in jurors
            if self.count[k] >= self.min_sheets
        }
        return ZFit(self.values, mu, sigma, centre)


@dataclass(frozen=True, slots=True)
class _Shortcut:
    """zscore's panel scores as (A + mu C + sigma Z) / n per (entry, panel) group, in group
    key order (`index`: key -> place), with each counted sheet's share of A, C and Z; and per
    scored entry its groups (a slice of that order) and the sum of their panel weights."""

    keys: list[int]
    index: dict[int, int]
    n: list[int]
    c: list[int]
    a: list[float]
    z: list[float]
    weight: list[float]
    sheet_c: list[int]
    sheet_a: list[float]
    sheet_z: list[float]
    entry_ids: list[int]
    spans: list[slice]
    span_of: dict[int, int]
    den: list[float]
    a_max: float
    z_max: float
    """max |a| and max |z| over the sheets: with mu' and sigma', a bound on every |T'|."""


def _dense(by_key: Mapping[int, _T], n: int, missing: _T) -> list[_T]:
    """`by_key` as a list over keys 0 to n - 1, `missing` where it has none."""
    out = [missing] * n
    deque(map(out.__setitem__, by_key, by_key.values()), maxlen=0)
    return out


def _items(seqs: Sequence[Sequence[float]], at: Iterable[int]) -> Iterator[float]:
    """seqs[i][at[i]] for each i."""
    return cast(Iterator[float], map(getitem, seqs, at))


def _pick(pairs: list[tuple[float, float]], values: Iterable[float]) -> Iterator[float]:
    """(a, b)[v <= a] for each pair (a, b) and value v: an s'[i] of `_Leave`."""
    return cast(Iterator[float], map(getitem, pairs, map(le, values, map(_FIRST, pairs))))


def _parts_of(lists: list[list[float]]) -> list[tuple[float, ...]]:
    """`_exact_parts` of many lists, a round at a time for all of them (most need two)."""
    out: list[tuple[float, ...]] = list(zip(map(math.fsum, lists)))
    todo = list(range(len(lists)))
    for _ in range(3):
        if not todo:
            return out
        rest = map(map, repeat(neg), map(out.__getitem__, todo))
        left = list(map(math.fsum, map(chain, map(lists.__getitem__, todo), rest)))
        for i, r in zip(todo, left, strict=True):
            if r:
                out[i] += (r,)
        todo = list(compress(todo, left))
    for i in todo:
        out[i] = tuple(_exact_parts(lists[i]))
    return out


class _Leave:
    """mean, median, trimmed: what a panel score without one of its values needs, per (entry,
    panel) group key, so that it is a few operations on floats kept here, and the bit-exact
    result of Step 2 on the group's other values.

    `size`: the group's number of values n. `parts`: exact parts of its sum (mean, and
    trimmed below 4 values): fsum(parts + (-v,)) is fsum of the other values, to the bit.
    With s the group's values sorted and a value v left out, s' the others:
    s'[i] = s[i] when s[i] < v, else s[i + 1], that is (s[i], s[i + 1])[v <= s[i]]. So for
    median `high` holds that pair at h = (n - 1) // 2 and `low` at h - 1 (odd n): the middle
    of s'. For trimmed (n >= 4), the middle of s' sums to the group's sum less s[0] and
    s[n - 1] (`middle`, exact parts) less w, where w is s[1] when v <= s[0] (a lowest value
    goes), s[n - 2] when v > s[n - 2] (the highest goes), else v (`second`: s[1],
    `before_last`: s[n - 2]).

    Step 3's terms, per group: the weight of its panel; W_q P(q, e) of the entry's other
    panels (`other`, their sum when there is at most one, as a float addition is what fsum
    gives for two terms; else `others`); and the sum of the weights of the entry's panels
    (`den`).
    """

    __slots__ = (
        "before_last",
        "before_last_at",
        "den",
        "den_at",
        "high",
        "low",
        "middle",
        "middle_at",
        "odd_at",
        "other",
        "other_at",
        "others",
        "parts",
        "second",
        "second_at",
        "size",
        "size_at",
        "weight",
        "weight_at",
        "wide_at",
    )

    def __init__(
        self,
        engine: Engine,
        method: Method,
        values: list[float],
        panel_scores: Mapping[int, Mapping[int, float]] | None,
    ) -> None:
        """`values`: T, or 100 q of a tie-break criterion, in the engine's layout;
        `panel_scores`: their full panel scores P by entry position, when known."""
        keys = sorted(engine.groups)
        lists = list(map(values.__getitem__, map(engine.groups.__getitem__, keys)))
        sizes = list(map(len, lists))
        self.size = dict(zip(keys, sizes, strict=True))
        self.parts: dict[int, tuple[float, ...]] = {}
        self.high: dict[int, tuple[float, float]] = {}
        self.low: dict[int, tuple[float, float]] = {}
        self.middle: dict[int, tuple[float, ...]] = {}
        self.second: dict[int, float] = {}
        self.before_last: dict[int, float] = {}
        if method != Method.MEDIAN:
            self.parts = dict(zip(keys, _parts_of(lists), strict=True))
        if method == Method.MEDIAN:
            at = list(compress(range(len(keys)), map(le, repeat(2), sizes)))
            xs = list(map(sorted, map(lists.__getitem__, at)))
            h = list(map(floordiv, map(sub, map(sizes.__getitem__, at), repeat(1)), repeat(2)))
            above = _items(xs, map(add, h, repeat(1)))
            middle = list(_items(xs, h))
            ks = list(map(keys.__getitem__, at))
            self.high = dict(zip(ks, zip(middle, above, strict=True), strict=True))
            odd = list(compress(range(len(at)), map(mod, map(sizes.__getitem__, at), repeat(2))))
            odd = [i for i in odd if h[i]]
            before = map(sub, map(h.__getitem__, odd), repeat(1))
            below = _items(list(map(xs.__getitem__, odd)), before)
            pairs = zip(below, map(middle.__getitem__, odd), strict=True)
            self.low = dict(zip(map(ks.__getitem__, odd), pairs, strict=True))
        elif method == Method.TRIMMED:
            at = list(compress(range(len(keys)), map(le, repeat(4), sizes)))
            xs = list(map(sorted, map(lists.__getitem__, at)))
            ks = list(map(keys.__getitem__, at))
            first = list(map(_FIRST, xs))
            last = map(neg, map(_LAST, xs))
            gone = zip(map(neg, first), last, strict=True)
            middle_parts = map(add, map(self.parts.__getitem__, ks), gone)
            self.middle = dict(zip(ks, middle_parts, strict=True))
            self.second = dict(zip(ks, map(_SECOND, xs), strict=True))
            self.before_last = dict(zip(ks, map(_BEFORE_LAST, xs), strict=True))
        n_panels = engine.n_panels
        weights = [p.weight for p in engine.panels]
        self.weight = {k: weights[k % n_panels] for k in keys}
        self.other: dict[int, float] | None = None
        self.others: dict[int, tuple[float, ...]] = {}
        self.den: dict[int, float] = {}
        if panel_scores is None:
            by_pos: dict[int, dict[int, float]] = {}
            full = map(PANEL_SCORE[method], lists)
            for k, p in zip(keys, full, strict=True):
                by_pos.setdefault(k // n_panels, {})[k % n_panels] = p
            panel_scores = by_pos
        if n_panels == 2:
            other = self.other = {}
            den = self.den
            both = math.fsum(weights)
            w0, w1 = weights
            for pos, ps in panel_scores.items():
                base = pos * 2
                if len(ps) == 2:
                    other[base] = w1 * ps[1]
                    other[base + 1] = w0 * ps[0]
                    den[base] = den[base + 1] = both
                else:
                    for pp in ps:
                        other[base + pp] = 0.0
                        den[base + pp] = weights[pp]
        else:
            for pos, ps in panel_scores.items():
                base = pos * n_panels
                products = {pp: weights[pp] * p for pp, p in ps.items()}
                total = math.fsum(map(weights.__getitem__, ps))
                for pp in ps:
                    rest = tuple(v for q, v in products.items() if q != pp)
                    if n_panels == 1:
                        self.other = self.other if self.other is not None else {}
                        self.other[base + pp] = 0.0
                    else:
                        self.others[base + pp] = rest
                    self.den[base + pp] = total
        # By group key, in lists: a list lookup is cheaper than a dict's, per sheet per juror.
        n = len(engine.entry_ids) * n_panels
        self.size_at = _dense(self.size, n, 0)
        self.weight_at = _dense(self.weight, n, 0.0)
        self.den_at = _dense(self.den, n, 0.0)
        self.other_at = None if self.other is None else _dense(self.other, n, 0.0)
        self.odd_at = _dense(dict.fromkeys(self.low, True), n, False)
        self.wide_at = _dense(dict.fromkeys(self.middle, True), n, False)
        self.middle_at = _dense(self.middle, n, ())
        self.second_at = _dense(self.second, n, 0.0)
        self.before_last_at = _dense(self.before_last, n, 0.0)

    def panel_scores(
        self, method: Method, keys: list[int], values: list[float], left: list[int]
    ) -> list[float]:
        """Step 2 in each group `keys[i]` without one of its values `values[i]`, `left[i]`
        (at least 1) values remaining."""
        if method == Method.MEDIAN:
            out = list(_pick(list(map(self.high.__getitem__, keys)), values))
            odd = list(compress(range(len(keys)), map(self.odd_at.__getitem__, keys)))
            if odd:
                low = list(map(self.low.__getitem__, map(keys.__getitem__, odd)))
                below = _pick(low, map(values.__getitem__, odd))
                mid = map(truediv, map(add, below, map(out.__getitem__, odd)), repeat(2))
                deque(map(out.__setitem__, odd, mid), maxlen=0)
            return out
        if method == Method.MEAN:
            parts = map(self.parts.__getitem__, keys)
            sums = map(math.fsum, map(add, parts, zip(map(neg, values))))
            return list(map(truediv, sums, left))
        # trimmed: the mean below 3 values left, else the middle's sum over left - 2.
        wide = list(map(self.wide_at.__getitem__, keys))
        if not all(wide):
            out = [0.0] * len(keys)
            narrow = list(compress(range(len(keys)), map(not_, wide)))
            parts = map(self.parts.__getitem__, map(keys.__getitem__, narrow))
            vs = map(neg, map(values.__getitem__, narrow))
            sums = map(math.fsum, map(add, parts, zip(vs)))
            got = map(truediv, sums, map(left.__getitem__, narrow))
            deque(map(out.__setitem__, narrow, got), maxlen=0)
            at = list(compress(range(len(keys)), wide))
            rest = self.panel_scores(
                method,
                list(map(keys.__getitem__, at)),
                list(map(values.__getitem__, at)),
                list(map(left.__getitem__, at)),
            )
            deque(map(out.__setitem__, at, rest), maxlen=0)
            return out
        # w = s[1] when v <= s[0], s[n - 2] when v > s[n - 2], else v: v clamped to
        # [s[1], s[n - 2]], as no value lies strictly between s[0] and s[1].
        floor = map(self.second_at.__getitem__, keys)
        ceiling = map(self.before_last_at.__getitem__, keys)
        w = cast(Iterator[float], map(min, map(max, values, floor), ceiling))
        sums = map(math.fsum, map(add, map(self.middle_at.__getitem__, keys), zip(map(neg, w))))
        return list(map(truediv, sums, map(sub, left, repeat(2))))


class _Stage:
    """One scored stage's run, and its scores with any one juror left out."""

    __slots__ = (
        "_asked",
        "_columns",
        "_leaves",
        "_mine",
        "_sheets",
        "_shortcut",
        "_spreads",
        "_tied",
        "adjusted",
        "by_juror",
        "engine",
        "key_of",
        "method",
        "min_sheets",
        "run",
    )

    def __init__(self, run: StageRun) -> None:
        self.run = run
        self.engine = engine = run.engine
        self.method = run.method
        self.min_sheets = run.min_sheets
        self.adjusted = run.method in ADJUSTED
        key_of = [0] * len(engine.totals)
        for k, sl in engine.groups.items():
            key_of[sl] = repeat(k, sl.stop - sl.start)
        self.key_of = key_of
        self.by_juror = engine.by_juror()
        self._sheets: dict[int, _Sheets] = {}
        self._leaves: dict[str | None, _Leave] = {}
        self._mine: dict[int, dict[int, int]] = {}
        self._shortcut: _Shortcut | None = None
        self._spreads: dict[str | None, _Spread] = {}
        self._columns: dict[str, list[float]] = {}
        self._asked: dict[str, int] = {}
        self._tied: dict[str, int] = {}

    def sheets(self, juror_id: int | None) -> _Sheets | None:
        """The juror's counted sheets here; None for no juror or one without any."""
        if juror_id is None:
            return None
        found = self._sheets.get(juror_id)
        if found is None:
            positions = self.by_juror.get(juror_id)
            if positions is None:
                return None
            engine = self.engine
            keys = list(map(self.key_of.__getitem__, positions))
            entry_pos = map(floordiv, keys, repeat(engine.n_panels))
            entry_ids = list(map(engine.entry_ids.__getitem__, entry_pos))
            found = self._sheets[juror_id] = _Sheets(positions, keys, entry_ids)
        return found

    # Scores S_s without a juror.

    def scores(self, juror_id: int | None, exact: bool) -> _Reduced:
        sheets = self.sheets(juror_id)
        if juror_id is None or sheets is None:
            return _Reduced(self.run.scores, (), 0.0)
        if not self.adjusted:
            return self._plain(juror_id, sheets)
        if exact:
            found = self.exact(juror_id, self.run.scores)
            return _Reduced(found, list(self.run.scores), 0.0)
        return self._shortcut_scores(juror_id, sheets)

    def _plain(self, juror_id: int, sheets: _Sheets) -> _Reduced:
        """mean, median, trimmed: the juror's groups without its value, bit for bit."""
        values = list(map(self.engine.totals.__getitem__, sheets.positions))
        got = self._without(juror_id, None, sheets.keys, values, sheets.entry_ids)
        scores = dict(self.run.scores)
        if len(got) < len(sheets.entry_ids):
            for e in sheets.entry_ids:
                if e not in got:
                    del scores[e]  # the juror was its only one
        scores.update(got)
        return _Reduced(scores, sheets.entry_ids, 0.0)

    def _without(
        self,
        juror_id: int,
        criterion: Criterion | None,
        keys: list[int],
        values: list[float],
        entry_ids: list[int],
    ) -> dict[int, float]:
        """S (or C(c, e)) without the juror, of entries each with the juror's sheet, of value
        `values[i]` (T, or 100 q of the criterion), in group `keys[i]`; entries left with no
        value are left out."""
        leave = self._leave(criterion)
        left = list(map(sub, map(leave.size_at.__getitem__, keys), repeat(1)))
        out: dict[int, float] = {}
        if not all(left):
            # The juror was alone in some group: the panel has no score for the entry any
            # more; such entries are computed again the plain way, the others as below.
            out.update(self._keys(juror_id, criterion, compress(entry_ids, map(not_, left))))
            keys = list(compress(keys, left))
            values = list(compress(values, left))
            entry_ids = list(compress(entry_ids, left))
            left = list(compress(left, left))
        panel = leave.panel_scores(self.method, keys, values, left)
        own = list(map(mul, map(leave.weight_at.__getitem__, keys), panel))
        top: Iterable[float]
        if leave.other_at is not None:
            top = map(add, map(leave.other_at.__getitem__, keys), own)
        else:
            top = map(math.fsum, map(add, map(leave.others.__getitem__, keys), zip(own)))
        new = map(truediv, top, map(leave.den_at.__getitem__, keys))
        out.update(zip(entry_ids, new, strict=True))
        return out

    def _leave(self, criterion: Criterion | None) -> "_Leave":
        code = None if criterion is None else criterion.code
        found = self._leaves.get(code)
        if found is None:
            engine = self.engine
            if criterion is None:
                pos = engine.entry_pos
                ps = {pos[e]: p for e, p in self.run.panel_scores.items()}
                found = _Leave(engine, self.method, engine.totals.tolist(), ps)
            else:
                found = _Leave(engine, self.method, self._column(criterion), None)
            self._leaves[code] = found
        return found

    def _shortcut_scores(self, juror_id: int, sheets: _Sheets) -> _Reduced:
        """zscore: every group's (A + mu' C + sigma' Z) / n, the juror's share taken out."""
        cut = self._shortcut_sums()
        fit = self._spread(None).fit(juror_id)
        mu, sigma = fit.mu, fit.sigma
        idx = list(map(cut.index.__getitem__, sheets.keys))
        pos = sheets.positions
        n = cut.n.copy()
        c = cut.c.copy()
        a = cut.a.copy()
        z = cut.z.copy()
        _take_out(n, idx, repeat(1))
        _take_out(c, idx, map(cut.sheet_c.__getitem__, pos))
        _take_out(a, idx, map(cut.sheet_a.__getitem__, pos))
        _take_out(z, idx, map(cut.sheet_z.__getitem__, pos))
        # A group the juror was alone in: its sums are exactly 0 now; n = 1 keeps the
        # division quiet, and the entry's score is made again without that group below.
        lonely = list(compress(idx, map(not_, map(n.__getitem__, idx))))
        for i in lonely:
            n[i] = 1
        spread = map(mul, repeat(sigma), z)
        panel = map(truediv, map(add, map(add, a, map(mul, repeat(mu), c)), spread), n)
        q = list(map(mul, cut.weight, panel))
        new = map(truediv, map(math.fsum, map(q.__getitem__, cut.spans)), cut.den)
        scores = dict(zip(cut.entry_ids, new, strict=True))
        if lonely:
            gone = set(lonely)
            ids = self.engine.entry_ids
            n_panels = self.engine.n_panels
            for e in {ids[cut.keys[i] // n_panels] for i in lonely}:
                span = cut.spans[cut.span_of[e]]
                kept = [g for g in range(span.start, span.stop) if g not in gone]
                if kept:
                    top = math.fsum(map(q.__getitem__, kept))
                    scores[e] = top / math.fsum(map(cut.weight.__getitem__, kept))
                else:
                    del scores[e]
        size = abs(mu) + sigma * cut.z_max + cut.a_max
        return _Reduced(scores, cut.entry_ids, _ERROR * max(1.0, size))

    def _shortcut_sums(self) -> _Shortcut:
        if self._shortcut is not None:
            return self._shortcut
        engine = self.engine
        fit = self._spread(None).fit(None)
        values = engine.totals
        count = len(values)
        sheet_a = list(values)  # T, for jurors under m sheets
        sheet_z = [0.0] * count
        sheet_c = [0] * count
        for k, (mu_k, sigma_k) in fit.centre.items():
            idx = self.by_juror[k]
            d = list(map(sub, map(values.__getitem__, idx), repeat(mu_k)))
            deque(map(sheet_c.__setitem__, idx, repeat(1)), maxlen=0)
            if sigma_k > TOLERANCE:
                deque(map(sheet_z.__setitem__, idx, map(truediv, d, repeat(sigma_k))), maxlen=0)
                deque(map(sheet_a.__setitem__, idx, repeat(0.0)), maxlen=0)
            else:
                deque(map(sheet_a.__setitem__, idx, d), maxlen=0)
        keys = sorted(engine.groups)
        slices = list(map(engine.groups.__getitem__, keys))
        n_panels = engine.n_panels
        weights = [p.weight for p in engine.panels]
        weight = [weights[k % n_panels] for k in keys]
        entry_ids: list[int] = []
        spans: list[slice] = []
        den: list[float] = []
        start = 0
        for i in range(1, len(keys) + 1):
            if i == len(keys) or keys[i] // n_panels != keys[start] // n_panels:
                entry_ids.append(engine.entry_ids[keys[start] // n_panels])
                spans.append(slice(start, i))
                den.append(math.fsum(weight[start:i]))
                start = i
        self._shortcut = _Shortcut(
            keys=keys,
            index={k: i for i, k in enumerate(keys)},
            n=list(map(sub, map(_STOP, slices), map(_START, slices))),
            c=list(map(sum, map(sheet_c.__getitem__, slices))),
            a=list(map(math.fsum, map(sheet_a.__getitem__, slices))),
            z=list(map(math.fsum, map(sheet_z.__getitem__, slices))),
            weight=weight,
            sheet_c=sheet_c,
            sheet_a=sheet_a,
            sheet_z=sheet_z,
            entry_ids=entry_ids,
            spans=spans,
            span_of={e: i for i, e in enumerate(entry_ids)},
            den=den,
            a_max=max(map(abs, sheet_a), default=0.0),
            z_max=max(map(abs, sheet_z), default=0.0),
        )
        return self._shortcut

    # Exact keys for a few entries.

    def exact(self, juror_id: int | None, entry_ids: Iterable[int]) -> dict[int, float]:
        """S_s without the juror, for the entries given, as a full recomputation gives it."""
        return self._keys(juror_id, None, entry_ids)

    def tie_break(
        self, juror_id: int | None, criterion: Criterion, entry_ids: Iterable[int]
    ) -> dict[int, float]:
        """C(c, e) without the juror (Step 4), for the entries given."""
        sheets = self.sheets(juror_id)
        if juror_id is None or sheets is None or self.adjusted:
            return self._keys(juror_id, criterion, entry_ids)
        engine = self.engine
        wanted = list(entry_ids)
        code = criterion.code
        self._tied[code] = tied = self._tied.get(code, 0) + len(wanted)
        if code not in self._leaves and tied * 4 <= len(engine.entry_ids):
            return self._keys(juror_id, criterion, wanted)
        # Ties come back juror after juror (median's, on most reduced rankings): past a
        # quarter of the entries, the criterion's groups get the totals' precomputation.
        mine = self._mine.get(juror_id)
        if mine is None:
            ids = sheets.entry_ids
            mine = self._mine[juror_id] = dict(zip(ids, range(len(ids)), strict=True))
        at = [mine[e] for e in wanted if e in mine]
        column = self._column(criterion)
        keys = list(map(sheets.keys.__getitem__, at))
        values = list(map(column.__getitem__, map(sheets.positions.__getitem__, at)))
        ids = list(map(sheets.entry_ids.__getitem__, at))
        got = self._without(juror_id, criterion, keys, values, ids)
        got.update(self._keys(None, criterion, [e for e in wanted if e not in mine]))
        return got

    def levels(self, juror_id: int | None) -> list[Level]:
        """Step 4's tie-break keys without the juror (the run's own without one)."""
        if juror_id is None:
            return self.run.levels()
        return [
            (c.code, _memo(partial(self.tie_break, juror_id, c))) for c in self.engine.tie_breaks
        ]

    def _keys(
        self, juror_id: int | None, criterion: Criterion | None, entry_ids: Iterable[int]
    ) -> dict[int, float]:
        engine = self.engine
        pos_of = engine.entry_pos
        positions = [pos_of[e] for e in entry_ids if e in pos_of]
        wanted = sum(map(engine.sheet_count.__getitem__, positions))
        few = wanted * 4 <= len(engine.totals)
        values: Values
        if self.adjusted:
            values = engine._zscore(self._spread(criterion).fit(juror_id), few)
        elif criterion is None:
            values = engine.total_values
        else:
            # The engine's rule (read a few sheets' scores, else the whole column once),
            # over every juror's asking: ties come back juror after juror.
            code = criterion.code
            self._asked[code] = asked = self._asked.get(code, 0) + wanted
            if code in self._columns or asked * 4 > len(engine.totals):
                values = self._column(criterion).__getitem__
            else:
                values = engine.values(self.method, self.min_sheets, criterion, wanted)
        if self.sheets(juror_id) is not None:
            values = _dropping(values, engine.jurors, juror_id)
        found = engine.entry_scores(self.method, values, positions)
        ids = engine.entry_ids
        return {ids[p]: s for p, s in found.items()}

    def _column(self, criterion: Criterion) -> list[float]:
        """100 q(j, e, c) of every counted sheet, in the engine's layout."""
        found = self._columns.get(criterion.code)
        if found is None:
            values = self.engine.values(Method.MEAN, self.min_sheets, criterion)
            found = self._columns[criterion.code] = values(slice(None))
        return found

    def _spread(self, criterion: Criterion | None) -> _Spread:
        code = None if criterion is None else criterion.code
        found = self._spreads.get(code)
        if found is None:
            values = self.engine.totals if criterion is None else self._column(criterion)
            found = self._spreads[code] = _Spread(values, self.by_juror, self.min_sheets)
        return found


def _take_out(sums: list[Any], places: list[int], shares: Iterable[Any]) -> None:
    """sums[i] -= share at each of the places, at C speed."""
    deque(map(sums.__setitem__, places, map(sub, map(sums.__getitem__, places), shares)), maxlen=0)


def _dropping(values: Values, jurors: list[int], juror_id: int | None) -> Values:
    """`values` without the left-out juror's sheet in each group (`jurors`: the juror of each
    sheet in the engine's layout)."""

    def rest(sl: slice) -> list[float]:
        xs = values(sl)
        found = jurors[sl]
        if juror_id in found:
            del xs[found.index(juror_id)]
        return xs

    return rest


# --- the rankings ---------------------------------------------------------------------------


class _Board:
    """A ranking as Step 8 needs it: J, and the ranks and awards without one juror."""

    def jurors(self) -> list[int]:
        raise NotImplementedError

    def listed(self) -> list[int]:
        """The entries the ranking lists, by id."""
        raise NotImplementedError

    def outcome(self, juror_id: int | None, exact: bool) -> tuple[dict[int, int], set[int]] | None:
        """Ranks of the listed entries and the awarded (advancing) entries with the juror
        left out (None: the full ranking); None when the shortcut cannot decide and `exact`
        is false."""
        raise NotImplementedError


def _scope(
    stages: Iterable[_Stage], category_of: Mapping[int, str | None], category: str | None
) -> list[int]:
    """J: the jurors with a sheet counted in these stages (for an entry of the category)."""
    found: set[int] = set()
    for st in stages:
        for j in st.by_juror:
            if j in found:
                continue
            sheets = st.sheets(j)
            assert sheets is not None
            if category is None or any(category_of[e] == category for e in sheets.entry_ids):
                found.add(j)
    return sorted(found)


class _FinalBoard(_Board):
    """The final ranking (Step 6), or a category's (Step 7)."""

    def __init__(self, contest: Contest, plan: FinalPlan, category: str | None) -> None:
        self.plan = plan
        self.stages = {i: _Stage(run) for i, run in plan.runs.items()}
        self.category = category
        self.category_of = {e.id: e.category for e in contest.entries}
        self.top_n = contest.top_n
        self.per_category = contest.award_scope is AwardScope.PER_CATEGORY
        runs = plan.runs
        # One stage (the common case): F = (V S) / V, or S when V = 0, for every entry.
        self.solo: float | None = None
        if len(plan.stages) == 1 and 0 in runs:
            self.solo = plan.stages[0].weight
        final: dict[int, float] = {}
        by_reach: dict[int, list[int]] = {}
        if self.solo is not None:
            final = self._solo(runs[0].scores, list(runs[0].scores))
            if final:
                by_reach[0] = list(final)
        else:
            for e, reach in plan.reach.items():
                f = plan.final(e, lambda i: runs[i].scores)
                if f is not None:
                    final[e] = f
                    by_reach.setdefault(reach, []).append(e)
        self.final = final
        # (entries, t) per reach, the later first, entries in the full ranking's order (a
        # reduced ranking sorts them again: nearly sorted, fast); a reach has one t.
        self.by_reach = [
            (
                sorted(by_reach[r], key=final.__getitem__, reverse=True),
                plan.scored_reach[by_reach[r][0]],
            )
            for r in sorted(by_reach, reverse=True)
        ]
        self.categories = _categories(final, self.category_of)
        self.members = {c: _members(self.category_of, c) for c in self.categories}

    def _solo(self, scores: Mapping[int, float], ids: list[int]) -> dict[int, float]:
        """F of these entries (all scored) in a one-stage contest."""
        v = self.solo
        assert v is not None
        got = map(scores.__getitem__, ids)
        new = map(truediv, map(mul, repeat(v), got), repeat(v)) if v > 0 else got
        return dict(zip(ids, new, strict=True))

    def listed(self) -> list[int]:
        category = self.category
        if category is None:
            return list(self.plan.reach)
        return [e for e in self.plan.reach if self.category_of[e] == category]

    def jurors(self) -> list[int]:
        return _scope(self.stages.values(), self.category_of, self.category)

    def _final(self, reduced: Mapping[int, _Reduced]) -> dict[int, float]:
        """F(e) without the juror: again only where a stage score changed."""
        final = dict(self.final)
        if self.solo is not None:
            found = reduced[0]
            scores = found.scores
            ids = found.changed
            if len(scores) < len(self.plan.runs[0].scores):
                for e in ids:
                    if e not in scores:
                        final.pop(e, None)
                ids = [e for e in ids if e in scores]
            final.update(self._solo(scores, list(ids)))
            return final
        scores_of = lambda i: reduced[i].scores  # noqa: E731
        changed = set(chain.from_iterable(r.changed for r in reduced.values()))
        for e in changed:
            if e in self.plan.reach:
                f = self.plan.final(e, scores_of)
                if f is None:
                    final.pop(e, None)
                else:
                    final[e] = f
        return final

    def outcome(self, juror_id: int | None, exact: bool) -> tuple[dict[int, int], set[int]] | None:
        reduced = {i: st.scores(juror_id, exact) for i, st in self.stages.items()}
        delta = max((r.delta for r in reduced.values()), default=0.0)
        if delta:
            # F is a weighted mean of stage scores: as far off as the farthest, and a rounding.
            delta *= 2
        final = self._final(reduced)
        lost = len(final) < len(self.final)
        levels: dict[int, list[Level]] = {}
        tiers: list[Tier] = []
        for items, t in self.by_reach:
            chosen = [e for e in items if e in final] if lost else items
            if not chosen:
                continue
            if t not in levels:
                levels[t] = self._levels(juror_id, t, reduced[t])
            tiers.append((chosen, final, levels[t]))
        category = self.category
        listed: dict[int, int] | None
        overall = None
        if category is None or not self.per_category:
            overall = _ranks(tiers, None, delta)
            if overall is None:
                return None
        if category is None:
            listed = overall
        elif category == "":
            listed = {}  # no ranking is named "" (see _categories)
        else:
            listed = _ranks(tiers, self.members.get(category, frozenset()), delta)
        if listed is None:
            return None
        top_n = self.top_n
        awarded: set[int] = set()
        if not self.per_category:
            assert overall is not None
            awarded = _within(overall, top_n)
        elif category is not None:
            awarded = _within(listed, top_n)
        else:
            for c in self.categories:
                ranks = _ranks(tiers, self.members[c], delta)
                if ranks is None:
                    return None
                awarded |= _within(ranks, top_n)
        return listed, awarded

    def _levels(self, juror_id: int | None, t: int, reduced: _Reduced) -> list[Level]:
        st = self.stages[t]
        levels: list[Level] = []
        if self.plan.k1:
            label = f"stage:{self.plan.stages[t].code}"
            if reduced.delta:
                levels.append((label, _memo(partial(st.exact, juror_id))))
            else:
                scores = reduced.scores
                levels.append((label, lambda _need: scores))
        levels.extend(st.levels(juror_id))
        return levels


class _StageBoard(_Board):
    """A scored stage's ranking, where "awarded" means "advances" (Step 6's rules)."""

    def __init__(
        self, contest: Contest, rule: Advance, run: StageRun, category: str | None
    ) -> None:
        self.stage = _Stage(run)
        self.rule = rule
        self.category = category
        self.category_of = {e.id: e.category for e in contest.entries}
        # In the full ranking's order (see _FinalBoard).
        self.items = sorted(run.scores, key=run.scores.__getitem__, reverse=True)
        self.categories = _categories(self.items, self.category_of)
        self.members = {c: _members(self.category_of, c) for c in self.categories}
        self.entry_ids = run.entry_ids

    def jurors(self) -> list[int]:
        return _scope([self.stage], self.category_of, self.category)

    def listed(self) -> list[int]:
        category = self.category
        if category is None:
            return list(self.entry_ids)
        return [e for e in self.entry_ids if self.category_of.get(e) == category]

    def outcome(self, juror_id: int | None, exact: bool) -> tuple[dict[int, int], set[int]] | None:
        reduced = self.stage.scores(juror_id, exact)
        scores = reduced.scores
        delta = reduced.delta
        items = self.items
        if len(scores) < len(items):
            items = [e for e in items if e in scores]
        tiers: list[Tier] = [(items, scores, self.stage.levels(juror_id))]
        rule = self.rule
        category = self.category
        overall = None
        if category is None or rule.rule is AdvanceRule.TOP:
            overall = _ranks(tiers, None, delta)
            if overall is None:
                return None
        listed: dict[int, int] | None
        if category is None:
            listed = overall
        elif category == "":
            listed = {}
        else:
            listed = _ranks(tiers, self.members.get(category, frozenset()), delta)
        if listed is None:
            return None
        count = rule.count if rule.count is not None else 0
        advancing: set[int]
        if rule.rule is AdvanceRule.ALL:
            advancing = set(items)
        elif rule.rule is AdvanceRule.MIN_SCORE:
            low = (rule.min_score if rule.min_score is not None else math.inf) - TOLERANCE
            got = [scores[e] for e in items]
            if delta and min(map(abs, map(sub, got, repeat(low))), default=math.inf) <= 2 * delta:
                return None
            advancing = set(compress(items, map(low.__le__, got)))
        elif rule.rule is AdvanceRule.TOP:
            assert overall is not None
            advancing = _within(overall, count)
        else:
            advancing = set()
            # An entry advances on its own category's rank: only the listed one matters.
            wanted = self.categories if category is None else [category]
            for c in (c for c in wanted if c in self.members):
                ranks = listed if c == category else _ranks(tiers, self.members[c], delta)
                if ranks is None:
                    return None
                advancing |= _within(ranks, count)
        return listed, advancing
