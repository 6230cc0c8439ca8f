"""Invariants of the rule, and an independent naive reimplementation of docs/scoring.md.

The reference below is written straight from the page, slowly and without any code from
`scoring`, the way a jury member would recompute the numbers.
"""

import random
import statistics
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import (
    METHODS,
    Criterion,
    Entry,
    Juror,
    Panel,
    Ranking,
    RankingRow,
    RankingWarning,
    Sheet,
    rank,
)
from scoring.model import WarningCode
from tests.scoring.strategies import PANEL_WEIGHTS, coarse_scores, criteria_fields, juror_panels

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@dataclass
class Convention:
    criteria: list[Criterion]
    panels: list[Panel]
    jurors: list[Juror]
    entries: list[Entry]
    sheets: list[Sheet]
    conflicts: list[tuple[int, int]]
    recusals: list[tuple[int, int]]
    assignments: list[tuple[int, int]] | None
    method: str
    top_n: int
    min_sheets: int

    def rank(self, **changes: Any) -> Ranking:
        args: dict[str, Any] = {
            "criteria": self.criteria,
            "panels": self.panels,
            "jurors": self.jurors,
            "entries": self.entries,
            "sheets": self.sheets,
            "method": self.method,
            "top_n": self.top_n,
            "zscore_min_sheets": self.min_sheets,
            "conflicts": self.conflicts,
            "recusals": self.recusals,
            "assignments": self.assignments,
        }
        args.update(changes)
        return rank(
            args.pop("criteria"),
            args.pop("panels"),
            args.pop("jurors"),
            args.pop("entries"),
            args.pop("sheets"),
            **args,
        )


