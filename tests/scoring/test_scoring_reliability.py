"""Step 9 of docs/scoring.md: leniency and Krippendorff's alpha, by hand, against the naive
reference and against the `krippendorff` package."""

import doctest
import math

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scoring.reliability
from scoring import (
    Alpha,
    Criterion,
    Entry,
    Juror,
    JurorLeniency,
    Panel,
    PanelAlpha,
    Sheet,
    juror_totals,
    krippendorff_alpha,
    leniency,
    stage_agreement,
)
from tests.scoring.reference import naive_alpha, naive_leniency

Total = tuple[int, int, float]


def close(a: float | None, b: float | None, tol: float = 1e-9) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


def test_reliability_docstring_examples_run() -> None:
    result = doctest.testmod(scoring.reliability)
    assert result.attempted >= 3
    assert result.failed == 0


# ---------------------------------------------------------------------------------------
# Leniency.


def test_leniency_against_the_others_on_each_entry() -> None:
    totals = [
        (1, 10, 80.0),
        (2, 10, 70.0),
        (3, 10, 60.0),  # d: 80 - 65 = 15, 70 - 70 = 0, 60 - 75 = -15
        (1, 11, 50.0),
        (3, 11, 40.0),  # d: 50 - 40 = 10, 40 - 50 = -10
        (2, 12, 90.0),  # alone: no d
    ]
    assert leniency(totals) == [
        JurorLeniency(1, 12.5, 2),
        JurorLeniency(2, 0.0, 1),
        JurorLeniency(3, -12.5, 2),
    ]


def test_leniency_is_null_without_a_shared_entry() -> None:
    assert leniency([(5, 1, 70.0), (4, 2, 60.0)]) == [
        JurorLeniency(4, None, 0),
        JurorLeniency(5, None, 0),
    ]
    assert leniency([]) == []


def test_leniency_refuses_two_totals_of_one_juror_for_one_entry() -> None:
    with pytest.raises(ValueError, match="juror 1 has more than one total for entry 2"):
        leniency([(1, 2, 50.0), (1, 2, 60.0)])


def test_leniency_refuses_a_total_that_is_not_finite() -> None:
    with pytest.raises(ValueError, match="finite"):
        leniency([(1, 2, math.nan)])


# ---------------------------------------------------------------------------------------
# Krippendorff's alpha, by hand.

# Krippendorff (2011), section C: 4 observers, 12 units, values 1..5, some missing
# (None). The paper's interval alpha is 0.849.
PAPER: list[list[float | None]] = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def triples(matrix: list[list[float | None]]) -> list[Total]:
    """Reliability data (rows coders, columns units) as (coder, unit, value) triples."""
    return [
        (coder, unit, float(v))
        for coder, row in enumerate(matrix)
        for unit, v in enumerate(row)
        if v is not None
    ]


def test_alpha_of_the_paper_example_is_0_849() -> None:
    got = krippendorff_alpha(triples(PAPER))
    # Unit 12 has one value: not pairable, so 11 units.
    assert got.pairable_entries == 11
    assert got.krippendorff_alpha is not None
    assert round(got.krippendorff_alpha, 3) == 0.849


def test_alpha_two_units_by_hand() -> None:
    # Units {80, 70}, {50, 40}; n = 4. Ordered pairs: each unit 2 * 10^2 = 200, over
    # m_u - 1 = 1: D_o = 400 / 4 = 100. All values: 2 * (100 + 900 + 1600 + 400 + 900 + 100)
    # = 8000 over 4 * 3: D_e = 2000 / 3. alpha = 1 - 300 / 2000 = 0.85.
    got = krippendorff_alpha([(1, 10, 80.0), (2, 10, 70.0), (1, 11, 50.0), (2, 11, 40.0)])
    assert got.pairable_entries == 2
    assert got.krippendorff_alpha == pytest.approx(0.85, abs=1e-12)


def test_alpha_perfect_agreement_is_one() -> None:
    got = krippendorff_alpha([(j, e, 10.0 * e) for j in (1, 2, 3) for e in (1, 2, 3)])
    assert got == Alpha(1.0, 3)


def test_alpha_is_null_with_one_unit() -> None:
    assert krippendorff_alpha([(1, 1, 50.0), (2, 1, 70.0)]) == Alpha(None, 1)


