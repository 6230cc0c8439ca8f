"""Steps 1 to 3 of docs/scoring.md on cases small enough to check by hand."""

import math

import pytest

import scoring
from scoring import (
    Criterion,
    Eligibility,
    Entry,
    Juror,
    Method,
    Panel,
    Ranking,
    RankingRow,
    Sheet,
    explain,
    rank,
)

# Entry E1 of docs/scoring.md's worked example: A (weight 3, tie-break 1) and B (weight 1),
# both 0..10; panels K and L (weight 1 each); k1, k2 in K and l1 in L.
EX_CRITERIA = [Criterion(1, "A", 3, 0, 10, 1), Criterion(2, "B", 1, 0, 10)]
EX_PANELS = [Panel(1, "K", 1), Panel(2, "L", 1)]
EX_JURORS = [Juror(11, 1), Juror(12, 1), Juror(21, 2)]
EX_ENTRIES = [Entry(1, 100)]
EX_SHEETS = [
    Sheet(11, 1, {"A": 8, "B": 6}),  # T = 100 * (3*0.8 + 1*0.6) / 4 = 75
    Sheet(12, 1, {"A": 6, "B": 10}),  # T = 100 * (3*0.6 + 1*1.0) / 4 = 70
    Sheet(21, 1, {"A": 7, "B": 7}),  # T = 100 * (3*0.7 + 1*0.7) / 4 = 70
]

# One criterion X, 0..10, so that T(j, e) = 10 * s(j, e, X).
ONE = [Criterion(1, "X", 1, 0, 10)]


def only_row(ranking: Ranking) -> RankingRow:
    assert len(ranking.rows) == 1
    return ranking.rows[0]


def one_panel(scores: list[float]) -> tuple[list[Juror], list[Sheet]]:
    """One juror per score, all judging entry 1 for panel 1."""
    jurors = [Juror(j + 1, 1) for j in range(len(scores))]
    sheets = [Sheet(j + 1, 1, {"X": s}) for j, s in enumerate(scores)]
    return jurors, sheets


def by_entry(ranking: Ranking) -> dict[int, RankingRow]:
    return {r.entry_id: r for r in ranking.rows}


def test_rank_worked_example_mean() -> None:
    row = only_row(rank(EX_CRITERIA, EX_PANELS, EX_JURORS, EX_ENTRIES, EX_SHEETS))
    # P(K) = (75 + 70) / 2 = 72.5, P(L) = 70, S = (72.5 + 70) / 2 = 71.25
    assert row.panel_scores == pytest.approx({"K": 72.5, "L": 70.0}, abs=1e-12)
    assert row.score == pytest.approx(71.25, abs=1e-12)
    assert (row.rank, row.tied, row.awarded, row.complete) == (1, False, True, True)
    assert (row.sheet_count, row.expected_sheet_count) == (3, 3)


@pytest.mark.parametrize(
    "method",
    [
        # K has two values: median = (70 + 75) / 2 = 72.5; L: 70; S = 71.25
        "median",
        # Fewer than 3 values in each panel, so trimmed is the mean: 72.5, 70, S = 71.25
        "trimmed",
        # n_j = 1 < m = 5 for every juror, so T' = T and the numbers are those of the mean.
        "zscore",
    ],
    ids=["median", "trimmed", "zscore_below_min_sheets"],
)
def test_rank_worked_example_is_the_means_for(method: str) -> None:
    ranking = rank(EX_CRITERIA, EX_PANELS, EX_JURORS, EX_ENTRIES, EX_SHEETS, method=method)
    row = only_row(ranking)
    assert row.panel_scores == pytest.approx({"K": 72.5, "L": 70.0}, abs=1e-12)
    assert row.score == pytest.approx(71.25, abs=1e-12)


def test_rank_worked_example_zscore_with_flat_jurors() -> None:
    ranking = rank(
        EX_CRITERIA,
        EX_PANELS,
        EX_JURORS,
        EX_ENTRIES,
        EX_SHEETS,
        method="zscore",
        zscore_min_sheets=1,
    )
    row = only_row(ranking)
    # mu = (75 + 70 + 70) / 3 = 71.6667; each juror has one value, so sigma_j = 0 <= 1e-9
    # and T' = mu + (T - mu_j) = mu + 0 = 71.6667 for all three; P(K) = P(L) = S = 215 / 3.
    assert row.panel_scores == pytest.approx({"K": 215 / 3, "L": 215 / 3}, abs=1e-9)
    assert row.score == pytest.approx(215 / 3, abs=1e-9)


