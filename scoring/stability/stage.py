"""One scored stage's scores S_s and tie-break keys with any one juror left out."""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import compress, repeat
from operator import add, floordiv, mul, not_, sub, truediv

from scoring._engine import ADJUSTED, Values
from scoring.model import Criterion, Method
from scoring.stability.leave import LEAVE_METHODS, _Leave, unsupported
from scoring.stability.zscore import _Shortcut, _Spread, shortcut_scores, shortcut_sums
from scoring.stages import Level, StageRun
from scoring.stages.order import _memo


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

    positions: Sequence[int]
    keys: list[int]
    entry_ids: list[int]


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
        if not self.adjusted and run.method not in LEAVE_METHODS:
            raise unsupported(run.method)
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
        cut = self._shortcut
        if cut is None:
            fit = self._spread(None).fit(None)
            cut = self._shortcut = shortcut_sums(self.engine, self.by_juror, fit)
        fit = self._spread(None).fit(juror_id)
        scores, delta = shortcut_scores(self.engine, cut, fit, sheets.keys, sheets.positions)
        return _Reduced(scores, cut.entry_ids, delta)

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
        positions, wanted = engine.positions(entry_ids)
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
        return engine.by_entry_id(engine.entry_scores(self.method, values, positions))

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
