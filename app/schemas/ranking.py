"""Rankings and published results."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.enums import Category
from scoring import Method


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
    code: Literal["boundary_tie", "panel_missing", "no_eligible_juror", "stage_missing"]
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
    published_at: str
    rubric: dict[str, Any]
    sheets_digest: str = Field(description="SHA-256 over the hashes of every counted sheet.")
    sheet_count: int
    allow_incomplete: bool = Field(description="Published while some entries missed sheets.")
    incomplete_entry_ids: list[int]


class PublishIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"method": "mean"}]})

    method: Method = Method.MEAN
    allow_incomplete: bool = Field(
        False,
        description="`false` (default) refuses to publish while entries miss sheets (409 "
        "`incomplete` naming them); `true` publishes and records the incomplete entries.",
    )