def test_rank_mean_hand_case() -> None:
    jurors, sheets = one_panel([2, 10, 5, 7, 4])
    ranking = rank(ONE, [Panel(1, "P", 1)], jurors, [Entry(1, 1)], sheets)
    # T = 20, 100, 50, 70, 40; mean = 280 / 5 = 56
    assert only_row(ranking).score == pytest.approx(56.0, abs=1e-12)


def test_rank_median_odd_count() -> None:
    jurors, sheets = one_panel([2, 10, 5, 7, 4])
    ranking = rank(ONE, [Panel(1, "P", 1)], jurors, [Entry(1, 1)], sheets, method="median")
    # sorted T = 20, 40, 50, 70, 100: the middle one is 50
    assert only_row(ranking).score == pytest.approx(50.0, abs=1e-12)


def test_rank_median_even_count() -> None:
    jurors, sheets = one_panel([2, 10, 5, 7])
    ranking = rank(ONE, [Panel(1, "P", 1)], jurors, [Entry(1, 1)], sheets, method="median")
    # sorted T = 20, 50, 70, 100: the mean of the two middle values is (50 + 70) / 2 = 60
    assert only_row(ranking).score == pytest.approx(60.0, abs=1e-12)


def test_rank_trimmed_drops_extremes_from_three_values() -> None:
    jurors, sheets = one_panel([2, 10, 5, 7, 4])
    ranking = rank(ONE, [Panel(1, "P", 1)], jurors, [Entry(1, 1)], sheets, method="trimmed")
    # drop 20 and 100: (40 + 50 + 70) / 3 = 53.333...
    assert only_row(ranking).score == pytest.approx(160 / 3, abs=1e-12)


def test_rank_trimmed_with_exactly_three_values_keeps_the_middle() -> None:
    jurors, sheets = one_panel([2, 10, 7])
    ranking = rank(ONE, [Panel(1, "P", 1)], jurors, [Entry(1, 1)], sheets, method="trimmed")
    # drop 20 and 100: 70 remains
    assert only_row(ranking).score == pytest.approx(70.0, abs=1e-12)


def test_rank_trimmed_below_three_values_is_the_mean() -> None:
    jurors, sheets = one_panel([2, 10])
    ranking = rank(ONE, [Panel(1, "P", 1)], jurors, [Entry(1, 1)], sheets, method="trimmed")
    # len(X) = 2 < 3: mean of 20 and 100 = 60
    assert only_row(ranking).score == pytest.approx(60.0, abs=1e-12)


def test_rank_total_uses_weights_and_ranges() -> None:
    criteria = [Criterion(1, "A", 2, 1, 5), Criterion(2, "B", 1, -10, 10)]
    sheets = [Sheet(1, 1, {"A": 4, "B": 0})]
    ranking = rank(criteria, [Panel(1, "P", 1)], [Juror(1, 1)], [Entry(1, 1)], sheets)
    # q(A) = (4 - 1) / 4 = 0.75, q(B) = (0 + 10) / 20 = 0.5; T = 100 * (2*0.75 + 0.5) / 3
    assert only_row(ranking).score == pytest.approx(200 / 3, abs=1e-12)


def test_rank_panel_weights_weigh_the_panels() -> None:
    panels = [Panel(1, "K", 3), Panel(2, "L", 1)]
    ranking = rank(EX_CRITERIA, panels, EX_JURORS, EX_ENTRIES, EX_SHEETS)
    # S = (3 * 72.5 + 1 * 70) / 4 = 71.875
    assert only_row(ranking).score == pytest.approx(71.875, abs=1e-12)


