"""Score sheets and the offline sync of a tablet's queue."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

from app.enums import SheetStatus, SyncOutcome
from app.schemas.common import Score, with_examples
from app.services.sheets.rules import MAX_COMMENT, MAX_SCORES, MAX_SYNC_SCORES, MAX_SYNC_SHEETS


class SheetIn(BaseModel):
    """The body of a sheet `PUT`. (Parsed by hand on the hot path, in the contract's order of
    checks; this model documents it.)"""

    model_config = with_examples(
        {
            "scores": {"KEBARUAN": 8, "KEMANFAATAN": 7.5},
            "comment": "Sudah direplikasi",
            "submit": False,
        }
    )

    scores: Annotated[dict[str, Score], Field(max_length=MAX_SCORES)] = Field(
        description="Criterion code → score within its range. A draft may hold some criteria; "
        "`submit: true` needs every one."
    )
    comment: Annotated[str, StringConstraints(max_length=MAX_COMMENT)] | None = None
    submit: bool = False


class SheetOut(BaseModel):
    entry_id: int
    juror_id: int
    stage_id: int
    scores: dict[str, float]
    comment: str | None
    status: SheetStatus
    version: int
    updated_at: datetime
    submitted_at: datetime | None = None


class SyncItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entry_id: Annotated[int, Strict()]
    stage_id: Annotated[int, Strict()] | None = Field(
        None,
        description="The stage the tablet scored it in; when it is no longer the current "
        "stage, the item is refused (409 `convention-state`) and nothing is written.",
    )
    # Each item is judged on its own with the rules of PUT (a bad one is `invalid`, the rest
    # apply), so these are read loosely here and documented as PUT's body has them.
    scores: Annotated[
        dict[str, Any],
        Field(max_length=MAX_SCORES),
        WithJsonSchema(
            {
                "type": "object",
                "additionalProperties": {"type": "number"},
                "maxProperties": MAX_SCORES,
                "description": "Criterion code → score, as in the sheet PUT.",
            }
        ),
    ]
    comment: Annotated[
        Any,
        WithJsonSchema({"anyOf": [{"type": "string", "maxLength": MAX_COMMENT}, {"type": "null"}]}),
    ] = None
    submit: Annotated[Any, WithJsonSchema({"type": "boolean", "default": False})] = False
    base_version: Annotated[int, Strict(), Field(ge=1)] | None = Field(
        None,
        description="The version the tablet last saw (like `If-Match`); omit to write "
        "unconditionally.",
    )


class SyncIn(BaseModel):
    """Sheets a tablet queued while offline; each is applied on its own, in order."""

    model_config = with_examples(
        {
            "sheets": [
                {"entry_id": 1, "scores": {"KEBARUAN": 8}, "submit": False},
                {
                    "entry_id": 2,
                    "base_version": 3,
                    "scores": {"KEBARUAN": 9, "KEMANFAATAN": 8},
                    "submit": True,
                },
            ]
        }
    )

    sheets: Annotated[list[SyncItem], Field(min_length=1, max_length=MAX_SYNC_SHEETS)] = Field(
        description=f"At most {MAX_SYNC_SHEETS} sheets holding at most {MAX_SYNC_SCORES} scores "
        "in all."
    )

    @field_validator("sheets")
    @classmethod
    def _bounded(cls, sheets: list[SyncItem]) -> list[SyncItem]:
        # Each item's faults are named in its answer: a flood of unknown codes spread over
        # many items would answer megabytes. No real queue comes near (500 sheets of 100
        # criteria).
        total = sum(len(item.scores) for item in sheets)
        if total > MAX_SYNC_SCORES:
            raise PydanticCustomError(
                "too_many_scores",
                "may hold at most {most} scores in all, not {total}",
                {"most": MAX_SYNC_SCORES, "total": total},
            )
        return sheets


class SyncResult(BaseModel):
    entry_id: int
    outcome: SyncOutcome = Field(
        description="`accepted`: written; `unchanged`: the server already had it; "
        "`conflict`: the server's version differs (412) or the sheet is final (409) — see "
        "`sheet`; `invalid`: 422, see `problem`; `refused`: 403/404/409 convention-state."
    )
    status: int = Field(description="The HTTP status a single PUT would have answered.")
    sheet: SheetOut | None = None
    # Kept whole (a problem may carry more members, like `current_version`).
    problem: Annotated[
        dict[str, Any] | None,
        WithJsonSchema(
            {"anyOf": [{"$ref": "#/components/schemas/Problem"}, {"type": "null"}], "default": None}
        ),
    ] = None


class SyncOut(BaseModel):
    results: list[SyncResult]
