"""A scored stage's ranking and what a stage selects for the next (Step 6, "Inside a
stage")."""

import math
from collections.abc import Mapping

from scoring._engine import TOLERANCE, check_method
from scoring.model import AdvanceRule, Contest, Method, Ranking, RankingWarning, Stage, StageKind
from scoring.stages.rows import _build, _category_ranks, _Line, _ranks, _Tiers
from scoring.stages.run import StageRun, _stage_index, admissions, stage_run


def _advancing(stage: Stage, run: StageRun, lines: Mapping[int, _Line], tiers: _Tiers) -> set[int]:
    """The entries the stage's rule selects (Step 6, "Admission")."""
    rule = stage.advance
    scored = [i for i in run.entry_ids if i in run.scores]
    if rule.rule is AdvanceRule.ALL:
        return set(scored)
    if rule.rule is AdvanceRule.MIN_SCORE:
        low = (rule.min_score if rule.min_score is not None else math.inf) - TOLERANCE
        return {i for i in scored if run.scores[i] >= low}
    count = rule.count if rule.count is not None else 0
    if rule.rule is AdvanceRule.TOP:
        return {i for r, g in _ranks(tiers.ordered()) for i in g if r <= count}
    category_rank, _ = _category_ranks(tiers, lines)
    return {i for i, r in category_rank.items() if r <= count}


def rank_stage(
    contest: Contest,
    stage_id: int,
    method: str = "mean",
    *,
    category: str | None = None,
) -> Ranking:
    """A scored stage's ranking: Steps 1 to 5 inside the stage over its admitted entries
    (Step 6, "Inside a stage"). Rows carry `advances` (the stage's rule as it stands) and
    `awarded` false; `boundary_tie` names a tie at a `top` or `top_per_category` cut. With
    `category`, that category's entries alone (Step 7). A screening stage raises ValueError.
    """
    method = check_method(method)
    stage, run = stage_run(contest, stage_id, method)
    return stage_ranking(contest, stage, run, method, category)


def stage_ranking(
    contest: Contest, stage: Stage, run: StageRun, method: Method, category: str | None
) -> Ranking:
    """`rank_stage` from the stage's run."""
    category_of = {e.id: e.category for e in contest.entries}
    lines: dict[int, _Line] = {}
    for i in run.entry_ids:
        sheets, expected = run.counts(i)
        lines[i] = _Line(
            i,
            run.scores.get(i),
            run.named_panel_scores(i),
            sheets,
            expected,
            category_of.get(i),
        )
    ranked = [i for i in run.entry_ids if i in run.scores]
    tiers = _Tiers([(ranked, run.scores, run.levels())])
    selected = _advancing(stage, run, lines, tiers)
    for i, line in lines.items():
        line.advances = i in selected
    cut = None
    if stage.advance.rule in (AdvanceRule.TOP, AdvanceRule.TOP_PER_CATEGORY):
        cut = (stage.advance.rule, stage.advance.count or 0)
    return _build(
        method,
        contest.top_n,
        tiers,
        lines,
        [i for i in run.entry_ids if i not in run.scores],
        awarded_in_category=False,
        award=False,
        category=category,
        extra_warnings=_stage_warnings(run, lines),
        cut=cut,
    )


def _stage_warnings(run: StageRun, lines: Mapping[int, _Line]) -> list[RankingWarning]:
    n_panels = len(run.panel_names)
    missing = [
        i for i in run.entry_ids if i in run.scores and len(lines[i].panel_scores) < n_panels
    ]
    nobody = [i for i in run.entry_ids if lines[i].expected == 0]
    return [
        RankingWarning("panel_missing", tuple(missing)),
        RankingWarning("no_eligible_juror", tuple(nobody)),
    ]


def selection(
    contest: Contest, stage_id: int, method: str = "mean"
) -> tuple[list[int], Ranking | None]:
    """What a stage's rule selects for the next stage, by entry id: a scored stage's
    `advances`, a screening stage's passed entries; and the stage's ranking (None for
    screening)."""
    index = _stage_index(contest, stage_id)
    stage = contest.stages[index]
    if stage.kind is StageKind.SCREENING:
        admitted = admissions(contest)[index]
        return sorted(i for i in admitted if stage.decisions.get(i) is True), None
    ranking = rank_stage(contest, stage_id, method)
    return sorted(r.entry_id for r in ranking.rows if r.advances), ranking
