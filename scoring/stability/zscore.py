"""zscore without one juror: mu and sigma from per-juror sums, and the panel scores as
(A + mu' C + sigma' Z) / n from per-group sums, within a bound of the exact ones."""

import math
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, compress, repeat
from operator import add, attrgetter, mul, not_, sub, truediv
from typing import Any

from scoring._engine import TOLERANCE, Engine, ZFit
from scoring.stability.leave import _exact_parts

_START = attrgetter("start")
_STOP = attrgetter("stop")
_ERROR = 1e-12
"""The bound on a zscore shortcut key's distance to the exact key, relative to the values'
magnitude: the shortcut and the exact sum differ by some 20 roundings (2e-15)."""


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


def _take_out(sums: list[Any], places: list[int], shares: Iterable[Any]) -> None:
    """sums[i] -= share at each of the places, at C speed."""
    deque(map(sums.__setitem__, places, map(sub, map(sums.__getitem__, places), shares)), maxlen=0)


def shortcut_scores(
    engine: Engine, cut: _Shortcut, fit: ZFit, keys: list[int], pos: list[int]
) -> tuple[dict[int, float], float]:
    """zscore: every scored entry's S_s as (A + mu' C + sigma' Z) / n per group, with the
    share of one juror's sheets (at `pos`, in groups `keys`) taken out and `fit`'s mu' and
    sigma' (computed without the juror); and the bound on the scores' error."""
    mu, sigma = fit.mu, fit.sigma
    idx = list(map(cut.index.__getitem__, keys))
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
        ids = engine.entry_ids
        n_panels = engine.n_panels
        for e in {ids[cut.keys[i] // n_panels] for i in lonely}:
            span = cut.spans[cut.span_of[e]]
            kept = [g for g in range(span.start, span.stop) if g not in gone]
            if kept:
                top = math.fsum(map(q.__getitem__, kept))
                scores[e] = top / math.fsum(map(cut.weight.__getitem__, kept))
            else:
                del scores[e]
    size = abs(mu) + sigma * cut.z_max + cut.a_max
    return scores, _ERROR * max(1.0, size)


def shortcut_sums(engine: Engine, by_juror: Mapping[int, list[int]], fit: ZFit) -> _Shortcut:
    """zscore's per-group sums and per-sheet shares over every counted sheet (`fit`: mu and
    sigma with no juror left out)."""
    values = engine.totals
    count = len(values)
    sheet_a = list(values)  # T, for jurors under m sheets
    sheet_z = [0.0] * count
    sheet_c = [0] * count
    for k, (mu_k, sigma_k) in fit.centre.items():
        idx = by_juror[k]
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
    return _Shortcut(
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