def test_alpha_is_null_without_units() -> None:
    assert krippendorff_alpha([]) == Alpha(None, 0)
    assert krippendorff_alpha([(1, 1, 50.0), (1, 2, 70.0)]) == Alpha(None, 0)


def test_alpha_is_null_when_every_value_is_equal() -> None:
    assert krippendorff_alpha([(j, e, 0.1) for j in (1, 2, 3) for e in (1, 2)]) == Alpha(None, 2)


def test_alpha_is_null_when_d_e_is_zero_though_a_lone_value_differs() -> None:
    # Unit 3's single value is not pairable, so every pairable value is 70: D_e = 0.
    values = [(1, 1, 70.0), (2, 1, 70.0), (1, 2, 70.0), (2, 2, 70.0), (1, 3, 10.0)]
    assert krippendorff_alpha(values) == Alpha(None, 2)


def test_alpha_ignores_a_unit_with_one_value() -> None:
    base = [(1, 1, 80.0), (2, 1, 70.0), (1, 2, 50.0), (2, 2, 45.0), (3, 2, 40.0)]
    assert krippendorff_alpha([*base, (3, 9, 0.0)]) == krippendorff_alpha(base)


def test_alpha_below_zero_when_disagreement_exceeds_chance() -> None:
    # Within each unit the jurors are as far apart as anywhere: systematic disagreement.
    got = krippendorff_alpha([(1, 1, 0.0), (2, 1, 100.0), (1, 2, 100.0), (2, 2, 0.0)])
    # D_o = (2 * 10^4 + 2 * 10^4) / 4 = 10^4; D_e = 8 * 10^4 / 12; alpha = 1 - 1.5.
    assert got.krippendorff_alpha == pytest.approx(-0.5, abs=1e-12)


def test_alpha_keeps_the_spread_of_large_values() -> None:
    # Near 1e6 the spread is 1e-6: subtracting a mean there would lose most of it.
    values = [(j, e, 1e6 + 1e-6 * (e * 3 + j)) for j in (1, 2, 3) for e in range(5)]
    alpha, pairable = naive_alpha(values)
    got = krippendorff_alpha(values)
    assert got.pairable_entries == pairable == 5
    assert close(got.krippendorff_alpha, alpha)


def test_alpha_refuses_two_values_of_one_juror_for_one_entry() -> None:
    with pytest.raises(ValueError, match="more than one total"):
        krippendorff_alpha([(1, 1, 1.0), (1, 1, 2.0)])


# ---------------------------------------------------------------------------------------
# Against the krippendorff package and the naive reference, on random data.

VALUES = st.one_of(
    st.integers(0, 10).map(float),
    st.integers(0, 10_000).map(lambda i: i / 100),
    st.floats(0, 100, allow_subnormal=False).filter(lambda x: x == 0 or x > 1e-3),
    st.integers(-1000, 1000).map(lambda i: 1e6 + i / 8),
)


@st.composite
def reliability_data(draw: st.DrawFn) -> list[list[float | None]]:
    """Rows coders, columns units; None missing. One value scale per matrix."""
    coders = draw(st.integers(1, 6))
    units = draw(st.integers(1, 12))
    scale = draw(st.sampled_from([1.0, 1.0, 0.01, 1000.0]))
    cell = st.one_of(st.none(), VALUES.map(lambda v: v * scale))
    return [draw(st.lists(cell, min_size=units, max_size=units)) for _ in range(coders)]


@st.composite
def shuffled_values(draw: st.DrawFn) -> tuple[list[Total], list[Total]]:
    """Reliability data's triples, then the same triples in another order."""
    values = triples(draw(reliability_data()))
    return values, draw(st.permutations(values))


def package_alpha(matrix: list[list[float | None]]) -> float | None:
    data = np.array([[np.nan if v is None else v for v in row] for row in matrix], dtype=float)
    try:
        return float(krippendorff.alpha(reliability_data=data, level_of_measurement="interval"))
    except ValueError:
        # It refuses data with a single value or without a pairable unit.
        return None


@settings(max_examples=300, deadline=None)
@given(reliability_data())
def test_alpha_matches_the_krippendorff_package(matrix: list[list[float | None]]) -> None:
    got = krippendorff_alpha(triples(matrix))
    units = sum(1 for col in zip(*matrix, strict=True) if sum(v is not None for v in col) >= 2)
    assert got.pairable_entries == units
    if got.krippendorff_alpha is None:
        return
    theirs = package_alpha(matrix)
    assert theirs is not None
    assert close(got.krippendorff_alpha, theirs), (got, theirs)


