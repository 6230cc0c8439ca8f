"""The answer of a bulk import."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.entries import EntryOut, OpdOut
from app.schemas.jurors import JurorOut


class ImportFile(BaseModel):
    """The multipart body of an import (documentation only: the route reads it by hand)."""

    file: bytes = Field(
        description="A CSV (UTF-8, with or without BOM; comma or semicolon) or an XLSX "
        "workbook (its first sheet)."
    )


class JurorImportedOut(JurorOut):
    """A juror created by an import, with the password generated for it (shown this once)."""

    password: str | None = Field(
        description="The generated password, in this answer only; null when the file gave one."
    )


class ImportOut(BaseModel):
    created: int = Field(description="Rows created (a dry run: rows that would be).")
    skipped: int = Field(description="Rows skipped because their key exists (`existing=skip`).")
    skipped_rows: list[int] = Field(description="The numbers of the skipped rows.")
    dry_run: bool
    items: list[OpdOut] | list[EntryOut] | list[JurorImportedOut] = Field(
        description="The created resources as their `GET` shows them (empty in a dry run)."
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "created": 1,
                    "skipped": 1,
                    "skipped_rows": [1],
                    "dry_run": False,
                    "items": [
                        {
                            "id": 12,
                            "convention_id": 1,
                            "code": "DISPORA",
                            "name": "Dinas Pemuda dan Olahraga",
                        }
                    ],
                }
            ]
        }
    )
