"""The engine's layout of the counted sheets (scoring/_layout.py): which count, in what order,
and the (entry, panel) groups as slices."""

from __future__ import annotations

import random
from array import array

import pytest

from scoring._layout import Groups, Layout, lay_out

# Entries 10, 20, 30 at positions 0, 1, 2; jurors 1 and 3 in panel 0, 2 and 4 in panel 1.
ENTRY_POS = {10: 0, 20: 1, 30: 2}
ENTRY_IDS = [10, 20, 30]
PANEL_OF = {1: 0, 2: 1, 3: 0, 4: 1}


def layout(
    sheets: list[tuple[int, int]],
    excluded: dict[int, set[int]] | None = None,
    allowed: dict[int, set[int]] | None = None,
) -> Layout:
    """`sheets`: (juror, entry) pairs, in input order."""
    return lay_out(
        [j for j, _ in sheets],
        [e for _, e in sheets],
        ENTRY_POS,
        PANEL_OF,
        2,
        excluded or {},
        allowed,
        ENTRY_IDS,
    )


def pairs(sheets: list[tuple[int, int]], got: Layout) -> list[tuple[int, int]]:
    """The counted (juror, entry) pairs in the layout's order."""
    return [sheets[i] for i in got.order]


def test_groups_map_keys_with_sheets_to_their_slices() -> None:
    groups = Groups([0, 2, 0, 3, 0])
    assert dict(groups) == {1: slice(0, 2), 3: slice(2, 5)}
    assert list(groups) == [1, 3]
    assert len(groups) == 2
    assert groups.get(3) == slice(2, 5)
    for missing in (-1, 0, 2, 4, 5, 99):
        assert missing not in groups
        with pytest.raises(KeyError):
            groups[missing]
    assert dict(Groups([])) == {}


def test_sheets_are_grouped_by_entry_then_panel_in_input_order() -> None:
    sheets = [(1, 10), (2, 10), (3, 10), (4, 10), (2, 20), (4, 20), (1, 30)]
    got = layout(sheets)
    assert pairs(sheets, got) == [(1, 10), (3, 10), (2, 10), (4, 10), (2, 20), (4, 20), (1, 30)]
    assert got.jurors == [1, 3, 2, 4, 2, 4, 1]
    # keys: entry position * 2 + panel
    assert dict(got.groups) == {0: slice(0, 2), 1: slice(2, 4), 3: slice(4, 6), 4: slice(6, 7)}
    assert got.sheet_count == [4, 2, 1]


def test_shuffled_sheets_are_laid_out_as_grouped_ones() -> None:
    grouped = [(j, e) for e in ENTRY_IDS for j in (1, 2, 3, 4) if (j + e) % 7]
    rnd = random.Random(3)
    for _ in range(20):
        shuffled = grouped.copy()
        rnd.shuffle(shuffled)
        got = layout(shuffled)
        # The same sheets in the same places, each group in the order the sheets came in.
        expected = sorted(shuffled, key=lambda s: (ENTRY_POS[s[1]], PANEL_OF[s[0]]))
        assert pairs(shuffled, got) == expected
        assert dict(got.groups) == dict(layout(expected).groups)
        assert got.jurors == [j for j, _ in expected]


def test_ineligible_jurors_sheets_are_left_out() -> None:
    sheets = [(1, 10), (2, 10), (3, 10), (1, 20), (2, 30), (4, 30)]
    got = layout(sheets, excluded={0: {3}, 1: {1}})
    assert pairs(sheets, got) == [(1, 10), (2, 10), (2, 30), (4, 30)]
    assert got.sheet_count == [2, 0, 2]
    assert dict(got.groups) == {0: slice(0, 1), 1: slice(1, 2), 5: slice(2, 4)}
    assert isinstance(got.order, array)
    # By assignment: only the jurors assigned to an entry, less those excluded.
    got = layout(sheets, excluded={0: {2}}, allowed={0: {1, 2}, 2: {4}})
    assert pairs(sheets, got) == [(1, 10), (4, 30)]
    assert got.sheet_count == [1, 0, 1]


@pytest.mark.parametrize(
    ("sheets", "message"),
    [
        ([(1, 10), (2, 10), (1, 10)], "juror 1 has more than one sheet for entry 10"),
        # The first group holding a duplicate names it: panel 0 (juror 3) before panel 1.
        ([(4, 20), (3, 20), (4, 20), (3, 20)], "juror 3 has more than one sheet for entry 20"),
        ([(2, 30), (1, 10), (2, 30)], "juror 2 has more than one sheet for entry 30"),
        ([(1, 10), (1, 40)], "sheet for unknown entry 40"),
        ([(9, 40), (1, 10)], "sheet for unknown entry 40"),
        ([(9, 10), (1, 10)], "sheet by unknown juror 9"),
    ],
)
def test_duplicate_and_unknown_sheets_are_refused(
    sheets: list[tuple[int, int]], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        layout(sheets)
