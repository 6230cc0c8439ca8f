"""Answers that explain a ranking: one entry's arithmetic, the panels' agreement, and a
published ranking checked against today's sheets; and the small answers of a few writes.

The routes that answer these serialise plain dicts for speed; these models document them
(tests check the real answers against them)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from app.enums import Category
from app.schemas.ranking import RankingRowOut
from scoring import Method


class ExplainRowOut(RankingRowOut):
    decided_by: str | None = Field(
        description="What set the entry's place apart from its neighbours: `score`, a tie-break "
        "criterion's code, or null when tied."
    )
    keys: list[float | None] = Field(description="The sort keys: score, then tie-break values.")


class JurorTotalOut(BaseModel):
    juror_id: int
    panel_id: int
    panel: str | None = Field(description="The panel's name.")
    total: float = Field(description="T(j, e): the juror's weighted total out of 100.")
    adjusted: float | None = Field(description="T'(j, e) under `zscore`; otherwise null.")
    contributions: dict[str, float] = Field(
        description="Criterion code → 100 w q / sum w: they add up to `total`."
    )


class CriterionWeightOut(BaseModel):
    code: str
    weight: float
    min_score: float
    max_score: float
    tie_break_rank: int | None


Verdict = Literal["stable_in", "stable_out", "cusp"]


class StabilityRowOut(BaseModel):
    entry_id: int
    rank: int | None
    rank_min: int | None = Field(description="The best rank with any one juror left out.")
    rank_max: int | None = Field(description="The worst rank with any one juror left out.")
    awarded_share: float | None = Field(
        description="The share of the rankings with one juror left out that award it (advance "
        "it, in a stage's ranking); null when no juror can be left out."
    )
    verdict: Verdict = Field(
        description="`stable_in`: awarded whoever is left out; `stable_out`: never awarded; "
        "`cusp`: its award hangs on a single juror."
    )


class StabilityOut(BaseModel):
    convention_id: int
    method: Method
    stage_id: int | None
    category: Category | None
    jurors_left_out: int = Field(description="|J|: the jurors left out in turn.")
    rows: list[StabilityRowOut]


class JurorRefOut(BaseModel):
    juror_id: int
    full_name: str | None


class EntryStabilityOut(StabilityRowOut):
    jurors_left_out: int
    changed_by: list[JurorRefOut] = Field(
        description="The jurors whose absence alone would change the entry's award."
    )


class ExplainOut(BaseModel):
    entry_id: int
    method: Method
    stage_id: int = Field(description="The stage whose sheets these numbers come from.")
    row: ExplainRowOut
    jurors: list[JurorTotalOut]
    panel_scores: dict[str, float]
    panel_weights: dict[str, float]
    score: float | None
    tie_break_keys: dict[str, float]
    decided_by: str | None
    criteria: list[CriterionWeightOut]
    stability: EntryStabilityOut | None = Field(
        description="Step 8 for the entry in the same ranking; null when it has no place in it."
    )


class PanelPairOut(BaseModel):
    panel_a: str
    panel_b: str
    entries: int
    kendall_tau: float | None
    spearman_rho: float | None


class PanelRankOut(BaseModel):
    rank: int
    entry_id: int
    score: float


class DisagreementOut(BaseModel):
    entry_id: int
    spread: float = Field(description="max T - min T over the entry's jurors in the stage.")
    stage_id: int


class PanelAlphaOut(BaseModel):
    panel_id: int
    panel_name: str
    krippendorff_alpha: float | None
    pairable_entries: int


class JurorLeniencyOut(BaseModel):
    juror_id: int
    leniency: float | None
    leniency_n: int


class StageAgreementOut(BaseModel):
    stage_id: int
    panels: list[PanelAlphaOut]
    jurors: list[JurorLeniencyOut]


class AgreementOut(BaseModel):
    convention_id: int
    method: Method
    pairs: list[PanelPairOut]
    panel_rankings: dict[str, list[PanelRankOut]]
    disagreement_threshold: float
    disagreements: list[DisagreementOut]
    stages: list[StageAgreementOut] = Field(description="One per scored stage (Step 9).")


class ChangedSheetOut(BaseModel):
    sheet_id: int
    juror_id: int
    entry_id: int


class ResultsCheckOut(BaseModel):
    convention_id: int
    method: Method
    matches: bool = Field(description="Today's sheets give the published ranking exactly.")
    changed_sheets: list[ChangedSheetOut] = Field(description="At most 1,000.")
    differing_entry_ids: list[int] = Field(description="At most 1,000.")


class HealthOut(BaseModel):
    status: str = Field(examples=["ok"])


class AssignmentsAddedOut(BaseModel):
    added: int = Field(description="Pairs newly assigned.")
    unchanged: int = Field(description="Pairs of the request that were already assigned.")
    total: int = Field(description="Assignments of the convention now.")


class JurorAssignmentsOut(BaseModel):
    juror_id: int
    entry_ids: list[int]


class JurorCertificatesOut(BaseModel):
    issued_certificates: int
