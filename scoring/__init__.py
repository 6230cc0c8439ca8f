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

__all__ = [
    "METHODS",
    "Criterion",
    "Eligibility",
    "Entry",
    "Explanation",
    "Juror",
    "JurorTotal",
    "Method",
    "Panel",
    "PanelAgreement",
    "Ranking",
    "RankingRow",
    "RankingWarning",
    "Sheet",
    "disagreements",
    "explain",
    "panel_agreement",
    "panel_rankings",
    "rank",
]
