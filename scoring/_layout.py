"""``Engine``'s input: its checks, which of the sheets given count, and where each lies in
the layout.

The counted sheets are laid out in (entry, panel) order, so that every group Step 2
aggregates is a slice. The sheets are walked an entry at a time, not a sheet at a time: a
million sheets then cost no Python object of their own, only a place in an ``array``
(``order``) and a reference to their juror's id (``jurors``). Sheets that come grouped by
entry (as the service reads them) are taken as they lie; others are first put in that order.
Inside a group, sheets keep the order they were given in.
"""

import math
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate, compress, islice, pairwise, repeat
from operator import eq, gt, itemgetter, ne, not_

from scoring.eligibility import Eligibility
from scoring.model import Criterion, Entry, Juror, Panel, SheetColumns, SheetLike

_JUROR = itemgetter(0)
_ENTRY = itemgetter(1)
_SCORES = itemgetter(2)


def check_inputs(
    criteria: Sequence[Criterion],
    panels: Sequence[Panel],
    jurors: Sequence[Juror],
    entries: Sequence[Entry],
) -> None:
    """ValueError for duplicate ids, codes or names, weights that are not > 0, empty score
    ranges, and jurors of unknown panels."""
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


def _unique(ids: Iterable[object], what: str) -> None:
    seen = Counter(ids)
    dup = sorted((str(k) for k, n in seen.items() if n > 1))
    if dup:
        raise ValueError(f"duplicate {what}: {', '.join(dup)}")


@dataclass(frozen=True, slots=True)
class Given:
    """The sheets given, column by column: juror and entry ids, and either the score
    mappings (`scores`, one per sheet) or the score columns (`columns`)."""

    juror_ids: list[int]
    entry_ids: Sequence[int]
    scores: list[Mapping[str, float]]
    columns: Mapping[str, Sequence[float]] | None


def unpack(sheets: Iterable[SheetLike] | SheetColumns, juror_panel: Mapping[int, int]) -> Given:
    if isinstance(sheets, SheetColumns):
        # The juror ids as the contest's own int objects where known (one object per juror,
        # not one per sheet); an unknown one is reported by the layout.
        known = {j: j for j in juror_panel}
        juror_ids = list(map(known.get, sheets.juror_ids, sheets.juror_ids))
        return Given(juror_ids, sheets.entry_ids, [], sheets.scores)
    sheet_list = sheets if isinstance(sheets, list | tuple) else list(sheets)
    try:
        return Given(
            list(map(_JUROR, sheet_list)),
            list(map(_ENTRY, sheet_list)),
            list(map(_SCORES, sheet_list)),
            None,
        )
    except (IndexError, TypeError, KeyError) as exc:
        raise ValueError("a sheet is (juror_id, entry_id, scores)") from exc


def eligible(
    eligibility: Eligibility,
    ordered: Sequence[Entry],
    pos: Mapping[int, int],
    juror_panel: Mapping[int, int],
) -> tuple[dict[int, set[int]], dict[int, set[int]] | None]:
    """`Eligibility.by_entry` by entry position (`ordered`: the entries by position, `pos`:
    entry id -> position)."""
    by_id, allowed_by_id = eligibility.by_entry(ordered, juror_panel)
    excluded = {pos[e]: js for e, js in by_id.items()}
    allowed = None if allowed_by_id is None else {pos[e]: js for e, js in allowed_by_id.items()}
    return excluded, allowed


class Groups(Mapping[int, slice]):
    """(entry, panel) group key, entry_pos * n_panels + panel_pos -> the slice of the group's
    counted sheets, for the groups that have some, keys ascending.

    Held as one array of bounds over every key (group k is bounds[k]:bounds[k + 1]), not as
    a slice object and two ints per group."""

    __slots__ = ("bounds", "present")

    def __init__(self, sizes: Sequence[int]) -> None:
        self.bounds: array[int] = array("q", accumulate(sizes, initial=0))
        self.present: array[int] = array("q", compress(range(len(sizes)), sizes))

    def __getitem__(self, key: int) -> slice:
        bounds = self.bounds
        if 0 <= key < len(bounds) - 1:
            start = bounds[key]
            stop = bounds[key + 1]
            if start < stop:
                return slice(start, stop)
        raise KeyError(key)

    def __iter__(self) -> Iterator[int]:
        return iter(self.present)

    def __len__(self) -> int:
        return len(self.present)