# zscore, m = 3, one panel, X 0..10 (T = 10 s):
#   j1 (normal): E1 2, E2 4, E3 6  -> T 20, 40, 60; n = 3, mu_j = 40, sigma_j = sqrt(800/3)
#   j2 (flat):   E1 5, E2 5, E3 5  -> T 50, 50, 50; n = 3, mu_j = 50, sigma_j = 0
#   j3 (few):    E1 9, E4 8        -> T 90, 80;     n = 2 < 3, so T' = T
# All values: 20 40 60 50 50 50 90 80 -> mu = 440 / 8 = 55,
#   squared deviations 1225 225 25 25 25 25 1225 625 = 3400 -> sigma = sqrt(3400 / 8) = sqrt(425)
# r = sigma / sigma_j = sqrt(425 * 3 / 800)
#   j1: T' = 55 + r * (T - 40) -> 55 - 20 r, 55, 55 + 20 r
#   j2: T' = 55 + (50 - 50) = 55
# P(E1) = (55 - 20 r + 55 + 90) / 3, P(E2) = (55 + 55) / 2, P(E3) = (55 + 20 r + 55) / 2, P(E4) = 80
Z_SHEETS = [
    Sheet(1, 1, {"X": 2}),
    Sheet(1, 2, {"X": 4}),
    Sheet(1, 3, {"X": 6}),
    Sheet(2, 1, {"X": 5}),
    Sheet(2, 2, {"X": 5}),
    Sheet(2, 3, {"X": 5}),
    Sheet(3, 1, {"X": 9}),
    Sheet(3, 4, {"X": 8}),
]
Z_JURORS = [Juror(1, 1), Juror(2, 1), Juror(3, 1)]
Z_ENTRIES = [Entry(e, 1) for e in (1, 2, 3, 4)]
R = math.sqrt(425 * 3 / 800)


def test_rank_zscore_normal_flat_and_few_sheet_jurors() -> None:
    ranking = rank(
        ONE, [Panel(1, "P", 1)], Z_JURORS, Z_ENTRIES, Z_SHEETS, method="zscore", zscore_min_sheets=3
    )
    rows = by_entry(ranking)
    assert rows[1].score == pytest.approx((200 - 20 * R) / 3, abs=1e-9)
    assert rows[2].score == pytest.approx(55.0, abs=1e-9)
    assert rows[3].score == pytest.approx(55 + 10 * R, abs=1e-9)
    assert rows[4].score == pytest.approx(80.0, abs=1e-9)
    # 80 > 67.62 > 58.25 > 55
    assert [r.entry_id for r in ranking.rows] == [4, 3, 1, 2]
    assert [r.rank for r in ranking.rows] == [1, 2, 3, 4]


def test_explain_zscore_shows_adjusted_totals() -> None:
    ex = explain(
        ONE,
        [Panel(1, "P", 1)],
        Z_JURORS,
        Z_ENTRIES,
        Z_SHEETS,
        1,
        method="zscore",
        zscore_min_sheets=3,
    )
    got = {t.juror_id: (t.total, t.adjusted) for t in ex.jurors}
    assert got[1] == pytest.approx((20.0, 55 - 20 * R), abs=1e-9)
    assert got[2] == pytest.approx((50.0, 55.0), abs=1e-9)
    assert got[3] == pytest.approx((90.0, 90.0), abs=1e-12)


def test_rank_zscore_without_min_sheets_is_the_mean() -> None:
    mean = rank(ONE, [Panel(1, "P", 1)], Z_JURORS, Z_ENTRIES, Z_SHEETS)
    zscore = rank(
        ONE, [Panel(1, "P", 1)], Z_JURORS, Z_ENTRIES, Z_SHEETS, method="zscore", zscore_min_sheets=4
    )
    # Every n_j < 4, so T' = T everywhere: E1 (20 + 50 + 90) / 3, E2 45, E3 55, E4 80.
    assert [r.score for r in zscore.rows] == pytest.approx([r.score for r in mean.rows], abs=1e-12)
    assert by_entry(zscore)[1].score == pytest.approx(160 / 3, abs=1e-12)


def test_rank_zscore_nearly_flat_juror_is_shifted_not_scaled() -> None:
    # m = 2. j1 gives E1 5 and E2 5 + 1e-11 (T 50 and 50 + 1e-10): sigma_j = 5e-11 <= 1e-9,
    # so T' = mu + (T - mu_j), about mu = 50 for both. j2 gives 2 and 8 (T 20, 80):
    # mu_j = 50, sigma_j = 30. All values: mu = 50 (+2.5e-11), sigma = sqrt(4 * 30^2 / 4 / 2)
    # = sqrt(450). j2: T' = 50 -+ sqrt(450) * 30 / 30. P(E1) = (50 + 50 - sqrt(450)) / 2.
    jurors = [Juror(1, 1), Juror(2, 1)]
    sheets = [
        Sheet(1, 1, {"X": 5}),
        Sheet(1, 2, {"X": 5 + 1e-11}),
        Sheet(2, 1, {"X": 2}),
        Sheet(2, 2, {"X": 8}),
    ]
    entries = [Entry(1, 1), Entry(2, 1)]
    ranking = rank(
        ONE, [Panel(1, "P", 1)], jurors, entries, sheets, method="zscore", zscore_min_sheets=2
    )
    rows = by_entry(ranking)
    assert rows[1].score == pytest.approx(50 - math.sqrt(450) / 2, abs=1e-6)
    assert rows[2].score == pytest.approx(50 + math.sqrt(450) / 2, abs=1e-6)


