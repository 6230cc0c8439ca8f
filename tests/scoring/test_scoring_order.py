"""Step 4 (order, ties, ranks) and Step 5 (awards, completeness, warnings) of docs/scoring.md."""

from collections.abc import Iterable

import pytest

from scoring import (
    Criterion,
    Entry,
    Juror,
    Panel,
    Ranking,
    RankingRow,
    RankingWarning,
    Sheet,
    explain,
    rank,
)

# One criterion X, 0..10, one panel, one juror: S(e) = T(j, e) = 10 * s.
ONE = [Criterion(1, "X", 1, 0, 10)]
P1 = [Panel(1, "P", 1)]
J1 = [Juror(1, 1)]


def single(scores: dict[int, float], top_n: int = 10) -> Ranking:
    """One juror scores entries {entry_id: s} on X; all entries in OPD 1."""
    entries = [Entry(e, 1) for e in scores]
    sheets = [Sheet(1, e, {"X": s}) for e, s in scores.items()]
    return rank(ONE, P1, J1, entries, sheets, top_n=top_n)


def summary(rows: Iterable[RankingRow]) -> list[tuple[int, int | None, bool, bool]]:
    return [(r.entry_id, r.rank, r.tied, r.awarded) for r in rows]


def by_entry(ranking: Ranking) -> dict[int, RankingRow]:
    return {r.entry_id: r for r in ranking.rows}


# Three criteria, A (tie-break 1), B (tie-break 2), C; equal weights, 0..10; one juror.
# T = 100 * (a + b + c) / 30, so entries with the same a + b + c tie on K0.
ABC = [
    Criterion(1, "A", 1, 0, 10, 1),
    Criterion(2, "B", 1, 0, 10, 2),
    Criterion(3, "C", 1, 0, 10),
]


def abc(scores: dict[int, tuple[float, float, float]], top_n: int = 10) -> Ranking:
    entries = [Entry(e, 1) for e in scores]
    sheets = [Sheet(1, e, {"A": a, "B": b, "C": c}) for e, (a, b, c) in scores.items()]
    return rank(ABC, P1, J1, entries, sheets, top_n=top_n)


def test_rank_orders_by_score_descending() -> None:
    ranking = single({1: 3, 2: 9, 3: 6})
    assert summary(ranking.rows) == [(2, 1, False, True), (3, 2, False, True), (1, 3, False, True)]
    assert [r.decided_by for r in ranking.rows] == ["score"] * 3
    assert [r.keys for r in ranking.rows] == [(90.0,), (60.0,), (30.0,)]
    assert ranking.warnings == ()


def test_rank_tie_decided_by_first_tie_break() -> None:
    # E1: A 6, B 4 and E2: A 4, B 6 both total 50; C(A) = 60 for E1 and 40 for E2.
    ranking = abc({2: (4, 6, 5), 1: (6, 4, 5)})
    assert summary(ranking.rows) == [(1, 1, False, True), (2, 2, False, True)]
    assert [r.decided_by for r in ranking.rows] == ["A", "A"]
    assert ranking.rows[0].keys == pytest.approx((50.0, 60.0))
    assert ranking.rows[1].keys == pytest.approx((50.0, 40.0))


def test_rank_tie_decided_by_second_tie_break() -> None:
    # Same total 50 and same A 5; C(B) = 40 for E1 and 60 for E2, so E2 goes first.
    ranking = abc({1: (5, 4, 6), 2: (5, 6, 4)})
    assert summary(ranking.rows) == [(2, 1, False, True), (1, 2, False, True)]
    assert [r.decided_by for r in ranking.rows] == ["B", "B"]
    assert ranking.rows[0].keys == pytest.approx((50.0, 50.0, 60.0))


def test_rank_full_tie_shares_a_competition_rank() -> None:
    # E9 alone on top (90), E5 and E2 identical (50), E7 last (10): ranks 1, 2, 2, 4.
    ranking = abc({9: (9, 9, 9), 5: (5, 5, 5), 2: (5, 5, 5), 7: (1, 1, 1)})
    assert summary(ranking.rows) == [
        (9, 1, False, True),
        (2, 2, True, True),
        (5, 2, True, True),
        (7, 4, False, True),
    ]
    assert [r.decided_by for r in ranking.rows] == ["score", "tie", "tie", "score"]
    assert ranking.rows[1].keys == pytest.approx((50.0, 50.0, 50.0))


def test_rank_keys_consulted_only_while_tied() -> None:
    # E1 and E2 tie on K0 and split on A; E3 is alone and keeps K0 only.
    ranking = abc({1: (6, 4, 5), 2: (4, 6, 5), 3: (1, 1, 1)})
    assert [len(r.keys) for r in ranking.rows] == [2, 2, 1]


