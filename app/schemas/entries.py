"""OPDs, entries and their innovators."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar

from pydantic import Field, Strict

from app.enums import Category
from app.schemas.common import (
    Code,
    ConventionRow,
    Id,
    Input,
    LongText,
    Name,
    Nip,
    Output,
    Patch,
    Reason,
    ShortText,
    Title,
    with_examples,
)


class OpdCreate(Input):
    code: Code
    name: Name

    model_config = with_examples(
        {"code": "BAPPEDA", "name": "Badan Perencanaan Pembangunan Daerah"}
    )


class OpdUpdate(Patch):
    code: Code | None = None
    name: Name | None = None


class OpdOut(ConventionRow):
    code: str
    name: str


class InnovatorIn(Input):
    name: Name
    nip: Nip | None = Field(None, description="18-digit NIP (civil-servant number).")


Innovators = Annotated[list[InnovatorIn], Field(max_length=100)]


class InnovatorOut(Output):
    name: str
    nip: str | None


class InnovatorPublicOut(Output):
    name: str


class EntryCreate(Input):
    title: Title
    opd_id: Id
    category: Category
    acronym: ShortText | None = None
    summary: LongText | None = None
    innovators: Innovators = Field(default_factory=list)

    model_config = with_examples(
        {
            "title": "Fasilitator Perencanaan Teladan",
            "acronym": "FASTREN",
            "opd_id": 1,
            "category": "proses",
            "innovators": [{"name": "Rina Marlina", "nip": "198001012005012001"}],
        }
    )


class EntryUpdate(Patch):
    _nullable: ClassVar[frozenset[str]] = frozenset(
        {"acronym", "summary", "disqualification_reason"}
    )

    title: Title | None = None
    opd_id: Id | None = None
    category: Category | None = None
    acronym: ShortText | None = None
    summary: LongText | None = None
    innovators: Innovators | None = None
    disqualified: Annotated[bool, Strict()] | None = Field(
        None,
        description="Disqualify the entry (until the results are final): it and its sheets "
        "leave every computation. Needs `disqualification_reason`.",
    )
    disqualification_reason: Reason | None = None


class _EntryFields(ConventionRow):
    """What the secretariat and a juror both see of an entry."""

    opd_id: int
    title: str
    acronym: str | None
    category: Category
    summary: str | None


class EntryOut(_EntryFields):
    innovators: list[InnovatorOut]
    disqualified: bool = False
    disqualification_reason: str | None = None
    created_at: datetime
    updated_at: datetime


class EntryJurorOut(_EntryFields):
    """An entry as a juror sees it: innovators without their NIP."""

    innovators: list[InnovatorPublicOut]
    created_at: datetime
    updated_at: datetime
