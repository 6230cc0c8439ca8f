"""The naive reference (tests/scoring/reference.py) checked by hand on docs/scoring.md's cases,
and against today's engine wherever both exist (one stage; each stage on its own)."""

import math
from collections.abc import Iterable, Sequence
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scoring
from tests.scoring import reference as ref
from tests.scoring.reference import (
    Advance,
    Convention,
    Criterion,
    Entry,
    Juror,
    Panel,
    Sheet,
    Stage,
    Warning,
    advance,
    final_ranking,
    stability,
    stage_ranking,
)
from tests.scoring.strategies import PANEL_WEIGHTS, coarse_scores, criteria_fields, juror_panels

SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

# One criterion 0..100 of weight 1: T(j, e) is the score itself.
X = (Criterion(1, "X", 1, 0, 100),)
P = (Panel(1, "P"),)
TWO = (Juror(1, 1), Juror(2, 1))


def sheets(stage_id: int, scores: dict[int, Sequence[float | None]]) -> list[Sheet]:
    """entry -> one score per juror of TWO (None: no sheet), on criterion X."""
    return [
        Sheet(juror, entry, stage_id, {"X": s})
        for entry, per_juror in scores.items()
        for juror, s in zip((1, 2), per_juror, strict=False)
        if s is not None
    ]


def entries(*ids: int, category: str = "teknologi") -> tuple[Entry, ...]:
    return tuple(Entry(e, 10 + e, category) for e in ids)


UTAMA = Stage(1, "UTAMA", criteria=X)


def judged_on_x(
    entry_list: tuple[Entry, ...], scores: dict[int, Sequence[float | None]], stage: Stage = UTAMA
) -> Convention:
    """One stage on criterion X (``stage``, UTAMA unless named) judged by TWO: ``entry_list``,
    and ``scores`` as ``sheets`` takes them."""
    return Convention(
        stages=(stage,),
        panels=P,
        jurors=TWO,
        entries=entry_list,
        sheets=tuple(sheets(stage.id, scores)),
    )


def ranks(ranking: ref.Ranking) -> list[tuple[int, int | None]]:
    return [(r.entry_id, r.rank) for r in ranking.rows]


# ---------------------------------------------------------------------------------------
# By hand.


def test_reference_worked_example() -> None:
    a = Criterion(1, "A", 3, 0, 10, tie_break_rank=1)
    b = Criterion(2, "B", 1, 0, 10)
    conv = Convention(
        stages=(Stage(1, "UTAMA", criteria=(a, b)),),
        panels=(Panel(1, "K", 1), Panel(2, "L", 1)),
        jurors=(Juror(1, 1), Juror(2, 1), Juror(3, 2)),
        entries=(Entry(1, 100),),
        sheets=(
            Sheet(1, 1, 1, {"A": 8, "B": 6}),
            Sheet(2, 1, 1, {"A": 6, "B": 10}),
            Sheet(3, 1, 1, {"A": 7, "B": 7}),
        ),
    )
    totals = ref.stage_totals(conv, 1)
    assert [(j, e) for j, e, _ in totals] == [(1, 1), (2, 1), (3, 1)]
    assert [t for _, _, t in totals] == pytest.approx([75.0, 70.0, 70.0])
    [row] = final_ranking(conv).rows
    assert row.score == pytest.approx(71.25, abs=1e-12)
    assert row.panel_scores == {"K": pytest.approx(72.5), "L": pytest.approx(70.0)}
    assert (row.rank, row.tied, row.awarded, row.complete) == (1, False, True, True)
    assert (row.sheet_count, row.expected_sheet_count) == (3, 3)
    assert row.stage_scores == {"UTAMA": pytest.approx(71.25)}


def shortlist(v1: float = 70, v2: float = 30, k: int = 2) -> Convention:
    """PROPOSAL (weight v1, top k) then PRESENTASI (weight v2); entries 1-4 score 90, 80,
    80, 70 in the proposal, with juror 1 only."""
    return Convention(
        stages=(
            Stage(1, "PROPOSAL", weight=v1, criteria=X, advance=Advance("top", k)),
            Stage(2, "PRESENTASI", weight=v2, criteria=(Criterion(2, "Y", 1, 0, 100),)),
        ),
        panels=P,
        jurors=TWO,
        entries=entries(1, 2, 3, 4),
        sheets=tuple(sheets(1, {1: [90], 2: [80], 3: [80], 4: [70]})),
        top_n=3,
    )