def test_explain_zscore_is_not_clamped() -> None:
    # j1 gives 0, 0, 10 and j2 gives 10, 10, 10 to E1, E2, E3 (T = 10 s).
    jurors = [Juror(1, 1), Juror(2, 1)]
    sheets = [Sheet(1, e, {"X": s}) for e, s in ((1, 0), (2, 0), (3, 10))] + [
        Sheet(2, e, {"X": 10}) for e in (1, 2, 3)
    ]
    entries = [Entry(e, 1) for e in (1, 2, 3)]
    ex = explain(
        ONE, [Panel(1, "P", 1)], jurors, entries, sheets, 3, method="zscore", zscore_min_sheets=1
    )
    # values 0 0 100 100 100 100: mu = 400/6, sigma^2 = (2 (400/6)^2 + 4 (200/6)^2) / 6 = 20000/9
    # j1: mu_1 = 100/3, sigma_1^2 = (2 (100/3)^2 + (200/3)^2) / 3 = 20000/9 = sigma^2
    # T'(j1, E3) = 400/6 + (100 - 100/3) * 1 = 400/3 = 133.33 > 100: not clamped.
    # j2 is flat: T'(j2, E3) = mu + (100 - 100) = 400/6.
    adjusted = {t.juror_id: t.adjusted for t in ex.jurors}
    assert adjusted == pytest.approx({1: 400 / 3, 2: 400 / 6}, abs=1e-9)
    assert ex.score == pytest.approx((400 / 3 + 400 / 6) / 2, abs=1e-9)


def test_rank_unknown_method_raises() -> None:
    with pytest.raises(ValueError, match="unknown method"):
        rank(EX_CRITERIA, EX_PANELS, EX_JURORS, EX_ENTRIES, EX_SHEETS, method="average")


def test_rank_accepts_plain_tuples_and_generators() -> None:
    plain = ((s.juror_id, s.entry_id, dict(s.scores)) for s in EX_SHEETS)
    row = only_row(rank(EX_CRITERIA, EX_PANELS, EX_JURORS, EX_ENTRIES, plain))
    assert row.score == pytest.approx(71.25, abs=1e-12)


def test_explain_contributions_add_up_to_total() -> None:
    ex = explain(EX_CRITERIA, EX_PANELS, EX_JURORS, EX_ENTRIES, EX_SHEETS, 1)
    assert [t.juror_id for t in ex.jurors] == [11, 12, 21]
    assert [t.panel_id for t in ex.jurors] == [1, 1, 2]
    # k1: A 100*3*0.8/4 = 60, B 100*1*0.6/4 = 15 -> 75
    assert ex.jurors[0].contributions == pytest.approx({"A": 60.0, "B": 15.0}, abs=1e-12)
    for t in ex.jurors:
        assert math.fsum(t.contributions.values()) == pytest.approx(t.total, abs=1e-9)
        assert t.adjusted is None
    assert [t.total for t in ex.jurors] == pytest.approx([75.0, 70.0, 70.0], abs=1e-12)


def test_explain_score_equals_weighted_panel_formula() -> None:
    panels = [Panel(1, "K", 3), Panel(2, "L", 1)]
    ex = explain(EX_CRITERIA, panels, EX_JURORS, EX_ENTRIES, EX_SHEETS, 1)
    assert ex.panel_weights == {"K": 3, "L": 1}
    num = sum(ex.panel_weights[p] * v for p, v in ex.panel_scores.items())
    assert ex.score == pytest.approx(num / sum(ex.panel_weights[p] for p in ex.panel_scores))
    assert ex.score == pytest.approx(71.875, abs=1e-12)
    assert ex.score == ex.row.score
    # C(A, E1): 100 q(A) = 80, 60 in K (mean 70) and 70 in L: (3 * 70 + 70) / 4 = 70
    assert ex.tie_break_keys == pytest.approx({"A": 70.0}, abs=1e-12)
    assert ex.decided_by == "score"


def test_explain_unknown_entry_raises() -> None:
    with pytest.raises(ValueError, match="unknown entry"):
        explain(EX_CRITERIA, EX_PANELS, EX_JURORS, EX_ENTRIES, EX_SHEETS, 99)