def test_rank_groups_chain_within_tolerance() -> None:
    # T = 10 s: 50, 50 + 7e-10, 50 + 1.4e-9. Neighbours differ by 7e-10 <= 1e-9, the ends
    # by 1.4e-9 > 1e-9; the chain still makes one group, listed by entry_id.
    ranking = single({3: 5.0, 2: 5.0 + 7e-11, 1: 5.0 + 1.4e-10})
    assert summary(ranking.rows) == [(1, 1, True, True), (2, 1, True, True), (3, 1, True, True)]
    assert [r.decided_by for r in ranking.rows] == ["tie"] * 3


def test_rank_groups_split_beyond_tolerance() -> None:
    # Without the middle entry the two ends differ by 1.4e-9 > 1e-9: two groups.
    ranking = single({3: 5.0, 1: 5.0 + 1.4e-10})
    assert summary(ranking.rows) == [(1, 1, False, True), (3, 2, False, True)]


def test_rank_tie_at_boundary_awards_all_and_warns() -> None:
    # 90, then 80 twice; top_n = 2: the tie covers ranks 2..3 and straddles 2.
    ranking = single({1: 9, 2: 8, 3: 8, 4: 1}, top_n=2)
    assert summary(ranking.rows) == [
        (1, 1, False, True),
        (2, 2, True, True),
        (3, 2, True, True),
        (4, 4, False, False),
    ]
    assert ranking.warnings == (RankingWarning("boundary_tie", (2, 3)),)


def test_rank_tie_ending_at_top_n_does_not_warn() -> None:
    ranking = single({1: 9, 2: 8, 3: 8, 4: 1}, top_n=3)
    assert [r.awarded for r in ranking.rows] == [True, True, True, False]
    assert ranking.warnings == ()


def test_rank_tie_below_top_n_is_not_awarded() -> None:
    ranking = single({1: 9, 2: 8, 3: 8}, top_n=1)
    assert [r.awarded for r in ranking.rows] == [True, False, False]
    assert ranking.warnings == ()


def test_rank_entries_without_sheets_come_last_by_entry_id() -> None:
    entries = [Entry(e, 1) for e in (5, 1, 3, 2)]
    sheets = [Sheet(1, 3, {"X": 2}), Sheet(1, 2, {"X": 7})]
    ranking = rank(ONE, P1, J1, entries, sheets)
    assert [r.entry_id for r in ranking.rows] == [2, 3, 1, 5]
    unscored = by_entry(ranking)[5]
    assert unscored == RankingRow(
        entry_id=5,
        rank=None,
        score=None,
        panel_scores={},
        sheet_count=0,
        expected_sheet_count=1,
        complete=False,
        tied=False,
        awarded=False,
        keys=(),
        decided_by=None,
    )


def test_rank_panel_missing_warns_for_scored_entries() -> None:
    panels = [Panel(1, "K", 1), Panel(2, "L", 1)]
    jurors = [Juror(1, 1), Juror(2, 2)]
    entries = [Entry(1, 1), Entry(2, 1), Entry(3, 1)]
    sheets = [Sheet(1, 1, {"X": 6}), Sheet(2, 1, {"X": 8}), Sheet(1, 2, {"X": 5})]
    ranking = rank(ONE, panels, jurors, entries, sheets)
    rows = by_entry(ranking)
    # E2 is scored by K only: S = P(K) = 50 over the panels that have a score.
    assert rows[2].panel_scores == {"K": 50.0}
    assert rows[2].score == pytest.approx(50.0)
    assert rows[1].panel_scores == {"K": 60.0, "L": 80.0}
    # E3 has no score at all, so it is not "missing a panel".
    assert ranking.warnings == (RankingWarning("panel_missing", (2,)),)


def test_rank_no_eligible_juror() -> None:
    jurors = [Juror(1, 1), Juror(2, 1)]
    entries = [Entry(1, 10), Entry(2, 20)]
    sheets = [Sheet(1, 1, {"X": 6}), Sheet(1, 2, {"X": 6})]
    ranking = rank(ONE, P1, jurors, entries, sheets, conflicts=[(1, 20), (2, 20)])
    row = by_entry(ranking)[2]
    assert (row.expected_sheet_count, row.sheet_count, row.complete) == (0, 0, True)
    assert (row.score, row.rank, row.panel_scores) == (None, None, {})
    assert ranking.warnings == (RankingWarning("no_eligible_juror", (2,)),)


def test_rank_conflicted_jurors_sheets_are_ignored() -> None:
    jurors = [Juror(1, 1), Juror(2, 1), Juror(3, 1)]
    entries = [Entry(1, 10), Entry(2, 20)]
    sheets = [
        Sheet(1, 1, {"X": 2}),
        Sheet(2, 1, {"X": 4}),
        Sheet(3, 1, {"X": 10}),  # juror 3 is conflicted with OPD 10
        Sheet(3, 2, {"X": 10}),
    ]
    ranking = rank(ONE, P1, jurors, entries, sheets, conflicts=[(3, 10)])
    rows = by_entry(ranking)
    # E1: (20 + 40) / 2 = 30, two of two expected sheets; E2: 100, one of three.
    assert rows[1].score == pytest.approx(30.0)
    assert (rows[1].sheet_count, rows[1].expected_sheet_count, rows[1].complete) == (2, 2, True)
    assert (rows[2].sheet_count, rows[2].expected_sheet_count, rows[2].complete) == (1, 3, False)