def presentation(conv: Convention, scores: dict[int, Sequence[float | None]]) -> Convention:
    extra = [Sheet(s.juror_id, s.entry_id, 2, {"Y": s.scores["X"]}) for s in sheets(2, scores)]
    return replace(conv, sheets=(*conv.sheets, *extra))


def test_reference_top_cut_with_a_tie_takes_more_than_k() -> None:
    conv = shortlist()
    stage = stage_ranking(conv, 1)
    assert ranks(stage) == [(1, 1), (2, 2), (3, 2), (4, 4)]
    assert [(r.entry_id, r.advances, r.awarded, r.tied) for r in stage.rows] == [
        (1, True, False, False),
        (2, True, False, True),
        (3, True, False, True),
        (4, False, False, False),
    ]
    assert stage.warnings == (Warning("boundary_tie", (2, 3)),)
    assert advance(conv, 1) == {1, 2, 3}
    assert advance(conv, 1, add=[4], remove=[1]) == {2, 3, 4}


def test_reference_final_score_weighs_the_stages_and_orders_by_reach() -> None:
    conv = presentation(shortlist(), {1: [60, 60], 2: [100, 100], 3: [90, 90]})
    conv = replace(conv, admissions={2: advance(conv, 1)})
    final = final_ranking(conv)
    # F = (70 S_1 + 30 S_2) / 100: E1 81, E2 86, E3 83 reach stage 2; E4 reaches only
    # stage 1, so U = {1} and F = 70.
    assert [(r.entry_id, r.rank, r.reach_stage_id) for r in final.rows] == [
        (2, 1, 2),
        (3, 2, 2),
        (1, 3, 2),
        (4, 4, 1),
    ]
    assert [r.score for r in final.rows] == pytest.approx([86, 83, 81, 70])
    assert [r.awarded for r in final.rows] == [True, True, True, False]
    assert final.rows[0].stage_scores == {"PROPOSAL": 80, "PRESENTASI": 100}
    # Stage t(e)'s sheets: E4's are those of the proposal, one of two jurors.
    assert [(r.sheet_count, r.expected_sheet_count) for r in final.rows] == [
        (2, 2),
        (2, 2),
        (2, 2),
        (1, 2),
    ]
    assert final.warnings == ()


def test_reference_missing_stage_score_is_stage_missing() -> None:
    conv = presentation(shortlist(), {1: [60, 60], 2: [100, 100]})
    conv = replace(conv, admissions={2: frozenset({1, 2, 3})})
    final = final_ranking(conv)
    assert ranks(final) == [(2, 1), (1, 2), (4, 3), (3, None)]
    e3 = final.rows[-1]
    assert (e3.score, e3.sheet_count, e3.expected_sheet_count, e3.complete) == (None, 0, 2, False)
    assert final.warnings == (Warning("stage_missing", (3,)),)


def test_reference_weight_zero_stage_counts_only_when_nothing_else_does() -> None:
    conv = presentation(shortlist(v1=0, v2=1), {1: [50], 2: [60], 3: [40]})
    conv = replace(conv, admissions={2: advance(conv, 1)})
    final = final_ranking(conv)
    # Reach 2: F = S_2 alone. E4 reaches stage 1 only, whose weight is 0: U(e) is empty,
    # F = S_1 = 70, higher than every other F, yet ranked after the later reach.
    assert ranks(final) == [(2, 1), (1, 2), (3, 3), (4, 4)]
    assert [r.score for r in final.rows] == pytest.approx([60, 50, 40, 70])


