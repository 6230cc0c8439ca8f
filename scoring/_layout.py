"""Which of the sheets given count, and where each lies in ``Engine``'s layout.

The counted sheets are laid out in (entry, panel) order, so that every group Step 2
aggregates is a slice. The sheets are walked an entry at a time, not a sheet at a time: a
million sheets then cost no Python object of their own, only a place in an ``array``
(``order``) and a reference to their juror's id (``jurors``). Sheets that come grouped by
entry (as the service reads them) are taken as they lie; others are first put in that order.
Inside a group, sheets keep the order they were given in.
"""

from array import array
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import compress, islice, pairwise, repeat
from operator import eq, gt, ne, not_


@dataclass(frozen=True, slots=True)
class Layout:
    """The counted sheets: `order[i]` is the place in the input of the i-th one, `jurors[i]`
    its juror's id; `groups` maps entry_pos * n_panels + panel_pos to the slice of the
    (entry, panel) group, in ascending key order; `sheet_count` is per entry position."""

    order: "array[int]"
    jurors: list[int]
    groups: dict[int, slice]
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
    groups: dict[int, slice] = {}
    sheet_count = [0] * len(entry_id_of)
    nobody: set[int] = set()
    start = 0
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
            stop = start + len(js)
            groups[base + ps[0]] = slice(start, stop)
            start = stop
        else:
            for pp in sorted(found):
                mask = list(map(eq, ps, repeat(pp)))
                size = len(order)
                order.extend(compress(places, mask))
                jurors.extend(compress(js, mask))
                stop = start + len(order) - size
                groups[base + pp] = slice(start, stop)
                start = stop
        sheet_count[pos] = len(js)
    return Layout(order, jurors, groups, sheet_count)


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
