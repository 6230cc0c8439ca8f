"""Steps 1 to 3 of SCORING.md over every sheet of a convention, and who may judge what.

Everything here works on parallel lists indexed by sheet position: a million sheets are
too many to wrap in objects, so the hot paths run as C-level ``map`` chains or small
comprehensions over index lists.
"""

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from itertools import repeat
from operator import add, itemgetter, mul, sub, truediv

from scoring.model import METHODS, Criterion, Entry, Juror, Panel, SheetLike

TOLERANCE = 1e-9
"""Two keys this close are equal (Step 4) and a juror this even is "flat" (Step 2)."""

_JUROR = itemgetter(0)
_ENTRY = itemgetter(1)
_SCORES = itemgetter(2)

# Juror id -> (a, s, c, d) with T' = a + s * (T - c) / d, which is Step 2's zscore formula
# written once for all three of its cases.
ZParams = dict[int, tuple[float, float, float, float]]
ValuesOf = Callable[[list[int]], list[float]]


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


PANEL_SCORE: dict[str, Callable[[list[float]], float]] = {
    "mean": _mean,
    "median": _median,
    "trimmed": _trimmed,
    "zscore": _mean,
}


def check_method(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")


def pstdev(xs: Sequence[float], mu: float) -> float:
    d = list(map(sub, xs, repeat(mu)))
    return math.sqrt(math.fsum(map(mul, d, d)) / len(d))


def _unique(ids: Iterable[object], what: str) -> None:
    seen = Counter(ids)
    dup = sorted((str(k) for k, n in seen.items() if n > 1))
    if dup:
        raise ValueError(f"duplicate {what}: {', '.join(dup)}")


class Engine:
    """The convention's counted sheets, grouped by (entry, panel), with their totals T."""

    __slots__ = (
        "_by_juror",
        "_zcache",
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
        self._zcache: dict[str | None, tuple[list[float], ZParams]] = {}

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
        groups: dict[int, list[int]] = {}
        get = groups.get
        keys = map(
            add, map(entry_key.__getitem__, entry_ids), map(self.juror_panel.__getitem__, juror_ids)
        )
        try:
            for i, k in enumerate(keys):
                g = get(k)
                if g is None:
                    groups[k] = [i]
                else:
                    g.append(i)
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
        counted: dict[int, list[int]] = {}
        nobody: set[int] = set()
        for k, idx in raw.items():
            js = [juror_ids[i] for i in idx]
            if len(set(js)) != len(js):
                juror = next(j for j, n in Counter(js).items() if n > 1)
                entry = self.entry_ids[k // n_panels]
                raise ValueError(f"juror {juror} has more than one sheet for entry {entry}")
            ex = excluded.get(k // n_panels)
            if allowed is not None:
                ok = allowed.get(k // n_panels, nobody)
                if ex:
                    ok = ok - ex
                idx = [i for i, j in zip(idx, js, strict=True) if j in ok]
            elif ex:
                idx = [i for i, j in zip(idx, js, strict=True) if j not in ex]
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
        acc: Iterable[float] | None = None
        for c in self.criteria:
            factor = 100.0 * c.weight / ((c.max_score - c.min_score) * sum_w)
            col: Iterable[float] = map(itemgetter(c.code), self.scores)
            if c.min_score:
                col = map(sub, col, repeat(c.min_score))
            term = map(mul, col, repeat(factor))
            acc = term if acc is None else map(add, acc, term)
        assert acc is not None
        try:
            return list(acc)
        except KeyError as exc:
            raise ValueError(f"a sheet has no score for criterion {exc.args[0]!r}") from exc
        except TypeError as exc:
            raise ValueError("sheet scores must be numbers") from exc

    def criterion_value(self, c: Criterion, i: int) -> float:
        """100 * q(j, e, c) for sheet position i (Step 4's tie-break values)."""
        s: float = self.scores[i][c.code]
        return 100.0 * ((s - c.min_score) / (c.max_score - c.min_score))

    def criterion_values(self, c: Criterion) -> list[float]:
        """100 * q(j, e, c) for every sheet position."""
        col = map(sub, map(itemgetter(c.code), self.scores), repeat(c.min_score))
        ratio = map(truediv, col, repeat(c.max_score - c.min_score))
        return list(map(mul, repeat(100.0), ratio))

    def by_juror(self) -> dict[int, list[int]]:
        """Counted sheet positions of each juror, over the whole convention."""
        if self._by_juror is None:
            by: dict[int, list[int]] = {}
            juror_ids = self.jurors
            for idx in self.groups.values():
                for i in idx:
                    j = juror_ids[i]
                    g = by.get(j)
                    if g is None:
                        by[j] = [i]
                    else:
                        g.append(i)
            self._by_juror = by
        return self._by_juror

    def zparams(self, values: list[float], min_sheets: int) -> ZParams:
        """Step 2, zscore: mu and sigma over all counted values, mu_j and sigma_j per juror."""
        by = self.by_juror()
        every = [values[i] for idx in by.values() for i in idx]
        if not every:
            return {}
        mu = math.fsum(every) / len(every)
        sigma = pstdev(every, mu)
        params: ZParams = {}
        for j, idx in by.items():
            if len(idx) < min_sheets:
                params[j] = (0.0, 1.0, 0.0, 1.0)
                continue
            own = [values[i] for i in idx]
            mu_j = math.fsum(own) / len(own)
            sigma_j = pstdev(own, mu_j)
            if sigma_j > TOLERANCE:
                params[j] = (mu, sigma, mu_j, sigma_j)
            else:
                params[j] = (mu, 1.0, mu_j, 1.0)
        return params

    def values_of(
        self, method: str, min_sheets: int, criterion: Criterion | None = None
    ) -> ValuesOf:
        """What Step 2 aggregates: T, or 100 q for a tie-break criterion; T' for zscore."""
        if method == "zscore":
            key = None if criterion is None else criterion.code
            if key not in self._zcache:
                base = self.totals if criterion is None else self.criterion_values(criterion)
                self._zcache[key] = (base, self.zparams(base, min_sheets))
            base, params = self._zcache[key]
            juror_ids = self.jurors

            def adjusted(idx: list[int]) -> list[float]:
                out = []
                for i in idx:
                    a, s, c, d = params[juror_ids[i]]
                    out.append(a + s * (base[i] - c) / d)
                return out

            return adjusted
        if criterion is None:
            totals = self.totals
            return lambda idx: [totals[i] for i in idx]
        crit = criterion
        return lambda idx: [self.criterion_value(crit, i) for i in idx]

    def entry_scores(
        self, method: str, values_of: ValuesOf, positions: Iterable[int]
    ) -> dict[int, tuple[float, dict[int, float]]]:
        """Steps 2 and 3 for the entries at `positions` that have sheets: (S, {panel_pos: P})."""
        aggregate = PANEL_SCORE[method]
        n_panels = self.n_panels
        groups = self.groups
        weights = [p.weight for p in self.panels]
        out: dict[int, tuple[float, dict[int, float]]] = {}
        for pos in positions:
            base = pos * n_panels
            ps: dict[int, float] = {}
            for pp in range(n_panels):
                idx = groups.get(base + pp)
                if idx is not None:
                    ps[pp] = aggregate(values_of(idx))
            if ps:
                num = math.fsum([weights[pp] * v for pp, v in ps.items()])
                out[pos] = (num / math.fsum([weights[pp] for pp in ps]), ps)
        return out

    def scored_positions(self) -> list[int]:
        n_panels = self.n_panels
        return sorted({k // n_panels for k in self.groups})


def panel_totals(engine: Engine, pos: int) -> list[tuple[int, int]]:
    """(juror_id, sheet position) of the counted sheets of the entry at `pos`, by juror id."""
    out = []
    for pp in range(engine.n_panels):
        for i in engine.groups.get(pos * engine.n_panels + pp, ()):
            out.append((engine.jurors[i], i))
    out.sort()
    return out