def test_reference_ties_never_span_two_reaches() -> None:
    conv = presentation(shortlist(v1=1, v2=1, k=1), {1: [90]})
    conv = replace(conv, admissions={2: frozenset({1})})
    final = final_ranking(conv)
    # E1: F = (90 + 90) / 2 = 90 at reach 2; E2 and E3: F = 80, tied at reach 1.
    assert [(r.entry_id, r.rank, r.tied) for r in final.rows] == [
        (1, 1, False),
        (2, 2, True),
        (3, 2, True),
        (4, 4, False),
    ]
    conv = replace(conv, admissions={2: frozenset({2})})
    conv = presentation(replace(conv, sheets=conv.sheets[:4]), {2: [80]})
    final = final_ranking(conv)
    # E2 at reach 2 and E3 at reach 1 have the same F = 80: not a tie.
    assert [(r.entry_id, r.rank, r.tied) for r in final.rows][:3] == [
        (2, 1, False),
        (1, 2, False),
        (3, 3, False),
    ]


def test_reference_k1_is_the_score_of_the_scored_reach() -> None:
    conv = shortlist(v1=1, v2=1, k=2)
    conv = replace(conv, sheets=tuple(sheets(1, {1: [90], 2: [60]})))
    conv = presentation(conv, {1: [60], 2: [90]})
    conv = replace(conv, admissions={2: frozenset({1, 2})})
    # F = 75 for both; K1 = S_2: 90 beats 60.
    final = final_ranking(conv)
    assert [(r.entry_id, r.rank, r.tied) for r in final.rows][:2] == [(2, 1, False), (1, 2, False)]
    # With stage 2 of weight 0, F = S_1 (90 and 60), and K1 is not consulted.
    conv = replace(conv, stages=(conv.stages[0], replace(conv.stages[1], weight=0)))
    assert ranks(final_ranking(conv))[:2] == [(1, 1), (2, 2)]


def test_reference_missing_k1_counts_lower_than_any_number() -> None:
    conv = shortlist(v1=1, v2=0, k=2)
    conv = replace(conv, sheets=tuple(sheets(1, {1: [80], 2: [80]})))
    conv = presentation(conv, {2: [10]})
    conv = replace(conv, admissions={2: frozenset({1, 2})})
    final = final_ranking(conv)
    # F = S_1 = 80 for both (stage 2 has weight 0); S_2(E1) is missing, below 10.
    assert ranks(final) == [(2, 1), (1, 2), (3, None), (4, None)]
    assert [r.tied for r in final.rows] == [False] * 4
    assert [r.score for r in final.rows][:2] == pytest.approx([80, 80])
    # E1 has no stage 2 score, but stage 2 is not in U(E1): no stage_missing for it. E3
    # and E4 have no sheet at all: U = {1} and S_1 is missing, so they are named (with
    # more than one stage; a one-stage convention names nobody, as Steps 1 to 5 do).
    assert final.warnings == (Warning("stage_missing", (3, 4)),)


def test_reference_screening_stage_admits_the_passed_entries() -> None:
    conv = Convention(
        stages=(
            Stage(1, "ADM", kind="screening", weight=0),
            Stage(2, "PROPOSAL", criteria=X),
        ),
        panels=P,
        jurors=TWO,
        entries=entries(1, 2, 3),
        sheets=tuple(sheets(2, {1: [60, 70], 2: [80, 90]})),
        decisions={(1, 1): True, (1, 2): True, (1, 3): False},
    )
    screened = stage_ranking(conv, 1)
    assert [(r.entry_id, r.rank, r.advances) for r in screened.rows] == [
        (1, None, True),
        (2, None, True),
        (3, None, False),
    ]
    conv = replace(conv, admissions={2: advance(conv, 1)})
    final = final_ranking(conv)
    # E3 stopped at the screening: no scored reach, no final score, no sheets to expect.
    assert [(r.entry_id, r.rank, r.score, r.reach_stage_id) for r in final.rows] == [
        (2, 1, pytest.approx(85), 2),
        (1, 2, pytest.approx(65), 2),
        (3, None, None, 1),
    ]
    assert (final.rows[2].expected_sheet_count, final.rows[2].complete) == (0, True)
    assert final.warnings == ()
    with pytest.raises(ValueError, match="screening"):
        stability(conv, stage_id=1)


