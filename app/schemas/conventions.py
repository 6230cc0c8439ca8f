"""Conventions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, ClassVar

from pydantic import BaseModel, Field, Strict

from app.enums import AssignmentMode, AwardScope, ConventionStatus, StageKind
from app.schemas.common import (
    AwardName,
    City,
    Day,
    Input,
    LetterCode,
    Moment,
    Name,
    Output,
    Patch,
    with_examples,
)

Year = Annotated[int, Strict(), Field(ge=1900, le=2200)]
TopN = Annotated[int, Strict(), Field(ge=1, le=10_000)]
AwardNames = Annotated[list[AwardName], Field(max_length=100)]
ZscoreMinSheets = Annotated[int, Strict(), Field(ge=1, le=100_000)]


class ConventionCreate(Input):
    name: Name
    year: Year
    host: Name | None = None
    top_n: TopN = 10
    letter_code: LetterCode = "KONVENSI"
    award_names: AwardNames = Field(default_factory=lambda: ["Juara I", "Juara II", "Juara III"])
    zscore_min_sheets: ZscoreMinSheets = 5
    assignment_mode: AssignmentMode = Field(
        AssignmentMode.ALL,
        description="`all`: every juror judges every entry it has no conflict with; "
        "`assigned`: only the entries the secretariat assigned to it.",
    )
    judging_deadline: Moment | None = Field(
        None, description="After this time sheets are refused (409 `convention-state`)."
    )
    signatory_name: Name | None = None
    signatory_title: Name | None = None
    city: City | None = None
    ceremony_date: Day | None = Field(
        None,
        description="The date printed on the piagam, and the month and year of their letter "
        "numbers (default: the day they are issued, in Asia/Jakarta).",
    )
    award_scope: AwardScope = Field(
        AwardScope.OVERALL,
        description="`overall`: awards to the overall top `top_n`; `per_category`: to each "
        "category's top `top_n`.",
    )

    model_config = with_examples(
        {
            "name": "Konvensi Inovasi Daerah Kota Solok 2018",
            "year": 2018,
            "host": "Pemerintah Kota Solok",
            "top_n": 10,
            "letter_code": "KIP-SLK",
        }
    )


class ConventionUpdate(Patch):
    _nullable: ClassVar[frozenset[str]] = frozenset(
        {"host", "judging_deadline", "signatory_name", "signatory_title", "city", "ceremony_date"}
    )

    name: Name | None = None
    year: Year | None = None
    host: Name | None = None
    top_n: TopN | None = None
    letter_code: LetterCode | None = None
    award_names: AwardNames | None = None
    zscore_min_sheets: ZscoreMinSheets | None = None
    assignment_mode: AssignmentMode | None = None
    judging_deadline: Moment | None = None
    signatory_name: Name | None = None
    signatory_title: Name | None = None
    city: City | None = None
    award_scope: AwardScope | None = None
    ceremony_date: Day | None = Field(
        None, description="The date printed on the piagam (and their letter numbers' month)."
    )
    status: ConventionStatus | None = Field(
        None,
        description="Moves: draft → judging, judging → closed, closed → judging (until results "
        "are published). Anything else is 409 `convention-state`.",
    )

    model_config = with_examples({"status": "judging"})


class CurrentStageOut(Output):
    id: int
    code: str
    name: str
    kind: StageKind


class ConventionWarningOut(BaseModel):
    code: str = Field(description="`incomplete`: entries of the current stage still miss sheets.")
    entry_ids: list[int]


class ConventionOut(Output):
    id: int
    name: str
    year: int
    host: str | None
    top_n: int
    letter_code: str
    award_names: list[str]
    zscore_min_sheets: int
    status: ConventionStatus
    assignment_mode: AssignmentMode
    judging_deadline: datetime | None
    signatory_name: str | None
    signatory_title: str | None
    city: str | None
    award_scope: AwardScope
    ceremony_date: date | None
    current_stage_id: int | None = Field(
        description="The stage being judged: the first stage until the secretariat advances."
    )
    current_stage: CurrentStageOut | None = Field(
        description="The current stage's code, name and kind (for a juror's tablet)."
    )
    created_at: datetime
    updated_at: datetime
    warnings: list[ConventionWarningOut] = Field(
        default_factory=list,
        description="On closing: entries of the current stage that still miss sheets.",
    )
