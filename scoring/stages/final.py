"""The final ranking (Step 6): F over the weighted stages an entry reached, by reach first."""

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from scoring._engine import check_method
from scoring.model import AwardScope, Contest, Method, Ranking, RankingWarning, Stage, StageKind
from scoring.stages.order import Level
from scoring.stages.rows import _build, _Line, _Tiers
from scoring.stages.run import StageRun, admissions


@dataclass(frozen=True, slots=True)
class FinalPlan:
    """Step 6 for every entry with a reach, by stage index: r(e) (`reach`), t(e)
    (`scored_reach`, for the entries that have one) and U(e) (`used`); and the runs of the
    scored stages that admit someone."""

    stages: tuple[Stage, ...]
    runs: dict[int, StageRun]
    reach: dict[int, int]
    scored_reach: dict[int, int]
    used: dict[int, tuple[int, ...]]
    k1: bool
    """More than one scored stage: S_t(e) is the key K1 of the final order."""

    def final(self, entry_id: int, scores: Callable[[int], Mapping[int, float]]) -> float | None:
        """F(e) from the stages' scores (`scores(i)`: entry id -> S_i): the V-weighted mean
        over U(e), missing when one is missing; S_t(e) when U(e) is empty."""
        used = self.used[entry_id]
        if used:
            runs = self.runs
            values = [scores(i).get(entry_id) if i in runs else None for i in used]
            present = [v for v in values if v is not None]
            if len(present) < len(values):
                return None
            weights = [self.stages[i].weight for i in used]
            weighted = math.fsum(w * v for w, v in zip(weights, present, strict=True))
            return weighted / math.fsum(weights)
        t = self.scored_reach.get(entry_id)
        if t is None or t not in self.runs:
            return None
        return scores(t).get(entry_id)


def final_plan(contest: Contest, method: Method) -> FinalPlan:
    """Every scored stage's run (Steps 1 to 3 inside it) and each entry's reach (Step 6)."""
    stages = contest.stages
    if not stages:
        raise ValueError("a contest has at least one stage")
    admitted = admissions(contest)
    scored_index = [i for i, s in enumerate(stages) if s.kind is StageKind.SCORED]
    runs: dict[int, StageRun] = {}
    for i in scored_index:
        if admitted[i]:
            everyone = i == 0 and stages[0].admitted is None
            runs[i] = StageRun(contest, stages[i], None if everyone else admitted[i], method)
    reach_of: dict[int, int] = {}
    scored_reach: dict[int, int] = {}
    used: dict[int, tuple[int, ...]] = {}
    for e in sorted(e.id for e in contest.entries):
        reach = max((i for i, a in enumerate(admitted) if e in a), default=None)
        if reach is None:
            continue
        reach_of[e] = reach
        t = max((i for i in scored_index if i <= reach), default=None)
        if t is not None:
            scored_reach[e] = t
        used[e] = tuple(i for i in scored_index if i <= reach and stages[i].weight > 0)
    return FinalPlan(stages, runs, reach_of, scored_reach, used, len(scored_index) > 1)


def final_levels(plan: FinalPlan, t: int) -> list[Level]:
    """The keys after K0 = F of the final order inside a reach whose scored reach is t:
    K1 = S_t (with more than one scored stage), then the tie-break criteria of stage t."""
    run = plan.runs[t]
    levels: list[Level] = []
    if plan.k1:
        levels.append((f"stage:{plan.stages[t].code}", _stage_key(run)))
    levels.extend(run.levels())
    return levels


def _stage_key(run: StageRun) -> Callable[[list[int]], Mapping[int, float]]:
    """K1 of the final order: S_t(e)."""
    scores = run.scores
    return lambda _need: scores


def rank_final(
    contest: Contest,
    method: str = "mean",
    *,
    category: str | None = None,
    extras: bool = True,
) -> Ranking:
    """The final ranking (Step 6): F(e) over the weighted scored stages an entry reached,
    ordered by reach (the later stage first), then Step 4 on F, S_t(e) and the tie-break
    criteria of stage t(e); Step 5 on that list (overall, or in each category with
    `per_category`). With `category`, that category's ranking alone (Step 7). With one stage
    this is Steps 1 to 5 exactly. Without `extras`, rows leave out `category_rank` and
    `reach_stage_id` (the plain Steps 1 to 5 of ``scoring.rank``)."""
    method = check_method(method)
    return final_ranking(contest, final_plan(contest, method), method, category, extras)


def final_ranking(
    contest: Contest,
    plan: FinalPlan,
    method: Method,
    category: str | None = None,
    extras: bool = True,
) -> Ranking:
    """`rank_final` from the plan."""
    stages = plan.stages
    runs = plan.runs
    multi = len(stages) > 1
    category_of = {e.id: e.category for e in contest.entries}
    lines: dict[int, _Line] = {}
    final: dict[int, float] = {}
    by_reach: dict[int, list[int]] = {}
    missing_stage: list[int] = []
    missing_panel: list[int] = []
    nobody: list[int] = []
    scores_of = _scores_of(runs)
    for e, reach in plan.reach.items():
        t = plan.scored_reach.get(e)
        run = runs.get(t) if t is not None else None
        if run is not None:
            sheets, expected = run.counts(e)
            panel_scores = run.named_panel_scores(e)
            if e in run.scores and len(panel_scores) < len(run.panel_names):
                missing_panel.append(e)
            if expected == 0:
                nobody.append(e)
        else:
            sheets, expected, panel_scores = 0, 0, {}
        stage_scores = {
            stages[i].code: r.scores[e] for i, r in runs.items() if i <= reach and e in r.scores
        }
        f = plan.final(e, scores_of)
        if f is None and plan.used[e] and multi:
            missing_stage.append(e)
        lines[e] = _Line(
            e,
            f,
            panel_scores,
            sheets,
            expected,
            category_of[e],
            stages[reach].id if extras else None,
            stage_scores if multi else None,
        )
        if f is not None:
            final[e] = f
            by_reach.setdefault(reach, []).append(e)
    tiers: list[tuple[list[int], Mapping[int, float], list[Level]]] = []
    for reach in sorted(by_reach, reverse=True):
        items = by_reach[reach]
        tiers.append((items, final, final_levels(plan, plan.scored_reach[items[0]])))
    warnings = [
        RankingWarning("panel_missing", tuple(missing_panel)),
        RankingWarning("no_eligible_juror", tuple(nobody)),
        RankingWarning("stage_missing", tuple(missing_stage)),
    ]
    return _build(
        method,
        contest.top_n,
        _Tiers(tiers),
        lines,
        [e for e in lines if e not in final],
        awarded_in_category=contest.award_scope is AwardScope.PER_CATEGORY,
        award=True,
        category=category,
        extra_warnings=warnings,
        extras=extras,
    )


def _scores_of(runs: Mapping[int, StageRun]) -> Callable[[int], Mapping[int, float]]:
    return lambda i: runs[i].scores