def test_reference_min_score_and_top_per_category_rules() -> None:
    conv = judged_on_x(
        (*entries(1, 2, 3), *entries(4, 5, category="produk")),
        {1: [80], 2: [75 - 5e-10], 3: [70], 4: [60], 5: [60]},
        Stage(1, "S", criteria=X, advance=Advance("min_score", min_score=75)),
    )
    assert [r.advances for r in stage_ranking(conv, 1).rows] == [True, True, False, False, False]
    conv = replace(conv, stages=(replace(conv.stages[0], advance=Advance("top_per_category", 1)),))
    ranking = stage_ranking(conv, 1)
    assert [(r.entry_id, r.rank, r.category_rank, r.advances) for r in ranking.rows] == [
        (1, 1, 1, True),
        (2, 2, 2, False),
        (3, 3, 3, False),
        (4, 4, 1, True),
        (5, 4, 1, True),
    ]
    assert ranking.warnings == (Warning("boundary_tie", (4, 5)),)
    produk = stage_ranking(conv, 1, category="produk")
    assert [(r.entry_id, r.rank, r.advances) for r in produk.rows] == [(4, 1, True), (5, 1, True)]


def category_convention(scope: str) -> Convention:
    # teknologi: E5 95, E1 90, E2 90; produk: E3 50, E4 40, E6 30.
    return replace(
        judged_on_x(
            (*entries(1, 2, 5), *entries(3, 4, 6, category="produk")),
            {1: [90], 2: [90], 3: [50], 4: [40], 5: [95], 6: [30]},
        ),
        top_n=2,
        award_scope="per_category" if scope == "per_category" else "overall",
    )


def test_reference_per_category_awards() -> None:
    final = final_ranking(category_convention("per_category"))
    assert [(r.entry_id, r.rank, r.category_rank, r.awarded) for r in final.rows] == [
        (5, 1, 1, True),
        (1, 2, 2, True),
        (2, 2, 2, True),
        (3, 4, 1, True),
        (4, 5, 2, True),
        (6, 6, 3, False),
    ]
    assert final.warnings == (Warning("boundary_tie", (1, 2)),)
    produk = final_ranking(category_convention("per_category"), category="produk")
    assert [(r.entry_id, r.rank, r.awarded) for r in produk.rows] == [
        (3, 1, True),
        (4, 2, True),
        (6, 3, False),
    ]
    assert produk.warnings == ()


def test_reference_overall_awards_are_copied_into_categories() -> None:
    final = final_ranking(category_convention("overall"))
    assert [r.awarded for r in final.rows] == [True, True, True, False, False, False]
    assert final.warnings == (Warning("boundary_tie", (1, 2)),)
    produk = final_ranking(category_convention("overall"), category="produk")
    assert [(r.entry_id, r.rank, r.awarded) for r in produk.rows] == [
        (3, 1, False),
        (4, 2, False),
        (6, 3, False),
    ]


def test_reference_category_regroups_chained_ties() -> None:
    conv = judged_on_x(
        (*entries(1, 3), *entries(2, category="produk")),
        {1: [50], 2: [50 + 6e-10], 3: [50 + 1.2e-9]},
    )
    # 50, 50 + 6e-10, 50 + 1.2e-9 chain into one group overall; without E2 they part.
    assert [(r.entry_id, r.rank, r.tied) for r in final_ranking(conv).rows] == [
        (1, 1, True),
        (2, 1, True),
        (3, 1, True),
    ]
    teknologi = final_ranking(conv, category="teknologi")
    assert [(r.entry_id, r.rank, r.tied) for r in teknologi.rows] == [(3, 1, False), (1, 2, False)]


def test_reference_disqualified_entry_has_no_row_and_weighs_in_no_statistic() -> None:
    conv = replace(
        judged_on_x(entries(1, 2, 3), {1: [90, 40], 2: [70, 50], 3: [10, 20]}),
        method="zscore",
        zscore_min_sheets=1,
    )
    out = replace(conv, disqualified=frozenset({3}))
    gone = replace(conv, entries=entries(1, 2), sheets=conv.sheets[:4])
    assert final_ranking(out) == final_ranking(gone)
    assert [r.entry_id for r in final_ranking(out).rows] == [1, 2]


ALL = Advance()


