"""Stages of judging: the stage resource, screening decisions, advancing."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, Field, Strict

from app.enums import AdvanceRule, StageKind, StageState
from app.schemas.common import (
    Code,
    ConventionRow,
    Id,
    Input,
    Name,
    Output,
    Patch,
    Reason,
    Score,
    UniqueIds,
    with_examples,
)
from scoring import Method

StageWeight = Annotated[float, Strict(), Field(ge=0, le=1e9, allow_inf_nan=False)]
Position = Annotated[int, Strict(), Field(ge=1, le=1000)]


class AdvanceAll(Input):
    rule: Literal[AdvanceRule.ALL]


class AdvanceTop(Input):
    rule: Literal[AdvanceRule.TOP, AdvanceRule.TOP_PER_CATEGORY]
    count: Annotated[int, Strict(), Field(ge=1, le=1_000_000)] | None = Field(
        None, description="How many entries (per category with `top_per_category`); required."
    )


class AdvanceMinScore(Input):
    rule: Literal[AdvanceRule.MIN_SCORE]
    min_score: Score | None = Field(
        None, description="The lowest stage score that advances; required."
    )


Advance = Annotated[AdvanceAll | AdvanceTop | AdvanceMinScore, Field(discriminator="rule")]


class StageCreate(Input):
    code: Code
    name: Name
    kind: StageKind = StageKind.SCORED
    weight: StageWeight | None = Field(
        None, description="The stage's weight in the final score (default 1; 0 for screening)."
    )
    panel_ids: UniqueIds | None = Field(
        None,
        description="The panels that judge it; null (default): every panel of the convention, "
        "including panels created later. Null or empty for a screening stage.",
    )
    advance: Advance | None = Field(
        None,
        description='The rule that shortlists for the next stage (default `{"rule": "all"}`); '
        "a screening stage takes none (it advances the entries that passed).",
    )
    position: Position | None = Field(
        None, description="1-based; default last. Never before a `done` stage."
    )

    model_config = with_examples(
        {
            "code": "PROPOSAL",
            "name": "Evaluasi Proposal",
            "weight": 70,
            "advance": {"rule": "top", "count": 10},
        }
    )


class StageUpdate(Patch):
    _nullable: ClassVar[frozenset[str]] = frozenset({"panel_ids", "advance"})

    code: Code | None = None
    name: Name | None = None
    kind: StageKind | None = None
    weight: StageWeight | None = None
    panel_ids: UniqueIds | None = None
    advance: Advance | None = None
    position: Position | None = None


class AdvanceOut(BaseModel):
    rule: AdvanceRule
    count: int | None = None
    min_score: float | None = None


class StageOut(ConventionRow):
    code: str
    name: str
    kind: StageKind
    weight: float
    position: int
    panel_ids: list[int] | None
    advance: AdvanceOut | None
    state: StageState
    advanced_at: datetime | None
    created_at: datetime
    updated_at: datetime


class DecisionIn(Input):
    passed: Annotated[bool, Strict()]
    reason: Reason | None = Field(None, description="Required when the entry does not pass.")

    model_config = with_examples({"passed": False, "reason": "Berkas tidak lengkap"})


class DecisionOut(Output):
    stage_id: int
    entry_id: int
    passed: bool
    reason: str | None
    decided_at: datetime
    decided_by: int | None


class AdvanceIn(Input):
    method: Method = Method.MEAN
    add: UniqueIds = Field(
        default_factory=list, description="Entries of the stage the rule did not select."
    )
    remove: UniqueIds = Field(default_factory=list, description="Entries the rule selected.")
    reason: Reason | None = Field(None, description="Required when `add` or `remove` is not empty.")


class StageWarningOut(BaseModel):
    code: str
    entry_ids: list[int]


class AdvancePreviewOut(BaseModel):
    stage_id: int
    next_stage_id: int | None
    entry_ids: list[int] = Field(description="The entries admitted to the next stage.")
    warnings: list[StageWarningOut]


class StageResultOut(BaseModel):
    stage_id: int
    method: Method
    rows: list[dict[str, Any]]
    warnings: list[StageWarningOut]
    entry_ids: list[int] = Field(description="The entries admitted to the next stage.")
    added_entry_ids: list[int]
    removed_entry_ids: list[int]
    reason: str | None
    created_at: datetime


__all__ = [
    "AdvanceIn",
    "AdvanceOut",
    "AdvancePreviewOut",
    "DecisionIn",
    "DecisionOut",
    "Id",
    "StageCreate",
    "StageOut",
    "StageResultOut",
    "StageUpdate",
]
