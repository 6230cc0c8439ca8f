"""Panel agreement (Kendall's tau-b, Spearman's rho), panel rankings and juror spreads."""

import math
from itertools import combinations
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import (
    Criterion,
    Entry,
    Juror,
    Panel,
    PanelAgreement,
    Ranking,
    Sheet,
    disagreements,
    panel_agreement,
    panel_rankings,
    rank,
)
from scoring.agreement import kendall_tau_b, spearman_rho, tie_classes

ONE = [Criterion(1, "X", 1, 0, 10)]
KL = [Panel(1, "K", 1), Panel(2, "L", 1)]


def two_panels(k: dict[int, float], l_: dict[int, float]) -> Ranking:
    """Juror 1 (panel K) and juror 2 (panel L) score entries; P(p, e) = 10 * s."""
    entries = [Entry(e, 1) for e in sorted(k.keys() | l_.keys())]
    sheets = [Sheet(1, e, {"X": s}) for e, s in k.items()]
    sheets += [Sheet(2, e, {"X": s}) for e, s in l_.items()]
    return rank(ONE, KL, [Juror(1, 1), Juror(2, 2)], entries, sheets)


def test_panel_agreement_identical_orders_is_one() -> None:
    ranking = two_panels({1: 1, 2: 2, 3: 3, 4: 4}, {1: 2, 2: 4, 3: 6, 4: 8})
    assert panel_agreement(ranking, KL) == [PanelAgreement("K", "L", 4, 1.0, 1.0)]


def test_panel_agreement_reversed_orders_is_minus_one() -> None:
    ranking = two_panels({1: 1, 2: 2, 3: 3, 4: 4}, {1: 8, 2: 6, 3: 4, 4: 2})
    assert panel_agreement(ranking, KL) == [PanelAgreement("K", "L", 4, -1.0, -1.0)]


def test_panel_agreement_with_a_tie() -> None:
    ranking = two_panels({1: 1, 2: 2, 3: 3, 4: 4}, {1: 1, 2: 2, 3: 2, 4: 4})
    [pair] = panel_agreement(ranking, KL)
    # 6 pairs: 5 concordant, 0 discordant, 1 tied in L only (E2, E3).
    # tau-b = (5 - 0) / sqrt((6 - 0) * (6 - 1)) = 5 / sqrt(30)
    assert pair.kendall_tau == pytest.approx(5 / math.sqrt(30), abs=1e-12)
    # ranks K 1 2 3 4, L 1 2.5 2.5 4; deviations from 2.5: (-1.5 -.5 .5 1.5), (-1.5 0 0 1.5)
    # rho = 4.5 / sqrt(5 * 4.5)
    assert pair.spearman_rho == pytest.approx(4.5 / math.sqrt(22.5), abs=1e-12)
    assert pair.entries == 4


def test_panel_agreement_needs_two_common_entries() -> None:
    ranking = two_panels({1: 1, 2: 2}, {2: 5, 3: 7})
    assert panel_agreement(ranking, KL) == [PanelAgreement("K", "L", 1, None, None)]


def test_panel_agreement_without_variance_is_none() -> None:
    ranking = two_panels({1: 1, 2: 2, 3: 3}, {1: 5, 2: 5, 3: 5})
    assert panel_agreement(ranking, KL) == [PanelAgreement("K", "L", 3, None, None)]


def test_panel_agreement_lists_every_pair_in_id_order() -> None:
    panels = [Panel(3, "M", 1), Panel(1, "K", 1), Panel(2, "L", 1)]
    jurors = [Juror(1, 1), Juror(2, 2), Juror(3, 3)]
    entries = [Entry(e, 1) for e in (1, 2, 3)]
    sheets = [
        Sheet(j, e, {"X": e * (1 if j < 3 else -1) + 5}) for j in (1, 2, 3) for e in (1, 2, 3)
    ]
    pairs = panel_agreement(rank(ONE, panels, jurors, entries, sheets), panels)
    assert [(p.panel_a, p.panel_b, p.kendall_tau) for p in pairs] == [
        ("K", "L", 1.0),
        ("K", "M", -1.0),
        ("L", "M", -1.0),
    ]


def test_panel_rankings_use_competition_ranks() -> None:
    ranking = two_panels({4: 9, 2: 7, 1: 7, 3: 3}, {1: 2})
    assert panel_rankings(ranking, KL) == {
        "K": [(1, 4, 90.0), (2, 1, 70.0), (2, 2, 70.0), (4, 3, 30.0)],
        "L": [(1, 1, 20.0)],
    }