def stability_convention(rule: Advance = ALL) -> Convention:
    # Jurors 1-3 on E1, E2 (and E3, last everywhere); top_n = 1.
    return Convention(
        stages=(Stage(1, "UTAMA", criteria=X, advance=rule),),
        panels=P,
        jurors=(*TWO, Juror(3, 1)),
        entries=entries(1, 2, 3),
        sheets=tuple(
            Sheet(j, e, 1, {"X": s})
            for j, row in ((1, (80, 70, 10)), (2, (70, 80, 10)), (3, (80, 75, 10)))
            for e, s in zip((1, 2, 3), row, strict=True)
        ),
        top_n=1,
    )


def test_reference_stability_by_hand() -> None:
    # Full: E1 76.67, E2 75. Without juror 1: E2 wins (77.5 > 75); without 2: E1 (80 >
    # 72.5); without 3: E1 and E2 tie at 75, both rank 1, both awarded.
    got = stability(stability_convention())
    assert got.jurors_left_out == 3
    assert [(r.entry_id, r.rank, r.rank_min, r.rank_max, r.verdict) for r in got.rows] == [
        (1, 1, 1, 2, "cusp"),
        (2, 2, 1, 2, "cusp"),
        (3, 3, 3, 3, "stable_out"),
    ]
    assert [r.awarded_share for r in got.rows] == pytest.approx([2 / 3, 2 / 3, 0])
    # A stage's ranking: "awarded" is "advances" (top 1 here).
    staged = stability(stability_convention(Advance("top", 1)), stage_id=1)
    assert [(r.entry_id, r.verdict) for r in staged.rows] == [
        (1, "cusp"),
        (2, "cusp"),
        (3, "stable_out"),
    ]
    # With "all", everything scored advances whoever is left out.
    assert {r.verdict for r in stability(stability_convention(), stage_id=1).rows} == {"stable_in"}


def test_reference_stability_without_jurors() -> None:
    conv = replace(stability_convention(), sheets=())
    got = stability(conv)
    assert got.jurors_left_out == 0
    assert [(r.rank, r.rank_min, r.awarded_share, r.verdict) for r in got.rows] == [
        (None, None, None, "stable_out")
    ] * 3


def test_reference_agreement_by_hand() -> None:
    conv = Convention(
        stages=(UTAMA,),
        panels=(Panel(1, "K"), Panel(2, "L")),
        jurors=(Juror(1, 1), Juror(2, 1), Juror(3, 2)),
        entries=entries(10, 11),
        sheets=(
            Sheet(1, 10, 1, {"X": 80}),
            Sheet(2, 10, 1, {"X": 70}),
            Sheet(3, 10, 1, {"X": 75}),
            Sheet(1, 11, 1, {"X": 50}),
            Sheet(2, 11, 1, {"X": 40}),
        ),
    )
    panels, jurors = ref.agreement(conv, 1)
    assert panels == [(1, "K", pytest.approx(0.85), 2), (2, "L", None, 0)]
    assert jurors == [(1, pytest.approx(8.75), 2), (2, pytest.approx(-8.75), 2), (3, 0.0, 1)]


# ---------------------------------------------------------------------------------------
# Random conventions.

CATEGORY_NAMES = ("teknologi", "produk", "proses")


