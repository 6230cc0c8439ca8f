"""Konvensi scoring: the ranking rule of docs/scoring.md as pure functions over plain data.

Standard library only; nothing here knows about the web layer or the database.
"""

from scoring.agreement import panel_agreement, panel_rankings
from scoring.eligibility import Eligibility
from scoring.model import (
    METHODS,
    Advance,
    AdvanceRule,
    AwardScope,
    Contest,
    Criterion,
    Entry,
    Explanation,
    Juror,
    JurorTotal,
    Method,
    Panel,
    PanelAgreement,
    Ranking,
    RankingRow,
    RankingWarning,
    Sheet,
    Stability,
    StabilityRow,
    Stage,
    StageKind,
    Verdict,
)
from scoring.ranking import disagreements, explain, explain_in, rank
from scoring.reliability import (
    Alpha,
    JurorLeniency,
    PanelAlpha,
    StageAgreement,
    juror_totals,
    krippendorff_alpha,
    leniency,
    stage_agreement,
)
from scoring.stability import stability
from scoring.stages import admissions, rank_final, rank_stage, selection

__all__ = [
    "METHODS",
    "Advance",
    "AdvanceRule",
    "Alpha",
    "AwardScope",
    "Contest",
    "Criterion",
    "Eligibility",
    "Entry",
    "Explanation",
    "Juror",
    "JurorLeniency",
    "JurorTotal",
    "Method",
    "Panel",
    "PanelAgreement",
    "PanelAlpha",
    "Ranking",
    "RankingRow",
    "RankingWarning",
    "Sheet",
    "Stability",
    "StabilityRow",
    "Stage",
    "StageAgreement",
    "StageKind",
    "Verdict",
    "admissions",
    "disagreements",
    "explain",
    "explain_in",
    "juror_totals",
    "krippendorff_alpha",
    "leniency",
    "panel_agreement",
    "panel_rankings",
    "rank",
    "rank_final",
    "rank_stage",
    "selection",
    "stability",
    "stage_agreement",
]
