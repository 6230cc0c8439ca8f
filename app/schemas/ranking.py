"""Rankings and published results."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from scoring import Method


class RankingRowOut(BaseModel):
    rank: int | None
    entry_id: int
    title: str
    acronym: str | None
    opd_code: str
    score: float | None
    panel_scores: dict[str, float]
    sheet_count: int
    expected_sheet_count: int
    complete: bool
    tied: bool
    awarded: bool


class RankingWarningOut(BaseModel):
    code: Literal["boundary_tie", "panel_missing", "no_eligible_juror"]
    entry_ids: list[int]


class RankingOut(BaseModel):
    convention_id: int
    method: Method
    top_n: int
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
    allow_incomplete: bool | None = Field(
        None,
        description="`false` refuses to publish while entries miss sheets (409); omitted or "
        "`true` publishes and records the incomplete entries.",
    )