@st.composite
def conventions(draw: st.DrawFn, stages: int | None = None) -> Convention:
    """Random conventions: 1-3 stages (perhaps a first screening one), coarse scores so that
    ties are common, random recorded admissions, conflicts, disqualifications."""
    panels = tuple(Panel(100 + p, f"panel {p}", w) for p, w in enumerate(draw(PANEL_WEIGHTS)))
    panel_ids = [p.id for p in panels]
    jurors = tuple(
        Juror(200 + j, panel_id) for j, panel_id in enumerate(draw(juror_panels(panel_ids)))
    )
    n_categories = draw(st.integers(1, 3))
    entry_list = tuple(
        Entry(
            300 + e, draw(st.integers(1, 3)), CATEGORY_NAMES[draw(st.integers(0, n_categories - 1))]
        )
        for e in range(draw(st.integers(1, 7)))
    )
    n_stages = stages if stages is not None else draw(st.integers(1, 3))
    stage_list: list[Stage] = []
    for i in range(n_stages):
        if i == 0 and n_stages > 1 and draw(st.integers(0, 4)) == 0:
            stage_list.append(Stage(10 + i, f"S{i}", kind="screening", weight=0))
            continue
        criteria = [
            Criterion(100 * i + k, f"s{i}c{k}", *fields)
            for k, fields in enumerate(draw(criteria_fields()))
        ]
        chosen = draw(st.none() | st.lists(st.sampled_from(panel_ids), min_size=1, unique=True))
        rule = draw(
            st.sampled_from(
                [
                    Advance(),
                    Advance("top", draw(st.integers(1, 4))),
                    Advance("top_per_category", draw(st.integers(1, 2))),
                    Advance("min_score", min_score=draw(st.sampled_from([20.0, 50.0, 70.0]))),
                ]
            )
        )
        stage_list.append(
            Stage(
                10 + i,
                f"S{i}",
                weight=draw(st.sampled_from([0, 1, 2.5])),
                criteria=tuple(criteria),
                panel_ids=None if chosen is None else tuple(chosen),
                advance=rule,
            )
        )
    sheet_list = []
    for stage in stage_list:
        for j in jurors:
            for e in entry_list:
                if stage.kind == "scored" and (
                    (scores := coarse_scores(draw, stage.criteria)) is not None
                ):
                    sheet_list.append(Sheet(j.id, e.id, stage.id, scores))
    ids = [e.id for e in entry_list]
    admissions: dict[int, frozenset[int]] = {}
    current = set(ids)
    for stage in stage_list[1:]:
        current = (
            set(draw(st.lists(st.sampled_from(sorted(current)), unique=True))) if current else set()
        )
        if draw(st.integers(0, 5)) == 0:
            current.add(draw(st.sampled_from(ids)))
        admissions[stage.id] = frozenset(current)
    decisions = {
        (s.id, e): draw(st.booleans()) for s in stage_list if s.kind == "screening" for e in ids
    }
    juror_ids = st.sampled_from([j.id for j in jurors])
    return Convention(
        stages=tuple(stage_list),
        panels=panels,
        jurors=jurors,
        entries=entry_list,
        sheets=tuple(sheet_list),
        conflicts=frozenset(draw(st.lists(st.tuples(juror_ids, st.integers(1, 3)), max_size=3))),
        admissions=admissions,
        decisions=decisions,
        disqualified=frozenset(draw(st.lists(st.sampled_from(ids), max_size=2))),
        method=draw(st.sampled_from(["mean", "median", "trimmed", "zscore"])),
        top_n=draw(st.integers(0, 5)),
        zscore_min_sheets=draw(st.integers(1, 4)),
        award_scope=draw(st.sampled_from(["overall", "per_category"])),
    )


def engine_rank(
    conv: Convention, stage: Stage, only: Iterable[int] | None = None
) -> scoring.Ranking:
    """Today's engine on one stage alone: its criteria, panels and their jurors, the entries
    it admits (or `only` those), the stage's sheets of these."""
    keep = ref.admitted(conv, stage) if only is None else set(only)
    chosen = {p.id for p in conv.panels} if stage.panel_ids is None else set(stage.panel_ids)
    panels = [scoring.Panel(p.id, p.name, p.weight) for p in conv.panels if p.id in chosen]
    jurors = [scoring.Juror(j.id, j.panel_id) for j in conv.jurors if j.panel_id in chosen]
    in_panel = {j.id for j in jurors}
    return scoring.rank(
        [
            scoring.Criterion(c.id, c.code, c.weight, c.min_score, c.max_score, c.tie_break_rank)
            for c in stage.criteria
        ],
        panels,
        jurors,
        [scoring.Entry(e.id, e.opd_id) for e in conv.entries if e.id in keep],
        [
            scoring.Sheet(s.juror_id, s.entry_id, s.scores)
            for s in conv.sheets
            if s.stage_id == stage.id and s.entry_id in keep and s.juror_id in in_panel
        ],
        method=conv.method,
        top_n=conv.top_n,
        zscore_min_sheets=conv.zscore_min_sheets,
        conflicts=sorted(conv.conflicts),
    )