@st.composite
def conventions(draw: st.DrawFn, methods: Sequence[str] = METHODS) -> Convention:
    criteria = [
        Criterion(10 + i, f"c{i}", *fields) for i, fields in enumerate(draw(criteria_fields()))
    ]
    panels = [Panel(100 + p, f"panel {p}", w) for p, w in enumerate(draw(PANEL_WEIGHTS))]
    jurors = [
        Juror(200 + j, panel_id)
        for j, panel_id in enumerate(draw(juror_panels([p.id for p in panels])))
    ]
    entries = [Entry(300 + e, draw(st.integers(1, 3))) for e in range(draw(st.integers(1, 7)))]
    sheets = []
    for j in jurors:
        for e in entries:
            if (scores := coarse_scores(draw, criteria)) is not None:
                sheets.append(Sheet(j.id, e.id, scores))
    juror_ids = st.sampled_from([j.id for j in jurors])
    entry_ids = st.sampled_from([e.id for e in entries])
    conflicts = draw(st.lists(st.tuples(juror_ids, st.integers(1, 3)), max_size=3))
    recusals = draw(st.lists(st.tuples(juror_ids, entry_ids), max_size=3))
    assignments = draw(
        st.none() | st.lists(st.tuples(juror_ids, entry_ids), min_size=len(sheets) // 2)
    )
    return Convention(
        criteria,
        panels,
        jurors,
        entries,
        sheets,
        conflicts,
        recusals,
        assignments,
        draw(st.sampled_from(methods)),
        draw(st.integers(0, 5)),
        draw(st.integers(1, 4)),
    )


# ---------------------------------------------------------------------------------------
# The reference: docs/scoring.md read literally.


def reference(c: Convention) -> Ranking:
    opd_of = {e.id: e.opd_id for e in c.entries}
    panel_of = {j.id: j.panel_id for j in c.jurors}

    def eligible(juror_id: int, entry_id: int) -> bool:
        if (juror_id, opd_of[entry_id]) in c.conflicts or (juror_id, entry_id) in c.recusals:
            return False
        return c.assignments is None or (juror_id, entry_id) in c.assignments

    counted = [s for s in c.sheets if eligible(s.juror_id, s.entry_id)]
    sum_w = sum(k.weight for k in c.criteria)

    def q(k: Criterion, s: Mapping[str, float]) -> float:
        return (s[k.code] - k.min_score) / (k.max_score - k.min_score)

    def total(s: Mapping[str, float]) -> float:
        return 100 * sum(k.weight * q(k, s) for k in c.criteria) / sum_w

    def scores_of(
        value: Callable[[Mapping[str, float]], float],
    ) -> dict[int, tuple[float, dict[str, float]]]:
        """Steps 2 and 3 on value(sheet scores) instead of T."""
        values = [(s.juror_id, s.entry_id, value(s.scores)) for s in counted]
        if c.method == "zscore" and values:
            everything = [v for _, _, v in values]
            mu, sigma = statistics.fmean(everything), statistics.pstdev(everything)
            own: dict[int, list[float]] = defaultdict(list)
            for j, _, v in values:
                own[j].append(v)

            def adjusted(j: int, v: float) -> float:
                if len(own[j]) < c.min_sheets:
                    return v
                mu_j, sigma_j = statistics.fmean(own[j]), statistics.pstdev(own[j])
                if sigma_j > 1e-9:
                    return mu + sigma * (v - mu_j) / sigma_j
                return mu + (v - mu_j)

            values = [(j, e, adjusted(j, v)) for j, e, v in values]
        out = {}
        for entry in c.entries:
            panel_scores = {}
            weights = {}
            for p in c.panels:
                xs = [v for j, e, v in values if e == entry.id and panel_of[j] == p.id]
                if not xs:
                    continue
                if c.method == "median":
                    score = statistics.median(xs)
                elif c.method == "trimmed" and len(xs) >= 3:
                    score = statistics.fmean(sorted(xs)[1:-1])
                else:
                    score = statistics.fmean(xs)
                panel_scores[p.name] = score
                weights[p.name] = p.weight
            if panel_scores:
                s = sum(weights[n] * v for n, v in panel_scores.items()) / sum(weights.values())
                out[entry.id] = (s, panel_scores)
        return out

    base = scores_of(total)
    tie_breaks = sorted(
        (k for k in c.criteria if k.tie_break_rank is not None),
        key=lambda k: (k.tie_break_rank, k.id),
    )
    keys = [{e: s for e, (s, _) in base.items()}]

    def on_criterion(k: Criterion) -> Callable[[Mapping[str, float]], float]:
        return lambda s: 100 * q(k, s)

    for k in tie_breaks:
        per = scores_of(on_criterion(k))
        keys.append({e: v for e, (v, _) in per.items()})

    def chained(group: list[int], level: int) -> list[list[int]]:
        ordered = sorted(group, key=lambda e: -keys[level][e])
        groups = [[ordered[0]]]
        for a, b in pairwise(ordered):
            if keys[level][a] - keys[level][b] <= 1e-9:
                groups[-1].append(b)
            else:
                groups.append([b])
        return groups

    def refine(group: list[int], level: int) -> list[tuple[list[int], int | None]]:
        out: list[tuple[list[int], int | None]] = []
        for g in chained(group, level):
            if len(g) == 1:
                out.append((g, level))
            elif level + 1 < len(keys):
                out.extend(refine(g, level + 1))
            else:
                out.append((g, None))
        return out

    expected = {e.id: sum(eligible(j.id, e.id) for j in c.jurors) for e in c.entries}
    got = {e.id: sum(1 for s in counted if s.entry_id == e.id) for e in c.entries}
    rows = []
    boundary = []
    position = 1
    final = refine(sorted(base), 0) if base else []
    for group, level in final:
        tied = len(group) > 1
        if tied and position <= c.top_n < position + len(group) - 1:
            boundary.extend(group)
        used = len(keys) if level is None else level + 1
        decided = "tie" if level is None else "score" if level == 0 else tie_breaks[level - 1].code
        for e in sorted(group):
            rows.append(
                RankingRow(
                    e,
                    position,
                    base[e][0],
                    base[e][1],
                    got[e],
                    expected[e],
                    got[e] == expected[e],
                    tied,
                    position <= c.top_n,
                    tuple(keys[i][e] for i in range(used)),
                    decided,
                )
            )
        position += len(group)
    for e in sorted(opd_of):
        if e not in base:
            rows.append(
                RankingRow(e, None, None, {}, got[e], expected[e], got[e] == expected[e], False,
                           False, (), None)
            )  # fmt: skip
    found: list[tuple[WarningCode, list[int]]] = [
        ("boundary_tie", boundary),
        ("panel_missing", [e for e in base if len(base[e][1]) < len(c.panels)]),
        ("no_eligible_juror", [e for e in expected if expected[e] == 0]),
    ]
    warnings = [RankingWarning(code, tuple(sorted(ids))) for code, ids in found if ids]
    return Ranking(c.method, c.top_n, tuple(rows), tuple(warnings))


def assert_same_ranking(got: Ranking, want: Ranking, tolerance: float = 1e-6) -> None:
    assert [r.entry_id for r in got.rows] == [r.entry_id for r in want.rows]
    for g, w in zip(got.rows, want.rows, strict=True):
        exact = ("rank", "tied", "awarded", "sheet_count", "expected_sheet_count", "complete")
        for name in (*exact, "decided_by"):
            assert getattr(g, name) == getattr(w, name), (name, g, w)
        if w.score is None:
            assert g.score is None
        else:
            assert g.score is not None
            assert abs(g.score - w.score) <= tolerance
        assert g.panel_scores.keys() == w.panel_scores.keys()
        for name, value in w.panel_scores.items():
            assert abs(g.panel_scores[name] - value) <= tolerance
        assert len(g.keys) == len(w.keys)
        for a, b in zip(g.keys, w.keys, strict=True):
            assert a is not None and b is not None
            assert abs(a - b) <= tolerance
    assert got.warnings == want.warnings


@settings(SETTINGS, max_examples=200)
@given(conventions())
def test_rank_agrees_with_naive_reference(c: Convention) -> None:
    assert_same_ranking(c.rank(), reference(c))


@settings(SETTINGS, max_examples=80)
@given(conventions(methods=["zscore"]))
def test_rank_zscore_agrees_with_naive_reference(c: Convention) -> None:
    assert_same_ranking(c.rank(), reference(c))


# ---------------------------------------------------------------------------------------
# Invariants.


@SETTINGS
@given(conventions(), st.randoms(use_true_random=False))
def test_rank_permuting_inputs_changes_nothing(c: Convention, rnd: random.Random) -> None:
    def shuffled(xs: Sequence[Any]) -> list[Any]:
        out = list(xs)
        rnd.shuffle(out)
        return out

    sheets = [
        Sheet(s.juror_id, s.entry_id, dict(shuffled(list(s.scores.items())))) for s in c.sheets
    ]
    permuted = c.rank(
        criteria=shuffled(c.criteria),
        panels=shuffled(c.panels),
        jurors=shuffled(c.jurors),
        entries=shuffled(c.entries),
        sheets=shuffled(sheets),
        conflicts=shuffled(c.conflicts),
        recusals=shuffled(c.recusals),
        assignments=None if c.assignments is None else shuffled(c.assignments),
    )
    assert permuted == c.rank()


@SETTINGS
@given(conventions(methods=["mean", "median", "trimmed"]), st.data())
def test_rank_raising_a_score_never_lowers_the_entry(c: Convention, data: st.DataObject) -> None:
    if not c.sheets:
        return
    i = data.draw(st.integers(0, len(c.sheets) - 1))
    criterion = data.draw(st.sampled_from(c.criteria))
    sheet = c.sheets[i]
    old = sheet.scores[criterion.code]
    new = data.draw(st.floats(old, criterion.max_score))
    raised = [*c.sheets]
    raised[i] = Sheet(sheet.juror_id, sheet.entry_id, {**sheet.scores, criterion.code: new})
    before = {r.entry_id: r.score for r in c.rank().rows}[sheet.entry_id]
    after = {r.entry_id: r.score for r in c.rank(sheets=raised).rows}[sheet.entry_id]
    assert (before is None) == (after is None)
    if before is not None and after is not None:
        assert after >= before


@SETTINGS
@given(
    conventions(),
    st.data(),
    st.sampled_from([-7.0, 0.0, 3.0]),
    st.sampled_from([0.5, 2.0, 3.0, 10.0]),
)
def test_rank_affine_rescale_of_a_criterion_changes_nothing(
    c: Convention, data: st.DataObject, shift: float, factor: float
) -> None:
    target = data.draw(st.sampled_from(c.criteria))

    def move(x: float) -> float:
        return shift + factor * x

    criteria = [
        replace(k, min_score=move(k.min_score), max_score=move(k.max_score)) if k == target else k
        for k in c.criteria
    ]
    sheets = [
        Sheet(s.juror_id, s.entry_id, {**s.scores, target.code: move(s.scores[target.code])})
        for s in c.sheets
    ]
    assert_same_ranking(c.rank(criteria=criteria, sheets=sheets), c.rank(), tolerance=1e-9)


@SETTINGS
@given(conventions(), st.sampled_from([0.25, 3.0, 1000.0]))
def test_rank_scaling_panel_weights_changes_nothing(c: Convention, k: float) -> None:
    panels = [replace(p, weight=p.weight * k) for p in c.panels]
    assert_same_ranking(c.rank(panels=panels), c.rank(), tolerance=1e-9)


@SETTINGS
@given(conventions(methods=["mean"]))
def test_rank_mean_with_one_panel_is_the_mean_of_totals(c: Convention) -> None:
    panel = c.panels[0]
    jurors = [replace(j, panel_id=panel.id) for j in c.jurors]
    ranking = c.rank(panels=[panel], jurors=jurors, conflicts=[], recusals=[], assignments=None)
    sum_w = sum(k.weight for k in c.criteria)
    totals: dict[int, list[float]] = defaultdict(list)
    for s in c.sheets:
        t = sum(
            k.weight * (s.scores[k.code] - k.min_score) / (k.max_score - k.min_score)
            for k in c.criteria
        )
        totals[s.entry_id].append(100 * t / sum_w)
    for row in ranking.rows:
        if row.entry_id in totals:
            assert row.score is not None
            assert abs(row.score - statistics.fmean(totals[row.entry_id])) <= 1e-9
        else:
            assert row.score is None


@SETTINGS
@given(conventions())
def test_rank_ranks_are_competition_ranks_and_awards_follow(c: Convention) -> None:
    ranking = c.rank()
    scored = [r for r in ranking.rows if r.rank is not None]
    unscored = ranking.rows[len(scored) :]
    assert all(r.rank is None and r.score is None and not r.awarded for r in unscored)
    assert [r.entry_id for r in unscored] == sorted(r.entry_id for r in unscored)
    for i, row in enumerate(scored):
        assert row.score is not None
        assert row.awarded == (row.rank is not None and row.rank <= c.top_n)
        if i == 0:
            assert row.rank == 1
            continue
        prev = scored[i - 1]
        assert prev.score is not None
        if row.rank == prev.rank:
            assert row.tied and prev.tied and prev.entry_id < row.entry_id
            assert abs(row.score - prev.score) <= 1e-9 * len(scored)
        else:
            assert row.rank == i + 1
            assert row.score <= prev.score + 1e-9 * len(scored)
    assert sum(r.tied for r in scored) != 1
