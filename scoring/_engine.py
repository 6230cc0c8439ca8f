"""Steps 1 to 3 of SCORING.md over every sheet of a convention, and who may judge what.

Everything here works on parallel lists indexed by sheet position: a million sheets are
too many to wrap in objects, so the hot paths run as C-level ``map`` chains or small
comprehensions over index lists.
"""

import gc
import math
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, repeat
from operator import add, itemgetter, mul, sub, truediv
from typing import Protocol

from scoring.model import METHODS, Criterion, Entry, Juror, Panel, SheetLike

TOLERANCE = 1e-9
"""Two keys this close are equal (Step 4) and a juror this even is "flat" (Step 2)."""

_JUROR = itemgetter(0)
_ENTRY = itemgetter(1)
_SCORES = itemgetter(2)


class Column(Protocol):
    """Values by sheet position: a full list, or a dict of the few positions needed."""

    def __getitem__(self, i: int, /) -> float: ...


def _mean(value: Callable[[int], float], idx: list[int]) -> float:
    return math.fsum(map(value, idx)) / len(idx)


def _median(value: Callable[[int], float], idx: list[int]) -> float:
    s = sorted(map(value, idx))
    h = len(s) // 2
    return s[h] if len(s) % 2 else (s[h - 1] + s[h]) / 2


def _trimmed(value: Callable[[int], float], idx: list[int]) -> float:
    if len(idx) < 3:
        return _mean(value, idx)
    s = sorted(map(value, idx))
    return math.fsum(s[1:-1]) / (len(s) - 2)