def assert_agrees(got: ref.Ranking, want: scoring.Ranking, awards: bool = True) -> None:
    """Order, rank, tied (and awarded) exact; scores and panel scores within 1e-9."""
    assert [r.entry_id for r in got.rows] == [r.entry_id for r in want.rows]
    for g, w in zip(got.rows, want.rows, strict=True):
        assert (g.rank, g.tied) == (w.rank, w.tied), (g, w)
        assert (g.sheet_count, g.expected_sheet_count, g.complete) == (
            w.sheet_count,
            w.expected_sheet_count,
            w.complete,
        )
        if awards:
            assert g.awarded == w.awarded
        if w.score is None:
            assert g.score is None
        else:
            assert g.score is not None
            assert math.isclose(g.score, w.score, rel_tol=1e-9, abs_tol=1e-9), (g, w)
        assert g.panel_scores.keys() == w.panel_scores.keys()
        for name, value in w.panel_scores.items():
            assert math.isclose(g.panel_scores[name], value, rel_tol=1e-9, abs_tol=1e-9)


def warnings_of(
    ranking: ref.Ranking | scoring.Ranking, *codes: str
) -> list[tuple[str, tuple[int, ...]]]:
    return [(w.code, w.entry_ids) for w in ranking.warnings if w.code in codes]


@settings(SETTINGS, max_examples=200)
@given(conventions(stages=1))
def test_reference_one_stage_final_ranking_is_the_engines(conv: Convention) -> None:
    conv = replace(conv, award_scope="overall")
    got = final_ranking(conv)
    want = engine_rank(conv, conv.stages[0])
    assert_agrees(got, want)
    assert [(w.code, w.entry_ids) for w in got.warnings] == [
        (w.code, w.entry_ids) for w in want.warnings
    ]


@settings(SETTINGS, max_examples=150)
@given(conventions())
def test_reference_each_stage_ranking_is_the_engines_on_that_stage(conv: Convention) -> None:
    for stage in conv.stages:
        if stage.kind == "screening":
            continue
        got = stage_ranking(conv, stage.id)
        want = engine_rank(conv, stage)
        assert_agrees(got, want, awards=False)
        assert not any(r.awarded for r in got.rows)
        codes = ("panel_missing", "no_eligible_juror")
        assert warnings_of(got, *codes) == warnings_of(want, *codes)


@settings(SETTINGS, max_examples=100)
@given(conventions(stages=1))
def test_reference_category_ranking_is_the_engine_on_the_category(conv: Convention) -> None:
    # Without zscore, whose statistics span the whole stage, a category's ranking is the
    # engine's ranking of that category's entries alone.
    conv = replace(conv, method="mean" if conv.method == "zscore" else conv.method)
    conv = replace(conv, award_scope="per_category")
    live = [e for e in conv.entries if e.id not in conv.disqualified]
    full = {r.entry_id: r for r in final_ranking(conv).rows}
    for category in {e.category for e in live}:
        members = [e.id for e in live if e.category == category]
        got = final_ranking(conv, category=category)
        assert_agrees(got, engine_rank(conv, conv.stages[0], members))
        for r in got.rows:
            assert full[r.entry_id].category_rank == r.rank
            assert full[r.entry_id].awarded == r.awarded


@settings(SETTINGS, max_examples=60)
@given(conventions(stages=1))
def test_reference_one_stage_stability_is_the_engine_without_each_juror(conv: Convention) -> None:
    conv = replace(conv, award_scope="overall")
    got = stability(conv)
    jurors = sorted({s.juror_id for s in ref.counted_sheets(conv, conv.stages[0])})
    assert got.jurors_left_out == len(jurors) == len(ref.scope_jurors(conv))
    full = {r.entry_id: r for r in engine_rank(conv, conv.stages[0]).rows}
    reduced = [
        {
            r.entry_id: r
            for r in engine_rank(
                replace(conv, sheets=tuple(s for s in conv.sheets if s.juror_id != j)),
                conv.stages[0],
            ).rows
        }
        for j in jurors
    ]
    for row in got.rows:
        seen = [x[row.entry_id] for x in (full, *reduced)]
        found = [x.rank for x in seen if x.rank is not None]
        assert (row.rank_min, row.rank_max) == (min(found, default=None), max(found, default=None))
        wins = [x[row.entry_id].awarded for x in reduced]
        assert row.awarded_share == (sum(wins) / len(wins) if wins else None)
        every = [full[row.entry_id].awarded, *wins]
        assert row.verdict == (
            "stable_in" if all(every) else "stable_out" if not any(every) else "cusp"
        )


