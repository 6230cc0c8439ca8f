"""Sheets given as columns (scoring.SheetColumns, the compact input of a large convention)
rank exactly as sheets given one tuple and dict each."""

from __future__ import annotations

from array import array
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings

import scoring
from tests.scoring import reference as ref
from tests.scoring.test_reference import conventions
from tests.scoring.test_stages import contest

SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def columns(sheets: scoring.Sheets, codes: list[str]) -> scoring.SheetColumns:
    listed = list(sheets)
    return scoring.SheetColumns(
        array("q", [s[0] for s in listed]),
        array("q", [s[1] for s in listed]),
        {c: array("d", [s[2][c] for s in listed]) for c in codes},
    )


def as_columns(built: scoring.Contest) -> scoring.Contest:
    stages = tuple(
        replace(s, sheets=columns(s.sheets, [c.code for c in s.criteria])) for s in built.stages
    )
    return replace(built, stages=stages)


@settings(SETTINGS, max_examples=150)
@given(conventions())
def test_columns_rank_as_tuples(conv: ref.Convention) -> None:
    built = contest(conv)
    packed = as_columns(built)
    assert scoring.rank_final(packed, conv.method) == scoring.rank_final(built, conv.method)
    for stage in conv.stages:
        if stage.kind == "scored":
            got = scoring.rank_stage(packed, stage.id, conv.method)
            assert got == scoring.rank_stage(built, stage.id, conv.method)
    assert scoring.stability(packed, conv.method) == scoring.stability(built, conv.method)


def test_columns_explain_and_disagree_as_tuples() -> None:
    criteria = [scoring.Criterion(1, "A", 3, 0, 10, 1), scoring.Criterion(2, "B", 1, 0, 10)]
    panels = [scoring.Panel(1, "K", 1), scoring.Panel(2, "L", 1)]
    jurors = [scoring.Juror(1, 1), scoring.Juror(2, 1), scoring.Juror(3, 2)]
    entries = [scoring.Entry(1, 100), scoring.Entry(2, 100)]
    sheets = [
        scoring.Sheet(1, 1, {"A": 8, "B": 6}),
        scoring.Sheet(2, 1, {"A": 6, "B": 10}),
        scoring.Sheet(3, 1, {"A": 7, "B": 7}),
        scoring.Sheet(1, 2, {"A": 8, "B": 0}),
    ]
    packed = columns(sheets, ["A", "B"])
    for method in scoring.METHODS:
        args = (criteria, panels, jurors, entries)
        assert scoring.rank(*args, packed, method=method) == scoring.rank(
            *args, sheets, method=method
        )
        assert scoring.explain(*args, packed, 1, method=method) == scoring.explain(
            *args, sheets, 1, method=method
        )
    assert scoring.disagreements(criteria, panels, jurors, entries, packed, threshold=1) == (
        scoring.disagreements(criteria, panels, jurors, entries, sheets, threshold=1)
    )


def test_columns_are_checked() -> None:
    with pytest.raises(ValueError, match="same length"):
        scoring.SheetColumns([1, 2], [1], {"A": [1.0, 2.0]})
    # A column missing for a criterion, and a juror the rank does not know.
    for code, packed, says in (
        ("A", scoring.SheetColumns([1], [1], {"B": [1.0]}), "no score for criterion 'A'"),
        ("B", scoring.SheetColumns([7], [1], {"B": [1.0]}), "unknown juror"),
    ):
        with pytest.raises(ValueError, match=says):
            scoring.rank(
                [scoring.Criterion(1, code, 1, 0, 10)],
                [scoring.Panel(1, "P", 1)],
                [scoring.Juror(1, 1)],
                [scoring.Entry(1, 1)],
                packed,
            )


def test_columns_select_and_iterate() -> None:
    packed = scoring.SheetColumns(array("q", [1, 2, 3]), [10, 20, 30], {"A": array("d", [1, 2, 3])})
    kept = packed.select([True, False, True])
    assert isinstance(kept.juror_ids, array) and isinstance(kept.scores["A"], array)
    assert isinstance(kept.entry_ids, list)
    assert list(kept) == [scoring.Sheet(1, 10, {"A": 1.0}), scoring.Sheet(3, 30, {"A": 3.0})]
    assert len(kept) == 2
    # Keeping every sheet keeps the columns themselves (a stage whose sheets all count).
    assert packed.select([True, True, True]) is packed
