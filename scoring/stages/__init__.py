"""Stages, the final ranking and categories: docs/scoring.md Steps 6 and 7 (and 1 to 5 inside
each stage, through ``Engine``).

A scored stage is ranked on its own (its criteria, the panels that judge it, its admitted
entries and its sheets). The final ranking weighs the stages an entry reached and orders by
reach first; a category's ranking is the same order among the category's entries alone. With
one stage, all of this is Steps 1 to 5 exactly.

The parts: ``order`` (Step 4's groups and keys), ``run`` (Steps 1 to 3 inside a stage, and
who is admitted to it), ``rows`` (a ranking's rows from an order: ranks, awards, warnings),
``stage`` (a stage's ranking and what it selects), ``final`` (Step 6's final ranking).
"""

from scoring.stages.final import FinalPlan, final_levels, final_plan, final_ranking, rank_final
from scoring.stages.order import Key, Level, Ordered, chain_groups, order
from scoring.stages.run import StageRun, admissions, stage_run, stage_runs
from scoring.stages.stage import rank_stage, selection, stage_ranking

__all__ = [
    "FinalPlan",
    "Key",
    "Level",
    "Ordered",
    "StageRun",
    "admissions",
    "chain_groups",
    "final_levels",
    "final_plan",
    "final_ranking",
    "order",
    "rank_final",
    "rank_stage",
    "selection",
    "stage_ranking",
    "stage_run",
    "stage_runs",
]
