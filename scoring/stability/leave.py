"""mean, median, trimmed: Step 2 in a group without one of its values, bit for bit, from a
few floats kept per group."""

import math
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import chain, compress, repeat
from operator import add, floordiv, getitem, itemgetter, le, mod, neg, not_, sub, truediv
from typing import TypeVar, cast

from scoring._engine import PANEL_SCORE, Engine
from scoring.model import Method

_FIRST = itemgetter(0)
_SECOND = itemgetter(1)
_LAST = itemgetter(-1)
_BEFORE_LAST = itemgetter(-2)

_T = TypeVar("_T")

# The methods whose Step 2 without one value `_Leave` knows. zscore is not one: leaving a
# juror out moves every T' of the stage (see `zscore`). A new method must say here, or in
# `zscore`, how a value is left out; until it does, stability refuses it (`unsupported`).
LEAVE_METHODS: frozenset[Method] = frozenset({Method.MEAN, Method.MEDIAN, Method.TRIMMED})


def unsupported(method: Method) -> NotImplementedError:
    """The error for a method that stability cannot leave a value out of."""
    return NotImplementedError(f"stability: no leave-one-out rule for method {method.value!r}")


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
        if method not in LEAVE_METHODS:
            raise unsupported(method)
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
        if method != Method.TRIMMED:
            raise unsupported(method)
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