def test_rank_recusal_removes_juror_from_entry() -> None:
    jurors = [Juror(1, 1), Juror(2, 1)]
    entries = [Entry(1, 10), Entry(2, 10)]
    sheets = [Sheet(1, 1, {"X": 2}), Sheet(2, 1, {"X": 4}), Sheet(2, 2, {"X": 4})]
    ranking = rank(ONE, P1, jurors, entries, sheets, recusals=[(2, 1)])
    rows = by_entry(ranking)
    assert rows[1].score == pytest.approx(20.0)
    assert (rows[1].sheet_count, rows[1].expected_sheet_count) == (1, 1)
    assert (rows[2].sheet_count, rows[2].expected_sheet_count) == (1, 2)


def test_rank_assignments_limit_who_judges_what() -> None:
    jurors = [Juror(1, 1), Juror(2, 1), Juror(3, 1)]
    entries = [Entry(1, 10), Entry(2, 10)]
    sheets = [
        Sheet(1, 1, {"X": 2}),
        Sheet(2, 1, {"X": 4}),  # not assigned: ignored
        Sheet(3, 2, {"X": 6}),
    ]
    assignments = [(1, 1), (3, 1), (3, 2), (2, 2)]
    ranking = rank(ONE, P1, jurors, entries, sheets, assignments=assignments, conflicts=[(3, 99)])
    rows = by_entry(ranking)
    assert rows[1].score == pytest.approx(20.0)
    assert (rows[1].sheet_count, rows[1].expected_sheet_count, rows[1].complete) == (1, 2, False)
    assert (rows[2].sheet_count, rows[2].expected_sheet_count) == (1, 2)


def test_rank_assignment_of_conflicted_juror_does_not_count() -> None:
    jurors = [Juror(1, 1), Juror(2, 1)]
    entries = [Entry(1, 10)]
    sheets = [Sheet(1, 1, {"X": 2}), Sheet(2, 1, {"X": 4})]
    ranking = rank(
        ONE, P1, jurors, entries, sheets, assignments=[(1, 1), (2, 1)], conflicts=[(2, 10)]
    )
    row = ranking.rows[0]
    assert (row.score, row.sheet_count, row.expected_sheet_count) == (pytest.approx(20.0), 1, 1)


def test_rank_empty_assignments_means_nobody_is_eligible() -> None:
    ranking = rank(ONE, P1, J1, [Entry(1, 1)], [Sheet(1, 1, {"X": 5})], assignments=[])
    assert (ranking.rows[0].score, ranking.rows[0].expected_sheet_count) == (None, 0)
    assert ranking.warnings == (RankingWarning("no_eligible_juror", (1,)),)


def test_rank_warnings_come_in_contract_order() -> None:
    panels = [Panel(1, "K", 1), Panel(2, "L", 1)]
    jurors = [Juror(1, 1), Juror(2, 2)]
    entries = [Entry(1, 1), Entry(2, 1), Entry(3, 2)]
    sheets = [Sheet(1, 1, {"X": 5}), Sheet(1, 2, {"X": 5})]
    conflicts = [(1, 2), (2, 2)]
    ranking = rank(ONE, panels, jurors, entries, sheets, top_n=1, conflicts=conflicts)
    assert ranking.warnings == (
        RankingWarning("boundary_tie", (1, 2)),
        RankingWarning("panel_missing", (1, 2)),
        RankingWarning("no_eligible_juror", (3,)),
    )


def test_explain_shows_the_tie_break_that_decided() -> None:
    entries = [Entry(1, 1), Entry(2, 1)]
    sheets = [Sheet(1, 1, {"A": 6, "B": 4, "C": 5}), Sheet(1, 2, {"A": 4, "B": 6, "C": 5})]
    ex = explain(ABC, P1, J1, entries, sheets, 2)
    # Both total 50; A gives 60 to E1 and 40 to E2, so E2 is second, decided by A.
    assert (ex.row.rank, ex.row.tied, ex.decided_by) == (2, False, "A")
    assert ex.tie_break_keys == pytest.approx({"A": 40.0, "B": 60.0})
    assert ex.row.keys == pytest.approx((50.0, 40.0))


def test_explain_unscored_entry_has_no_keys() -> None:
    ex = explain(ABC, P1, J1, [Entry(1, 1)], [], 1)
    assert (ex.score, ex.decided_by, ex.tie_break_keys, ex.jurors) == (None, None, {}, ())
    assert ex.panel_weights == {"P": 1}