@dataclass(frozen=True, slots=True)
class Layout:
    """The counted sheets: `order[i]` is the place in the input of the i-th one, `jurors[i]`
    its juror's id; `groups` the slice of each (entry, panel) group; `sheet_count` is per
    entry position."""

    order: "array[int]"
    jurors: list[int]
    groups: Groups
    sheet_count: list[int]


def lay_out(
    juror_ids: Sequence[int],
    entry_ids: Sequence[int],
    entry_pos: Mapping[int, int],
    juror_panel: Mapping[int, int],
    n_panels: int,
    excluded: Mapping[int, set[int]],
    allowed: Mapping[int, set[int]] | None,
    entry_id_of: Sequence[int],
) -> Layout:
    """Reject sheets of unknown entries and jurors and duplicate sheets, then keep those of
    eligible jurors (`excluded`, `allowed`: juror ids by entry position), laid out.

    `juror_ids` are the input's (a list, whose int objects are shared by `jurors`);
    `entry_id_of` gives an entry position's id, for messages."""
    where = _places(entry_ids, entry_pos, "sheet for unknown entry")
    panel = _places(juror_ids, juror_panel, "sheet by unknown juror")
    jurors_in: Sequence[int] = juror_ids
    source: list[int] | None = None
    if any(map(gt, where, islice(where, 1, None))):
        # Not grouped by entry: a stable sort makes it so.
        source = sorted(range(len(where)), key=where.__getitem__)
        where = list(map(where.__getitem__, source))
        panel = list(map(panel.__getitem__, source))
        jurors_in = list(map(juror_ids.__getitem__, source))
    n = len(where)
    bounds = [0, *compress(range(1, n), map(ne, where, islice(where, 1, None))), n] if n else []

    order: array[int] = array("q")
    jurors: list[int] = []
    sizes = array("q", bytes(8 * len(entry_id_of) * n_panels))
    sheet_count = [0] * len(entry_id_of)
    nobody: set[int] = set()
    for a, b in pairwise(bounds):
        pos = where[a]
        js = jurors_in[a:b]
        ps = panel[a:b]
        if len(set(js)) < b - a:
            raise _duplicate(js, ps, entry_id_of[pos])
        places: Sequence[int] = range(a, b) if source is None else source[a:b]
        ex = excluded.get(pos)
        keep = None
        if allowed is not None:
            ok = allowed.get(pos, nobody)
            if ex:
                ok = ok - ex
            keep = list(map(ok.__contains__, js))
        elif ex:
            keep = list(map(not_, map(ex.__contains__, js)))
        if keep is not None and not all(keep):
            places = list(compress(places, keep))
            js = list(compress(js, keep))
            ps = list(compress(ps, keep))
            if not js:
                continue
        base = pos * n_panels
        found = set(ps)
        if len(found) == 1:
            order.extend(places)
            jurors.extend(js)
            sizes[base + ps[0]] = len(js)
        else:
            for pp in sorted(found):
                mask = list(map(eq, ps, repeat(pp)))
                size = len(order)
                order.extend(compress(places, mask))
                jurors.extend(compress(js, mask))
                sizes[base + pp] = len(order) - size
        sheet_count[pos] = len(js)
    return Layout(order, jurors, Groups(sizes), sheet_count)


def _places(ids: Sequence[int], place: Mapping[int, int], what: str) -> list[int]:
    try:
        return list(map(place.__getitem__, ids))
    except (KeyError, TypeError) as exc:
        bad = [i for i in ids if i not in place]
        raise ValueError(f"{what} {bad[0] if bad else '?'}") from exc


def _duplicate(jurors: Sequence[int], panels: Sequence[int], entry_id: int) -> ValueError:
    """The first juror with two sheets in the entry's first group that has one."""
    for pp in sorted(set(panels)):
        seen = Counter(j for j, p in zip(jurors, panels, strict=True) if p == pp)
        twice = [j for j, k in seen.items() if k > 1]
        if twice:
            return ValueError(f"juror {twice[0]} has more than one sheet for entry {entry_id}")
    raise AssertionError("no duplicate")  # pragma: no cover