@settings(max_examples=200, deadline=None)
@given(reliability_data())
def test_alpha_matches_the_naive_pairs(matrix: list[list[float | None]]) -> None:
    values = triples(matrix)
    alpha, pairable = naive_alpha(values)
    got = krippendorff_alpha(values)
    assert got.pairable_entries == pairable
    assert close(got.krippendorff_alpha, alpha), (got, alpha)


@settings(max_examples=200, deadline=None)
@given(shuffled_values())
def test_leniency_matches_the_naive_reference(values: tuple[list[Total], list[Total]]) -> None:
    _, shuffled = values
    want = naive_leniency(shuffled)
    got = leniency(shuffled)
    assert [r.juror_id for r in got] == sorted(want)
    for row in got:
        value, n = want[row.juror_id]
        assert row.leniency_n == n
        assert close(row.leniency, value, 1e-9), (row, value)


@settings(max_examples=100, deadline=None)
@given(shuffled_values())
def test_alpha_does_not_depend_on_the_order_of_values(
    values: tuple[list[Total], list[Total]],
) -> None:
    listed, shuffled = values
    assert krippendorff_alpha(shuffled) == krippendorff_alpha(listed)


# ---------------------------------------------------------------------------------------
# One stage's agreement.

KL = [Panel(2, "L", 1.0), Panel(1, "K", 2.0)]


def test_stage_agreement_lists_panels_and_jurors_by_id() -> None:
    jurors = [Juror(4, 2), Juror(1, 1), Juror(2, 1), Juror(3, 2)]
    totals = [(1, 10, 80.0), (2, 10, 70.0), (1, 11, 50.0), (2, 11, 40.0), (3, 10, 75.0)]
    got = stage_agreement(totals, jurors, KL)
    k, l_ = got.panels
    assert k == PanelAlpha(1, "K", k.krippendorff_alpha, 2)
    assert k.krippendorff_alpha == pytest.approx(0.85, abs=1e-12)
    assert l_ == PanelAlpha(2, "L", None, 0)
    # Entry 10: 80, 70, 75 -> d 7.5, -7.5, 0; entry 11: 50, 40 -> d 10, -10.
    assert got.jurors == (
        JurorLeniency(1, 8.75, 2),
        JurorLeniency(2, -8.75, 2),
        JurorLeniency(3, 0.0, 1),
        JurorLeniency(4, None, 0),
    )


def test_stage_agreement_leniency_crosses_panels_alpha_does_not() -> None:
    # Jurors 1 (K) and 3 (L) share entries: leniency compares them, alpha per panel cannot.
    jurors = [Juror(1, 1), Juror(3, 2)]
    totals = [(1, 1, 60.0), (3, 1, 40.0), (1, 2, 70.0), (3, 2, 50.0)]
    got = stage_agreement(totals, jurors, KL)
    assert [p.pairable_entries for p in got.panels] == [0, 0]
    assert [(j.leniency, j.leniency_n) for j in got.jurors] == [(20.0, 2), (-20.0, 2)]


def test_stage_agreement_refuses_unknown_jurors_and_panels() -> None:
    with pytest.raises(ValueError, match="unknown juror 9"):
        stage_agreement([(9, 1, 50.0)], [Juror(1, 1)], KL)
    with pytest.raises(ValueError, match="unknown panel 7"):
        stage_agreement([], [Juror(1, 7)], KL)


def test_juror_totals_are_the_counted_totals_of_step_1() -> None:
    criteria = [Criterion(1, "A", 3, 0, 10, 1), Criterion(2, "B", 1, 0, 10)]
    jurors = [Juror(1, 1), Juror(2, 1), Juror(3, 2)]
    entries = [Entry(1, 100), Entry(2, 200)]
    sheets = [
        Sheet(1, 1, {"A": 8, "B": 6}),
        Sheet(2, 1, {"A": 6, "B": 10}),
        Sheet(3, 1, {"A": 7, "B": 7}),
        Sheet(3, 2, {"A": 10, "B": 10}),  # juror 3 is conflicted with OPD 200: not counted
    ]
    got = juror_totals(criteria, KL, jurors, entries, sheets, conflicts=[(3, 200)])
    assert got == [(1, 1, pytest.approx(75.0)), (2, 1, pytest.approx(70.0)), (3, 1, 70.0)]