@settings(SETTINGS, max_examples=150)
@given(conventions())
def test_reference_final_ranking_invariants(conv: Convention) -> None:
    final = final_ranking(conv)
    position = {s.id: i for i, s in enumerate(conv.stages)}
    ranked = [r for r in final.rows if r.rank is not None]

    def reach_of(r: ref.Row) -> int:
        assert r.reach_stage_id is not None
        return position[r.reach_stage_id]

    assert all(r.rank is None and not r.awarded for r in final.rows[len(ranked) :])
    reaches = [reach_of(r) for r in ranked]
    assert reaches == sorted(reaches, reverse=True)
    for i, r in enumerate(ranked):
        if i and r.rank == ranked[i - 1].rank:
            assert r.tied and ranked[i - 1].tied
            assert r.reach_stage_id == ranked[i - 1].reach_stage_id
        else:
            assert r.rank == i + 1
    if conv.award_scope == "overall":
        assert [r.awarded for r in ranked] == [
            r.rank is not None and r.rank <= conv.top_n for r in ranked
        ]
    # F is the V-weighted mean of the stage scores over U(e) (or S_t when U is empty).
    weights = {s.code: s.weight for s in conv.stages}
    for r in ranked:
        reach = reach_of(r)
        used = [s for s in conv.stages[: reach + 1] if s.kind == "scored" and s.weight > 0]
        if used:
            want = sum(weights[s.code] * r.stage_scores[s.code] for s in used)
            want /= sum(weights[s.code] for s in used)
            assert r.score is not None and math.isclose(r.score, want, abs_tol=1e-9)


@settings(SETTINGS, max_examples=100)
@given(conventions())
def test_reference_disqualifying_is_removing(conv: Convention) -> None:
    gone = replace(
        conv,
        entries=tuple(e for e in conv.entries if e.id not in conv.disqualified),
        sheets=tuple(s for s in conv.sheets if s.entry_id not in conv.disqualified),
        disqualified=frozenset(),
    )
    assert final_ranking(conv) == final_ranking(gone)


@settings(SETTINGS, max_examples=100)
@given(conventions())
def test_reference_agreement_matches_scoring_stage_agreement(conv: Convention) -> None:
    for stage in conv.stages:
        if stage.kind == "screening":
            continue
        panels, jurors = ref.agreement(conv, stage.id)
        chosen = {p[0] for p in panels}
        got = scoring.stage_agreement(
            ref.stage_totals(conv, stage.id),
            [scoring.Juror(j.id, j.panel_id) for j in conv.jurors if j.panel_id in chosen],
            [scoring.Panel(p.id, p.name, p.weight) for p in conv.panels if p.id in chosen],
        )
        assert [(p.panel_id, p.panel_name, p.pairable_entries) for p in got.panels] == [
            (i, name, n) for i, name, _, n in panels
        ]
        for p, (_, _, alpha, _) in zip(got.panels, panels, strict=True):
            assert (p.krippendorff_alpha is None) == (alpha is None)
            if alpha is not None and p.krippendorff_alpha is not None:
                assert math.isclose(p.krippendorff_alpha, alpha, rel_tol=1e-9, abs_tol=1e-9)
        assert [(j.juror_id, j.leniency_n) for j in got.jurors] == [(i, n) for i, _, n in jurors]
        for j, (_, value, _) in zip(got.jurors, jurors, strict=True):
            assert (j.leniency is None) == (value is None)
            if value is not None and j.leniency is not None:
                assert math.isclose(j.leniency, value, rel_tol=1e-9, abs_tol=1e-9)