def test_panel_rankings_tie_within_tolerance() -> None:
    ranking = two_panels({1: 5, 2: 5 + 5e-11, 3: 5 + 1e-10}, {})
    # 50, 50 + 5e-10, 50 + 1e-9: a chain, so one shared rank.
    assert [r for r, _, _ in panel_rankings(ranking, KL)["K"]] == [1, 1, 1]


def naive_tau_b(x: list[int], y: list[int]) -> float | None:
    concordant = discordant = tied_x = tied_y = 0
    for i, j in combinations(range(len(x)), 2):
        dx, dy = x[i] - x[j], y[i] - y[j]
        tied_x += dx == 0
        tied_y += dy == 0
        if dx * dy > 0:
            concordant += 1
        elif dx * dy < 0:
            discordant += 1
    total = len(x) * (len(x) - 1) // 2
    if len(x) < 2 or tied_x == total or tied_y == total:
        return None
    return (concordant - discordant) / math.sqrt((total - tied_x) * (total - tied_y))


def naive_rho(x: list[int], y: list[int]) -> float | None:
    def ranks(v: list[int]) -> list[float]:
        return [sum(1 for b in v if b < a) + (sum(1 for b in v if b == a) + 1) / 2 for a in v]

    if len(x) < 2:
        return None
    rx, ry = ranks(x), ranks(y)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    sxy = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    sxx = sum((a - mx) ** 2 for a in rx)
    syy = sum((b - my) ** 2 for b in ry)
    return None if sxx == 0 or syy == 0 else sxy / math.sqrt(sxx * syy)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(0, 60).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(0, 6), min_size=n, max_size=n),
            st.lists(st.integers(0, 6), min_size=n, max_size=n),
        )
    )
)
def test_kendall_tau_b_matches_naive_quadratic(xy: tuple[list[int], list[int]]) -> None:
    x, y = xy
    fast, slow = kendall_tau_b(x, y), naive_tau_b(x, y)
    assert (fast is None) == (slow is None)
    if fast is not None and slow is not None:
        assert fast == pytest.approx(slow, abs=1e-12)
    rho, naive = spearman_rho(x, y), naive_rho(x, y)
    assert (rho is None) == (naive is None)
    if rho is not None and naive is not None:
        assert rho == pytest.approx(naive, abs=1e-12)


def test_kendall_tau_b_matches_naive_on_a_larger_sample() -> None:
    import random

    rnd = random.Random(7)
    x = [rnd.randrange(40) for _ in range(400)]
    y = [v + rnd.randrange(-15, 15) for v in x]
    fast = kendall_tau_b(x, y)
    assert fast is not None
    assert fast == pytest.approx(naive_tau_b(x, y), abs=1e-12)
    assert 0.3 < fast < 1


def test_tie_classes_chain_within_tolerance() -> None:
    assert tie_classes([3.0, 1.0, 1.0 + 6e-10, 1.0 + 1.2e-9, 2.0]) == [2, 0, 0, 0, 1]


def test_disagreements_lists_spreads_above_threshold() -> None:
    jurors = [Juror(1, 1), Juror(2, 2), Juror(3, 1)]
    entries = [Entry(1, 10), Entry(2, 10), Entry(3, 30)]
    sheets = [
        Sheet(1, 1, {"X": 2}),  # E1: T 20 and 60 across panels -> spread 40
        Sheet(2, 1, {"X": 6}),
        Sheet(1, 2, {"X": 5}),  # E2: T 50 and 60 -> spread 10
        Sheet(3, 2, {"X": 6}),
        Sheet(1, 3, {"X": 1}),  # E3: juror 3 conflicted with OPD 30, so only T 10 counts
        Sheet(3, 3, {"X": 9}),
    ]
    kwargs: dict[str, Any] = {"conflicts": [(3, 30)]}
    assert disagreements(ONE, KL, jurors, entries, sheets, **kwargs) == [(1, pytest.approx(40.0))]
    assert disagreements(ONE, KL, jurors, entries, sheets, threshold=5, **kwargs) == [
        (1, pytest.approx(40.0)),
        (2, pytest.approx(10.0)),
    ]
    assert disagreements(ONE, KL, jurors, entries, sheets, threshold=40) == [
        (3, pytest.approx(80.0))
    ]
