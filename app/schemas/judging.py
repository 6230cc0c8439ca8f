"""Recusals, assignments, progress and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field

from app.enums import SheetState
from app.schemas.common import Id, Input, Note, Output, UniqueIds


class RecusalIn(Input):
    entry_id: Id
    reason: Note | None = None


class RecusalOut(Output):
    juror_id: int
    entry_id: int
    reason: str | None
    created_at: datetime


class AssignmentItem(Input):
    juror_id: Id
    entry_id: Id


class AssignmentsIn(Input):
    items: Annotated[list[AssignmentItem], Field(min_length=1, max_length=100_000)]


class JurorAssignmentsIn(Input):
    entry_ids: UniqueIds


class AssignmentOut(Output):
    juror_id: int
    entry_id: int


class EntryProgress(BaseModel):
    entry_id: int
    title: str
    acronym: str | None
    state: SheetState
    version: int | None = None


class JurorProgressOut(BaseModel):
    convention_id: int
    stage_id: int = Field(description="The current stage, which progress follows.")
    juror_id: int
    to_score: int = Field(description="Entries this juror is expected to score.")
    not_started: int
    draft: int
    submitted: int
    conflicts: int = Field(description="Entries left out by conflicts of interest or recusal.")
    entries: list[EntryProgress]


class JurorSummary(BaseModel):
    juror_id: int
    username: str
    full_name: str
    panel_id: int
    expected: int
    submitted: int
    draft: int
    not_started: int
    conflicts: int
    recusals: int


class ConventionProgressOut(BaseModel):
    convention_id: int
    stage_id: int = Field(description="The current stage, which progress follows.")
    entries: int
    expected_sheets: int
    submitted_sheets: int
    draft_sheets: int
    complete_entries: int
    jurors: list[JurorSummary]


class EntryCompleteness(BaseModel):
    entry_id: int
    title: str
    expected_sheet_count: int
    sheet_count: int
    complete: bool
    missing_juror_ids: list[int]


class AuditEventOut(Output):
    id: int
    at: datetime
    actor_id: int | None
    actor_username: str | None
    action: str
    target_type: str
    target_id: int | None
    juror_id: int | None
    entry_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
