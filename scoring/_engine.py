"""Steps 1 to 3 of docs/scoring.md over every sheet of a convention, and who may judge what.

A million sheets are too many to wrap in objects. The counted sheets are laid out once in
(entry, panel) order (``scoring._layout``: their places in the input and the groups' bounds
in arrays, their jurors' ids), with their totals T as an array of doubles, so that every
group Step 2 aggregates is a slice, and the hot paths run as C-level ``map`` chains. The
scores are read from the input where it lies: a mapping per sheet, or a column per criterion
(``SheetColumns``, the compact form). At 50,000 entries x 20 jurors the engine holds about
30 MB besides its input (``python -m bench ranking`` measures the worker's peak).
"""

import math
from array import array
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import add, floordiv, itemgetter, mul, sub, truediv
from typing import TypeVar

from scoring._layout import check_inputs, eligible, lay_out, unpack
from scoring.eligibility import Eligibility
from scoring.model import Criterion, Entry, Juror, Method, Panel, SheetColumns, SheetLike

TOLERANCE = 1e-9
"""Two keys this close are equal (Step 4) and a juror this even is "flat" (Step 2)."""

_T = TypeVar("_T")

# The values of the sheets in a slice of the grouped layout: T, T', or 100 q for a criterion.
Values = Callable[[slice], list[float]]


def _mean(xs: list[float]) -> float:
    return math.fsum(xs) / len(xs)


def _median(xs: list[float]) -> float:
    s = sorted(xs)
    h = len(s) // 2
    return s[h] if len(s) % 2 else (s[h - 1] + s[h]) / 2


def _trimmed(xs: list[float]) -> float:
    if len(xs) < 3:
        return _mean(xs)
    s = sorted(xs)
    return math.fsum(s[1:-1]) / (len(s) - 2)


# Step 2's table, each applied to the values X of one (entry, panel) group.
PANEL_SCORE: dict[Method, Callable[[list[float]], float]] = {
    Method.MEAN: _mean,
    Method.MEDIAN: _median,
    Method.TRIMMED: _trimmed,
    Method.ZSCORE: _mean,  # of T', not T: see Engine.values
}
# Methods that aggregate adjusted values T' instead of T (Step 2's zscore).
ADJUSTED = frozenset({Method.ZSCORE})


def check_method(method: str) -> Method:
    return Method.parse(method)


@dataclass(frozen=True, slots=True)
class ZFit:
    """What zscore's T' needs: the values, mu, sigma, and (mu_j, sigma_j) when n_j >= m."""

    values: Sequence[float]
    mu: float
    sigma: float
    centre: dict[int, tuple[float, float]]


def _lists(values: "array[float]") -> Values:
    """`values` in slices, as lists."""
    return lambda sl: values[sl].tolist()


