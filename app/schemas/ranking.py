"""Rankings and published results."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, StringConstraints

from app.enums import Category, ObjectionStatus, ResultStatus
from app.schemas.common import Id, Output, Reason, RequiredReason, VisibleName, with_examples
from scoring import Method
from scoring.model import WarningCode


class RankingRowOut(BaseModel):
    rank: int | None
    entry_id: int
    title: str
    acronym: str | None
    opd_code: str
    category: Category
    category_rank: int | None = Field(description="The entry's rank inside its category.")
    score: float | None
    panel_scores: dict[str, float]
    sheet_count: int
    expected_sheet_count: int
    complete: bool
    tied: bool
    awarded: bool
    advances: bool | None = Field(
        None, description="A stage's ranking: selected by the stage's advance rule as it stands."
    )
    reach_stage_id: int | None = Field(
        None, description="The final ranking: the last stage the entry was admitted to."
    )
    stage_scores: dict[str, float] | None = Field(
        None, description="The final ranking: the entry's score in each scored stage, by code."
    )


class RankingWarningOut(BaseModel):
    code: WarningCode
    entry_ids: list[int]


class RankingOut(BaseModel):
    convention_id: int
    method: Method
    top_n: int
    stage_id: int | None = Field(None, description="A stage's ranking; null: the final one.")
    category: Category | None = Field(None, description="A category's ranking alone.")
    rows: list[RankingRowOut]
    warnings: list[RankingWarningOut]


class ResultsOut(RankingOut):
    status: ResultStatus = Field(
        description="`provisional` while objections may be filed (until `objection_deadline`), "
        "then `final` and immutable."
    )
    objection_days: int
    objection_deadline: datetime | None
    finalized_at: datetime | None
    published_at: datetime
    rubric: dict[str, Any]
    sheets_digest: str = Field(description="SHA-256 over the hashes of every counted sheet.")
    sheet_count: int
    allow_incomplete: bool = Field(description="Published while some entries missed sheets.")
    incomplete_entry_ids: list[int]


class PublishIn(BaseModel):
    model_config = with_examples({"method": "mean"})

    method: Method = Method.MEAN
    allow_incomplete: bool = Field(
        False,
        description="`false` (default) refuses to publish while entries miss sheets (409 "
        "`incomplete` naming them); `true` publishes and records the incomplete entries.",
    )
    objection_days: Annotated[int, Strict(), Field(ge=0, le=365)] = Field(
        0,
        description="0: the results are final at once. N > 0: they are provisional for N days, "
        "in which anyone may object (`POST …/objections`).",
    )


class WithdrawIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: RequiredReason


class WithdrawnOut(BaseModel):
    convention_id: int
    withdrawn: bool
    reason: str
    voided_objection_ids: list[int]
    results: ResultsOut


class ObjectionIn(BaseModel):
    """A public objection to provisional results."""

    model_config = with_examples(
        {
            "entry_id": 3,
            "name": "Budi Santoso",
            "contact": "budi@example.id",
            "reason": "Inovasi ini sudah diterapkan di daerah lain sejak 2015.",
        }
    )

    entry_id: Id
    name: VisibleName
    contact: VisibleName
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=20, max_length=2000)]


class ObjectionReceiptOut(BaseModel):
    id: int
    receipt: str = Field(description="Keep it: it names the objection to the secretariat.")
    status: ObjectionStatus


class ObjectionOut(Output):
    id: int
    convention_id: int
    entry_id: int
    name: str
    contact: str
    reason: str
    receipt: str
    status: ObjectionStatus
    resolution: str | None
    created_at: datetime
    resolved_at: datetime | None
    resolved_by: int | None


class ObjectionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal[ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED]
    resolution: Reason | None = None