def test_rank_sheet_for_unknown_entry_raises() -> None:
    with pytest.raises(ValueError, match="unknown entry 7"):
        rank(EX_CRITERIA, EX_PANELS, EX_JURORS, EX_ENTRIES, [*EX_SHEETS, Sheet(11, 7, {})])


def test_rank_sheet_by_unknown_juror_raises() -> None:
    with pytest.raises(ValueError, match="unknown juror 99"):
        rank(EX_CRITERIA, EX_PANELS, EX_JURORS, EX_ENTRIES, [*EX_SHEETS, Sheet(99, 1, {})])


def test_rank_duplicate_sheet_raises() -> None:
    with pytest.raises(ValueError, match="juror 12 has more than one sheet for entry 1"):
        rank(EX_CRITERIA, EX_PANELS, EX_JURORS, EX_ENTRIES, [*EX_SHEETS, EX_SHEETS[1]])


def test_rank_sheet_missing_a_criterion_raises() -> None:
    sheets = [Sheet(11, 1, {"A": 8})]
    with pytest.raises(ValueError, match="no score for criterion 'B'"):
        rank(EX_CRITERIA, EX_PANELS, EX_JURORS, EX_ENTRIES, sheets)


@pytest.mark.parametrize("bad", [math.nan, math.inf, "7"])
def test_rank_non_numeric_or_infinite_score_raises(bad: object) -> None:
    sheets = [Sheet(11, 1, {"A": 8, "B": bad})]  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="sheet scores must be"):
        rank(EX_CRITERIA, EX_PANELS, EX_JURORS, EX_ENTRIES, sheets)


@pytest.mark.parametrize(
    ("criteria", "panels", "message"),
    [
        ([Criterion(1, "A", 0, 0, 10)], EX_PANELS, "weight must be > 0"),
        ([Criterion(1, "A", 1, 10, 10)], EX_PANELS, "max_score must exceed min_score"),
        ([Criterion(1, "A", 1, 0, 10), Criterion(2, "A", 1, 0, 10)], EX_PANELS, "criterion code"),
        (EX_CRITERIA, [Panel(1, "K", 1), Panel(2, "K", 1)], "panel name"),
        (EX_CRITERIA, [Panel(1, "K", -1), Panel(2, "L", 1)], "weight must be > 0"),
    ],
)
def test_rank_invalid_convention_raises(
    criteria: list[Criterion], panels: list[Panel], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        rank(criteria, panels, EX_JURORS, EX_ENTRIES, [])


@pytest.mark.parametrize("method", ["mean", "zscore"])
def test_values_for_a_few_entries_match_the_full_column(method: str) -> None:
    # Tie-break values are computed on demand when few sheets are needed, as a full column
    # otherwise; both ways must give the same numbers, bit for bit.
    import random

    from scoring._engine import Engine

    rnd = random.Random(5)
    criteria = [Criterion(1, "A", 2, 0, 10, 1), Criterion(2, "B", 1, -5, 5, 2)]
    panels = [Panel(1, "K", 1), Panel(2, "L", 2)]
    jurors = [Juror(j, 1 + j % 2) for j in range(1, 9)]
    entries = [Entry(e, e % 3) for e in range(1, 41)]
    sheets = [
        Sheet(j.id, e.id, {"A": rnd.randint(0, 10), "B": rnd.uniform(-5, 5)})
        for j in jurors
        for e in entries
        if rnd.random() < 0.8
    ]
    engine = Engine(criteria, panels, jurors, entries, sheets, Eligibility.of(conflicts=[(3, 1)]))
    method = Method(method)
    for criterion in (None, *criteria):
        full = engine.values(method, 5, criterion)
        few = engine.values(method, 5, criterion, wanted=1)
        for sl in engine.groups.values():
            assert few(sl) == full(sl)
    if method == "zscore":
        # and T' is not T here: the jurors are shifted and scaled
        sl = next(iter(engine.groups.values()))
        assert engine.values(method, 5)(sl) != engine.totals[sl].tolist()


def test_every_method_has_its_own_indonesian_label() -> None:
    # The berita acara prints it: a new method without one fails here, not at a ceremony.
    labels = {m: m.label for m in scoring.METHODS}
    assert labels[scoring.Method.TRIMMED] == "rata-rata terpangkas"
    assert len(set(labels.values())) == len(scoring.METHODS)
