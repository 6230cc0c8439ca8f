"""The rubric: criteria and panels."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field, Strict, ValidationInfo, field_validator

from app.schemas.common import (
    Code,
    Id,
    Input,
    LongText,
    Name,
    Output,
    PanelName,
    Patch,
    PositiveNumber,
    Score,
    with_examples,
)

TieBreakRank = Annotated[int, Strict(), Field(ge=1, le=1000)]


class CriterionCreate(Input):
    stage_id: Id | None = Field(None, description="The stage it belongs to (default: the first).")
    code: Code
    name: Name
    description: LongText | None = None
    weight: PositiveNumber
    min_score: Score = 0.0
    max_score: Score
    step: PositiveNumber | None = Field(
        None,
        description="When set, a score must be `min_score` plus a whole multiple of `step` "
        "(e.g. 0.5 allows 7.5). Unset: any number in range.",
    )
    tie_break_rank: TieBreakRank | None = None

    model_config = with_examples(
        {
            "code": "KEBARUAN",
            "name": "Kebaruan",
            "weight": 25,
            "min_score": 1,
            "max_score": 10,
            "tie_break_rank": 2,
        }
    )

    @field_validator("max_score")
    @classmethod
    def _above_min(cls, value: float, info: ValidationInfo) -> float:
        # A field validator, not a model one, so that the 422 names max_score.
        low = info.data.get("min_score")
        if low is not None and value <= low:
            raise ValueError("must be greater than min_score")
        return value


class CriterionUpdate(Patch):
    _nullable: ClassVar[frozenset[str]] = frozenset({"description", "step", "tie_break_rank"})

    stage_id: Id | None = None
    code: Code | None = None
    name: Name | None = None
    description: LongText | None = None
    weight: PositiveNumber | None = None
    min_score: Score | None = None
    max_score: Score | None = None
    step: PositiveNumber | None = None
    tie_break_rank: TieBreakRank | None = None


class CriterionOut(Output):
    id: int
    convention_id: int
    stage_id: int
    code: str
    name: str
    description: str | None
    weight: float
    min_score: float
    max_score: float
    step: float | None
    tie_break_rank: int | None


class PanelCreate(Input):
    name: PanelName
    weight: PositiveNumber = 1.0

    model_config = with_examples({"name": "LAN"})


class PanelUpdate(Patch):
    name: PanelName | None = None
    weight: PositiveNumber | None = None


class PanelOut(Output):
    id: int
    convention_id: int
    name: str
    weight: float
