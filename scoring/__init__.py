"""Konvensi scoring: the ranking rule of docs/scoring.md as pure functions over plain data.

Standard library only; nothing here knows about the web layer or the database.
"""

from scoring.agreement import panel_agreement, panel_rankings
from scoring.eligibility import Eligibility
from scoring.model import (
    METHODS,
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
)
from scoring.ranking import disagreements, explain, rank
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

__all__ = [
    "METHODS",
    "Alpha",
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
    "StageAgreement",
    "disagreements",
    "explain",
    "juror_totals",
    "krippendorff_alpha",
    "leniency",
    "panel_agreement",
    "panel_rankings",
    "rank",
    "stage_agreement",
]