# Step 2's table. Each reads the values of one (entry, panel) group of sheet positions.
PANEL_SCORE: dict[str, Callable[[Callable[[int], float], list[int]], float]] = {
    "mean": _mean,
    "median": _median,
    "trimmed": _trimmed,
    "zscore": _mean,
}


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector off while a ranking is computed.

    The caller's million score mappings are all tracked objects, so every full collection
    triggered by our allocations would walk them (about 0.4 s each here). Nothing we build
    forms a reference cycle, so there is nothing for the collector to find meanwhile.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check_method(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")


def _unique(ids: Iterable[object], what: str) -> None:
    seen = Counter(ids)
    dup = sorted((str(k) for k, n in seen.items() if n > 1))
    if dup:
        raise ValueError(f"duplicate {what}: {', '.join(dup)}")


@dataclass(frozen=True, slots=True)
class ZFit:
    """What zscore's T' needs: the values, mu, sigma, and (mu_j, sigma_j) when n_j >= m."""

    values: list[float]
    mu: float
    sigma: float
    centre: dict[int, tuple[float, float]]


class Engine:
    """The convention's counted sheets, grouped by (entry, panel), with their totals T."""

    __slots__ = (
        "_by_juror",
        "_zfits",
        "criteria",
        "entry_ids",
        "entry_pos",
        "expected",
        "groups",
        "juror_panel",
        "jurors",
        "n_panels",
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
        sheets: Iterable[SheetLike],
        conflicts: Iterable[tuple[int, int]],
        recusals: Iterable[tuple[int, int]],
        assignments: Iterable[tuple[int, int]] | None,
    ) -> None:
        self._check_inputs(criteria, panels, jurors, entries)
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
        self._by_juror: dict[int, list[int]] | None = None
        self._zfits: dict[tuple[str | None, int], ZFit] = {}

        sheet_list = sheets if isinstance(sheets, list | tuple) else list(sheets)
        try:
            self.jurors = juror_ids = list(map(_JUROR, sheet_list))
            entry_ids = list(map(_ENTRY, sheet_list))
            self.scores = list(map(_SCORES, sheet_list))
        except (IndexError, TypeError, KeyError) as exc:
            raise ValueError("a sheet is (juror_id, entry_id, scores)") from exc

        excluded, allowed = self._eligibility(ordered, conflicts, recusals, assignments)
        n_jurors = len(self.juror_panel)
        if allowed is None:
            self.expected = [n_jurors - len(excluded.get(i, ())) for i in range(len(ordered))]
        else:
            self.expected = [
                len(allowed.get(i, set()) - excluded.get(i, set())) for i in range(len(ordered))
            ]

        entry_key = {e: i * n_panels for i, e in enumerate(self.entry_ids)}
        raw = self._group(juror_ids, entry_ids, entry_key)
        self.groups = self._count(raw, juror_ids, excluded, allowed)
        self.sheet_count = [0] * len(ordered)
        for k, idx in self.groups.items():
            self.sheet_count[k // n_panels] += len(idx)
        self.totals = self._totals()

    @staticmethod
    def _check_inputs(
        criteria: Sequence[Criterion],
        panels: Sequence[Panel],
        jurors: Sequence[Juror],
        entries: Sequence[Entry],
    ) -> None:
        _unique((c.id for c in criteria), "criterion id")
        _unique((c.code for c in criteria), "criterion code")
        _unique((p.id for p in panels), "panel id")
        _unique((p.name for p in panels), "panel name")
        _unique((j.id for j in jurors), "juror id")
        _unique((e.id for e in entries), "entry id")
        for c in criteria:
            if not (c.weight > 0 and math.isfinite(c.weight)):
                raise ValueError(f"criterion {c.code!r}: weight must be > 0")
            if not (c.max_score > c.min_score and math.isfinite(c.max_score - c.min_score)):
                raise ValueError(f"criterion {c.code!r}: max_score must exceed min_score")
        for p in panels:
            if not (p.weight > 0 and math.isfinite(p.weight)):
                raise ValueError(f"panel {p.name!r}: weight must be > 0")
        known = {p.id for p in panels}
        for j in jurors:
            if j.panel_id not in known:
                raise ValueError(f"juror {j.id}: unknown panel {j.panel_id}")

    def _eligibility(
        self,
        ordered: list[Entry],
        conflicts: Iterable[tuple[int, int]],
        recusals: Iterable[tuple[int, int]],
        assignments: Iterable[tuple[int, int]] | None,
    ) -> tuple[dict[int, set[int]], dict[int, set[int]] | None]:
        """Per entry position: jurors excluded (conflict or recusal), jurors assigned."""
        known = self.juror_panel
        pos = self.entry_pos
        by_opd: dict[int, list[int]] = {}
        for i, e in enumerate(ordered):
            by_opd.setdefault(e.opd_id, []).append(i)
        excluded: dict[int, set[int]] = {}
        for juror_id, opd_id in conflicts:
            if juror_id in known:
                for i in by_opd.get(opd_id, ()):
                    excluded.setdefault(i, set()).add(juror_id)
        for juror_id, entry_id in recusals:
            if juror_id in known and entry_id in pos:
                excluded.setdefault(pos[entry_id], set()).add(juror_id)
        if assignments is None:
            return excluded, None
        allowed: dict[int, set[int]] = {}
        for juror_id, entry_id in assignments:
            if juror_id in known and entry_id in pos:
                allowed.setdefault(pos[entry_id], set()).add(juror_id)
        return excluded, allowed

    def _group(
        self, juror_ids: list[int], entry_ids: list[int], entry_key: dict[int, int]
    ) -> dict[int, list[int]]:
        """Sheet positions by entry_pos * n_panels + panel_pos, for every sheet given."""
        groups: defaultdict[int, list[int]] = defaultdict(list)
        keys = map(
            add,
            map(entry_key.__getitem__, entry_ids),
            map(self.juror_panel.__getitem__, juror_ids),
        )
        try:
            for i, k in enumerate(keys):
                groups[k].append(i)
        except (KeyError, TypeError) as exc:
            bad_e = [e for e in entry_ids if e not in entry_key]
            if bad_e:
                raise ValueError(f"sheet for unknown entry {bad_e[0]}") from exc
            bad_j = [j for j in juror_ids if j not in self.juror_panel]
            raise ValueError(f"sheet by unknown juror {bad_j[0] if bad_j else '?'}") from exc
        return groups

    def _count(
        self,
        raw: dict[int, list[int]],
        juror_ids: list[int],
        excluded: dict[int, set[int]],
        allowed: dict[int, set[int]] | None,
    ) -> dict[int, list[int]]:
        """Reject duplicate sheets, then keep only those of eligible jurors."""
        n_panels = self.n_panels
        juror_of = juror_ids.__getitem__
        counted: dict[int, list[int]] = {}
        nobody: set[int] = set()
        for k, idx in raw.items():
            if len(set(map(juror_of, idx))) != len(idx):
                juror = next(j for j, n in Counter(map(juror_of, idx)).items() if n > 1)
                entry = self.entry_ids[k // n_panels]
                raise ValueError(f"juror {juror} has more than one sheet for entry {entry}")
            ex = excluded.get(k // n_panels)
            if allowed is not None:
                ok = allowed.get(k // n_panels, nobody)
                if ex:
                    ok = ok - ex
                idx = [i for i in idx if juror_ids[i] in ok]
            elif ex:
                idx = [i for i in idx if juror_ids[i] not in ex]
            if idx:
                counted[k] = idx
        return counted

    def _totals(self) -> list[float]:
        """Step 1 for every sheet: T = sum_c f_c (s_c - min_c), f_c = 100 w_c / (range_c sum_w)."""
        if not self.scores:
            return []
        if not self.criteria:
            raise ValueError("sheets cannot be scored without criteria")
        sum_w = math.fsum(c.weight for c in self.criteria)
        factors = [100.0 * c.weight / ((c.max_score - c.min_score) * sum_w) for c in self.criteria]
        offset = math.fsum(f * c.min_score for f, c in zip(factors, self.criteria, strict=True))
        codes = [c.code for c in self.criteria]
        if len(codes) == 1:
            row: Iterable[Iterable[float]] = zip(map(itemgetter(codes[0]), self.scores))
        else:
            row = map(itemgetter(*codes), self.scores)
        # sum_c f_c s_c - sum_c f_c min_c, each sum rounded once (fsum); the score mappings
        # are read in one pass since touching a million of them is what costs.
        try:
            totals = list(map(math.fsum, map(map, repeat(mul), repeat(factors), row)))
        except KeyError as exc:
            raise ValueError(f"a sheet has no score for criterion {exc.args[0]!r}") from exc
        except TypeError as exc:
            raise ValueError("sheet scores must be a mapping of criterion code to number") from exc
        if not math.isfinite(sum(totals)):
            raise ValueError("sheet scores must be finite numbers")
        return list(map(sub, totals, repeat(offset))) if offset else totals

    def score(self, c: Criterion, i: int) -> float:
        """s(j, e, c) of sheet position i."""
        s: float = self.scores[i][c.code]
        return s

    def _criterion_column(self, c: Criterion, need: list[list[int]] | None) -> Column:
        """100 * q(j, e, c) for the sheets in `need` (every sheet when None)."""
        low = c.min_score
        span = c.max_score - c.min_score
        scores = self.scores
        code = c.code
        wanted = None if need is None else sum(map(len, need))
        # A full column runs at C speed; for a handful of tied entries a dict is cheaper.
        if wanted is None or wanted * 4 > len(scores):
            col: Iterable[float] = map(itemgetter(code), scores)
            if low:
                col = map(sub, col, repeat(low))
            return list(map(mul, repeat(100.0), map(truediv, col, repeat(span))))
        assert need is not None
        return {i: 100.0 * ((scores[i][code] - low) / span) for idx in need for i in idx}

    def by_juror(self) -> dict[int, list[int]]:
        """Counted sheet positions of each juror, over the whole convention."""
        if self._by_juror is None:
            by: defaultdict[int, list[int]] = defaultdict(list)
            juror_ids = self.jurors
            for i in chain.from_iterable(self.groups.values()):
                by[juror_ids[i]].append(i)
            self._by_juror = dict(by)
        return self._by_juror

    def _zfit(self, criterion: Criterion | None, min_sheets: int) -> ZFit:
        """Step 2, zscore: mu and sigma over every counted value of the convention, mu_j and
        sigma_j over every counted value of juror j; for T, or 100 q of a tie-break criterion."""
        key = (None if criterion is None else criterion.code, min_sheets)
        fit = self._zfits.get(key)
        if fit is not None:
            return fit
        values = self.totals if criterion is None else self._criterion_column(criterion, None)
        assert isinstance(values, list)
        get = values.__getitem__
        own = {j: list(map(get, idx)) for j, idx in self.by_juror().items()}
        n = sum(map(len, own.values()))
        mu = math.fsum(chain.from_iterable(own.values())) / n if n else 0.0
        # sigma^2 n = sum_j (sum of (x - mu_j)^2 + n_j (mu_j - mu)^2): one pass per juror serves
        # both sigma and sigma_j.
        squares: list[float] = []
        centre: dict[int, tuple[float, float]] = {}
        for j, xs in own.items():
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

    def _zscore(self, fit: ZFit, need: list[list[int]] | None) -> Column:
        """Step 2, zscore: T' for the sheets in `need` (every sheet when None)."""
        values, mu, sigma, centre = fit.values, fit.mu, fit.sigma, fit.centre
        wanted = None if need is None else sum(map(len, need))
        if wanted is not None and wanted * 4 <= len(values):
            assert need is not None
            juror_ids = self.jurors
            few: dict[int, float] = {}
            for i in chain.from_iterable(need):
                v = values[i]
                found = centre.get(juror_ids[i])
                if found is None:
                    few[i] = v
                elif found[1] > TOLERANCE:
                    few[i] = mu + sigma * (v - found[0]) / found[1]
                else:
                    few[i] = mu + (v - found[0])
            return few
        adjusted = list(values)
        by = self.by_juror()
        for j, (mu_j, sigma_j) in centre.items():
            centred = map(sub, map(values.__getitem__, by[j]), repeat(mu_j))
            if sigma_j > TOLERANCE:
                spread = map(truediv, map(mul, repeat(sigma), centred), repeat(sigma_j))
                new = map(add, repeat(mu), spread)
            else:
                new = map(add, repeat(mu), centred)
            deque(map(adjusted.__setitem__, by[j], new), maxlen=0)
        return adjusted

    def column(
        self,
        method: str,
        min_sheets: int,
        criterion: Criterion | None = None,
        need: list[list[int]] | None = None,
    ) -> Column:
        """What Step 2 aggregates, by sheet position: T, or 100 q for a tie-break criterion
        (Step 4), replaced by T' for zscore. `need`: the only groups that will be read."""
        if method == "zscore":
            return self._zscore(self._zfit(criterion, min_sheets), need)
        if criterion is None:
            return self.totals
        return self._criterion_column(criterion, need)

    def entry_scores(
        self,
        method: str,
        column: Column,
        positions: Iterable[int],
        panel_scores: dict[int, dict[int, float]] | None = None,
    ) -> dict[int, float]:
        """Steps 2 and 3 for the entries at `positions` that have sheets: position -> S.

        With `panel_scores`, also fills it with position -> {panel position: P}.
        """
        aggregate = PANEL_SCORE[method]
        value = column.__getitem__
        n_panels = self.n_panels
        panel_range = range(n_panels)
        group = self.groups.get
        weights = [p.weight for p in self.panels]
        weight = weights.__getitem__
        fsum = math.fsum
        all_weights = fsum(weights)
        out: dict[int, float] = {}
        for pos in positions:
            base = pos * n_panels
            ps: dict[int, float] = {}
            for pp in panel_range:
                idx = group(base + pp)
                if idx is not None:
                    ps[pp] = aggregate(value, idx)
            if len(ps) == n_panels:
                out[pos] = fsum(map(mul, weights, ps.values())) / all_weights
            elif ps:
                out[pos] = fsum(map(mul, map(weight, ps), ps.values())) / fsum(map(weight, ps))
            else:
                continue
            if panel_scores is not None:
                panel_scores[pos] = ps
        return out

    def scored_positions(self) -> list[int]:
        n_panels = self.n_panels
        return sorted({k // n_panels for k in self.groups})

    def groups_of(self, positions: Iterable[int]) -> list[list[int]]:
        n_panels = self.n_panels
        group = self.groups.get
        found = (group(pos * n_panels + pp) for pos in positions for pp in range(n_panels))
        return [idx for idx in found if idx is not None]


def panel_totals(engine: Engine, pos: int) -> list[tuple[int, int]]:
    """(juror_id, sheet position) of the counted sheets of the entry at `pos`, by juror id."""
    out = []
    for pp in range(engine.n_panels):
        for i in engine.groups.get(pos * engine.n_panels + pp, ()):
            out.append((engine.jurors[i], i))
    out.sort()
    return out