class Engine:
    """The convention's counted sheets, grouped by (entry, panel), with their totals T."""

    __slots__ = (
        "_by_juror",
        "_zfits",
        "columns",
        "criteria",
        "entry_ids",
        "entry_pos",
        "expected",
        "groups",
        "juror_panel",
        "jurors",
        "n_panels",
        "order",
        "panels",
        "scores",
        "sheet_count",
        "tie_breaks",
        "totals",
    )

    def __init__(
        self,
        criteria: Sequence[Criterion],
        panels: Sequence[Panel],
        jurors: Sequence[Juror],
        entries: Sequence[Entry],
        sheets: Iterable[SheetLike] | SheetColumns,
        eligibility: Eligibility,
    ) -> None:
        check_inputs(criteria, panels, jurors, entries)
        # Sorting by id makes the result independent of the order callers list things in,
        # down to the last bit of every float sum.
        self.criteria = tuple(sorted(criteria, key=lambda c: c.id))
        self.tie_breaks = tuple(
            sorted(
                (c for c in criteria if c.tie_break_rank is not None),
                key=lambda c: (c.tie_break_rank, c.id),
            )
        )
        self.panels = tuple(sorted(panels, key=lambda p: p.id))
        self.n_panels = n_panels = len(self.panels)
        panel_pos = {p.id: i for i, p in enumerate(self.panels)}
        self.juror_panel = {j.id: panel_pos[j.panel_id] for j in jurors}
        ordered = sorted(entries, key=lambda e: e.id)
        self.entry_ids = [e.id for e in ordered]
        self.entry_pos = {e.id: i for i, e in enumerate(ordered)}
        self._by_juror: dict[int, array[int]] | None = None
        self._zfits: dict[tuple[str | None, int], ZFit] = {}

        given = unpack(sheets, self.juror_panel)
        self.scores: list[Mapping[str, float]] = given.scores
        self.columns: Mapping[str, Sequence[float]] | None = given.columns
        excluded, allowed = eligible(eligibility, ordered, self.entry_pos, self.juror_panel)
        n_jurors = len(self.juror_panel)
        if allowed is None:
            self.expected = [n_jurors - len(excluded.get(i, ())) for i in range(len(ordered))]
        else:
            self.expected = [
                len(allowed.get(i, set()) - excluded.get(i, set())) for i in range(len(ordered))
            ]
        # Counted sheets in (entry, panel) order, as places in the input (`order`): per-sheet
        # values are computed in input order, then gathered once, so that each group Step 2
        # aggregates is a slice.
        layout = lay_out(
            given.juror_ids,
            given.entry_ids,
            self.entry_pos,
            self.juror_panel,
            n_panels,
            excluded,
            allowed,
            self.entry_ids,
        )
        del given
        self.order = layout.order
        self.jurors = layout.jurors
        self.groups = layout.groups
        self.sheet_count = layout.sheet_count
        self.totals = self._totals()

    def _totals(self) -> "array[float]":
        """Step 1 for every counted sheet: T = sum_c f_c (s_c - min_c), f_c = 100 w_c / (range_c
        sum_w). Every sheet given is read, so a malformed one is rejected even if not counted."""
        if not self.order:
            return array("d")
        if not self.criteria:
            raise ValueError("sheets cannot be scored without criteria")
        sum_w = math.fsum(c.weight for c in self.criteria)
        factors = [100.0 * c.weight / ((c.max_score - c.min_score) * sum_w) for c in self.criteria]
        offset = math.fsum(f * c.min_score for f, c in zip(factors, self.criteria, strict=True))
        codes = [c.code for c in self.criteria]
        terms: Iterable[Iterable[float]]
        if self.columns is not None:
            missing = [c for c in codes if c not in self.columns]
            if missing:
                raise ValueError(f"a sheet has no score for criterion {missing[0]!r}")
            # f_c s_c of each sheet, column by column, zipped into one tuple per sheet.
            columns = [self.columns[c] for c in codes]
            terms = zip(*map(map, repeat(mul), map(repeat, factors), columns), strict=True)
        else:
            row = (
                zip(map(itemgetter(codes[0]), self.scores))
                if len(codes) == 1
                else map(itemgetter(*codes), self.scores)
            )
            terms = map(map, repeat(mul), repeat(factors), row)
        # sum_c f_c s_c - sum_c f_c min_c, each sum rounded once (fsum); the score mappings
        # are read in one pass since touching a million of them is what costs. Kept as
        # doubles (array) until gathered, not as a float object per sheet.
        try:
            totals = array("d", map(math.fsum, terms))
        except KeyError as exc:
            raise ValueError(f"a sheet has no score for criterion {exc.args[0]!r}") from exc
        except TypeError as exc:
            raise ValueError("sheet scores must be a mapping of criterion code to number") from exc
        if not math.isfinite(sum(totals)):
            raise ValueError("sheet scores must be finite numbers")
        counted = map(totals.__getitem__, self.order)
        return array("d", map(sub, counted, repeat(offset)) if offset else counted)

    def score(self, c: Criterion, i: int) -> float:
        """s(j, e, c) of counted sheet i."""
        if self.columns is not None:
            return self.columns[c.code][self.order[i]]
        s: float = self.scores[self.order[i]][c.code]
        return s

    def _criterion_values(self, c: Criterion, few: bool) -> Values:
        """100 * q(j, e, c) (Step 4's tie-break values)."""
        low = c.min_score
        span = c.max_score - c.min_score
        code = c.code
        scores = self.scores
        order = self.order
        column = self.columns[code] if self.columns is not None else None
        if few and column is not None:
            return lambda sl: [
                100.0 * ((s - low) / span) for s in map(column.__getitem__, order[sl])
            ]
        if few:
            # A handful of tied entries: compute their slices on demand.
            return lambda sl: [
                100.0 * ((d[code] - low) / span) for d in map(scores.__getitem__, order[sl])
            ]
        col: Iterable[float] = (
            map(column.__getitem__, order)
            if column is not None
            else map(itemgetter(code), map(scores.__getitem__, order))
        )
        if low:
            col = map(sub, col, repeat(low))
        return list(map(mul, repeat(100.0), map(truediv, col, repeat(span)))).__getitem__

    def by_juror(self) -> "dict[int, array[int]]":
        """Counted sheet positions of each juror, over the whole convention."""
        if self._by_juror is None:
            by: defaultdict[int, array[int]] = defaultdict(lambda: array("q"))
            for i, j in enumerate(self.jurors):
                by[j].append(i)
            self._by_juror = dict(by)
        return self._by_juror

    def _zfit(self, criterion: Criterion | None, min_sheets: int) -> ZFit:
        """Step 2, zscore: mu and sigma over every counted value of the convention, mu_j and
        sigma_j over every counted value of juror j; for T, or 100 q of a tie-break criterion."""
        key = (None if criterion is None else criterion.code, min_sheets)
        fit = self._zfits.get(key)
        if fit is not None:
            return fit
        values: Sequence[float]
        if criterion is None:
            values = self.totals
        else:
            values = self._criterion_values(criterion, few=False)(slice(None))
        get = values.__getitem__
        n = len(values)
        mu = math.fsum(values) / n if n else 0.0
        # sigma^2 n = sum_j (sum of (x - mu_j)^2 + n_j (mu_j - mu)^2): one pass per juror serves
        # both sigma and sigma_j.
        squares: list[float] = []
        centre: dict[int, tuple[float, float]] = {}
        for j, idx in self.by_juror().items():
            xs = list(map(get, idx))
            mu_j = math.fsum(xs) / len(xs)
            d = list(map(sub, xs, repeat(mu_j)))
            ss_j = math.fsum(map(mul, d, d))
            squares += (ss_j, len(xs) * (mu_j - mu) ** 2)
            # Jurors below m sheets are left out: their T' = T.
            if len(xs) >= min_sheets:
                centre[j] = (mu_j, math.sqrt(ss_j / len(xs)))
        sigma = math.sqrt(math.fsum(squares) / n) if n else 0.0
        fit = self._zfits[key] = ZFit(values, mu, sigma, centre)
        return fit

    def _zscore(self, fit: ZFit, few: bool) -> Values:
        """Step 2, zscore: T' = mu + sigma (T - mu_j) / sigma_j, or mu + (T - mu_j) for a flat
        juror (sigma_j <= 1e-9), or T for a juror with fewer than m sheets."""
        values, mu, sigma, centre = fit.values, fit.mu, fit.sigma, fit.centre
        if few:
            jurors = self.jurors

            def adjusted(sl: slice) -> list[float]:
                out = []
                for j, v in zip(jurors[sl], values[sl], strict=True):
                    found = centre.get(j)
                    if found is None:
                        out.append(v)
                    elif found[1] > TOLERANCE:
                        out.append(mu + sigma * (v - found[0]) / found[1])
                    else:
                        out.append(mu + (v - found[0]))
                return out

            return adjusted
        full = array("d", values)
        by = self.by_juror()
        for j, (mu_j, sigma_j) in centre.items():
            centred = map(sub, map(values.__getitem__, by[j]), repeat(mu_j))
            if sigma_j > TOLERANCE:
                spread = map(truediv, map(mul, repeat(sigma), centred), repeat(sigma_j))
                new = map(add, repeat(mu), spread)
            else:
                new = map(add, repeat(mu), centred)
            deque(map(full.__setitem__, by[j], new), maxlen=0)
        return _lists(full)

    def values(
        self,
        method: Method,
        min_sheets: int,
        criterion: Criterion | None = None,
        wanted: int | None = None,
    ) -> Values:
        """What Step 2 aggregates: T, or 100 q for a tie-break criterion (Step 4), replaced by
        T' for zscore. `wanted`: how many sheets will be read, when far fewer than all."""
        few = wanted is not None and wanted * 4 <= len(self.totals)
        if method in ADJUSTED:
            return self._zscore(self._zfit(criterion, min_sheets), few)
        if criterion is None:
            return self.total_values
        return self._criterion_values(criterion, few)

    def total_values(self, sl: slice) -> list[float]:
        """T of the counted sheets in `sl`."""
        return self.totals[sl].tolist()

    def entry_scores(
        self,
        method: Method,
        values: Values,
        positions: Iterable[int],
        panel_scores: dict[int, dict[int, float]] | None = None,
    ) -> dict[int, float]:
        """Steps 2 and 3 for the entries at `positions` that have sheets: position -> S.

        A group whose `values` come back empty has no score. With `panel_scores`, also fills
        it with position -> {panel position: P}.
        """
        aggregate = PANEL_SCORE[method]
        n_panels = self.n_panels
        panel_range = range(n_panels)
        bounds = self.groups.bounds
        weights = [p.weight for p in self.panels]
        weight = weights.__getitem__
        fsum = math.fsum
        all_weights = fsum(weights)
        out: dict[int, float] = {}
        for pos in positions:
            base = pos * n_panels
            ps: dict[int, float] = {}
            for pp in panel_range:
                start = bounds[base + pp]
                stop = bounds[base + pp + 1]
                if start < stop:
                    # Empty when `values` leaves a juror out (Step 8) and it was the only one.
                    xs = values(slice(start, stop))
                    if xs:
                        ps[pp] = aggregate(xs)
            if len(ps) == n_panels:
                out[pos] = fsum(map(mul, weights, ps.values())) / all_weights
            elif ps:
                out[pos] = fsum(map(mul, map(weight, ps), ps.values())) / fsum(map(weight, ps))
            else:
                continue
            if panel_scores is not None:
                panel_scores[pos] = ps
        return out

    def positions(self, entry_ids: Iterable[int]) -> tuple[list[int], int]:
        """The positions of the entries given that are judged here, and how many counted
        sheets they hold between them (the `wanted` of `values`)."""
        pos_of = self.entry_pos
        positions = [pos_of[e] for e in entry_ids if e in pos_of]
        return positions, sum(map(self.sheet_count.__getitem__, positions))

    def by_entry_id(self, by_pos: Mapping[int, _T]) -> dict[int, _T]:
        """`by_pos` (position -> value, as `entry_scores` answers) keyed by entry id."""
        ids = self.entry_ids
        return {ids[pos]: value for pos, value in by_pos.items()}

    def scored_positions(self) -> list[int]:
        n_panels = self.n_panels
        return sorted(set(map(floordiv, self.groups, repeat(n_panels))))

    def counted(self, pos: int) -> list[int]:
        """Counted sheet positions of the entry at `pos`, by juror id."""
        n_panels = self.n_panels
        found: list[int] = []
        for pp in range(n_panels):
            sl = self.groups.get(pos * n_panels + pp)
            if sl is not None:
                found.extend(range(sl.start, sl.stop))
        return sorted(found, key=self.jurors.__getitem__)

    def juror_totals(self) -> list[tuple[int, int, float]]:
        """The counted (juror_id, entry_id, T(j, e)) (Step 1), by entry then juror id."""
        n_panels = self.n_panels
        ids = self.entry_ids
        out = [
            (juror_id, ids[k // n_panels], value)
            for k, sl in self.groups.items()
            for juror_id, value in zip(self.jurors[sl], self.totals[sl], strict=True)
        ]
        out.sort(key=lambda t: (t[1], t[0]))
        return out
