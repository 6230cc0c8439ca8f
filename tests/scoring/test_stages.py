"""Steps 6 and 7 (stages, the final ranking, categories) against the naive reference of
docs/scoring.md on random multi-stage conventions: order, rank, tied, awarded, advances and
category ranks exact; scores within 1e-9."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings

import scoring
from scoring import stages as engine
from tests.scoring import reference as ref
from tests.scoring.test_reference import conventions

SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def contest(conv: ref.Convention) -> scoring.Contest:
    """The reference's convention as the engine takes it: disqualified entries and their
    sheets left out, admissions as recorded (the first stage: every entry)."""
    live = {e.id for e in conv.entries} - set(conv.disqualified)
    stages = []
    for i, s in enumerate(conv.stages):
        stages.append(
            scoring.Stage(
                s.id,
                s.code,
                kind=scoring.StageKind(s.kind),
                weight=s.weight,
                criteria=tuple(
                    scoring.Criterion(
                        c.id, c.code, c.weight, c.min_score, c.max_score, c.tie_break_rank
                    )
                    for c in s.criteria
                ),
                panel_ids=s.panel_ids,
                advance=scoring.Advance(
                    scoring.AdvanceRule(s.advance.rule), s.advance.count, s.advance.min_score
                ),
                admitted=None if i == 0 else frozenset(conv.admissions.get(s.id, frozenset())),
                decisions={e: ok for (sid, e), ok in conv.decisions.items() if sid == s.id},
                sheets=[
                    scoring.Sheet(x.juror_id, x.entry_id, x.scores)
                    for x in conv.sheets
                    if x.stage_id == s.id and x.entry_id in live
                ],
            )
        )
    return scoring.Contest(
        tuple(stages),
        tuple(scoring.Panel(p.id, p.name, p.weight) for p in conv.panels),
        tuple(scoring.Juror(j.id, j.panel_id) for j in conv.jurors),
        tuple(scoring.Entry(e.id, e.opd_id, e.category) for e in conv.entries if e.id in live),
        scoring.Eligibility.of(conflicts=conv.conflicts),
        top_n=conv.top_n,
        zscore_min_sheets=conv.zscore_min_sheets,
        award_scope=scoring.AwardScope(conv.award_scope),
    )


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def assert_same(got: scoring.Ranking, want: ref.Ranking, *, final: bool) -> None:
    assert [r.entry_id for r in got.rows] == [r.entry_id for r in want.rows]
    for g, w in zip(got.rows, want.rows, strict=True):
        assert (g.rank, g.tied, g.awarded) == (w.rank, w.tied, w.awarded), (g, w)
        assert (g.category, g.category_rank) == (w.category, w.category_rank), (g, w)
        assert (g.sheet_count, g.expected_sheet_count, g.complete) == (
            w.sheet_count,
            w.expected_sheet_count,
            w.complete,
        ), (g, w)
        assert close(g.score, w.score), (g, w)
        assert g.panel_scores.keys() == w.panel_scores.keys(), (g, w)
        assert all(close(g.panel_scores[k], v) for k, v in w.panel_scores.items())
        if final:
            assert g.reach_stage_id == w.reach_stage_id, (g, w)
            assert g.advances is None
        else:
            assert g.advances == w.advances, (g, w)
    assert [(x.code, x.entry_ids) for x in got.warnings] == [
        (x.code, x.entry_ids) for x in want.warnings
    ]


def assert_stage_scores(got: scoring.Ranking, want: ref.Ranking, stages: int) -> None:
    for g, w in zip(got.rows, want.rows, strict=True):
        if stages == 1:
            assert g.stage_scores is None
            continue
        assert g.stage_scores is not None
        assert g.stage_scores.keys() == w.stage_scores.keys(), (g, w)
        assert all(close(g.stage_scores[k], v) for k, v in w.stage_scores.items())


@settings(SETTINGS, max_examples=300)
@given(conventions())
def test_final_ranking_is_the_references(conv: ref.Convention) -> None:
    got = engine.rank_final(contest(conv), conv.method)
    want = ref.final_ranking(conv)
    assert_same(got, want, final=True)
    assert_stage_scores(got, want, len(conv.stages))


@settings(SETTINGS, max_examples=200)
@given(conventions())
def test_category_ranking_is_the_references(conv: ref.Convention) -> None:
    built = contest(conv)
    for category in sorted({e.category for e in conv.entries}):
        got = engine.rank_final(built, conv.method, category=category)
        want = ref.final_ranking(conv, category=category)
        assert_same(got, want, final=True)


@settings(SETTINGS, max_examples=200)
@given(conventions())
def test_stage_ranking_is_the_references_and_selects_what_advances(conv: ref.Convention) -> None:
    built = contest(conv)
    for stage in conv.stages:
        selected, _ = engine.selection(built, stage.id, conv.method)
        if stage.kind == "screening":
            admitted = ref.admitted(conv, stage)
            want = sorted(e for e in admitted if conv.decisions.get((stage.id, e)))
        else:
            ranking = ref.stage_ranking(conv, stage.id)
            assert_same(engine.rank_stage(built, stage.id, conv.method), ranking, final=False)
            want = sorted(r.entry_id for r in ranking.rows if r.advances)
        assert selected == want
