"""Awards, certificates (piagam) and rewards."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, Field, Strict

from app.enums import (
    Category,
    CertificateKind,
    CertificateStatus,
    RecipientType,
    RewardKind,
    RewardStatus,
)
from app.schemas.common import Id, Input, Name, Note, Output, Patch, RequiredReason, with_examples

AmountIdr = Annotated[int, Strict(), Field(ge=0, le=10**15)]


class AwardOut(Output):
    id: int
    entry_id: int
    rank: int = Field(
        description="The overall rank, or the category rank with per-category awards."
    )
    name: str
    category: Category | None = Field(None, description="With per-category awards: its category.")
    title: str | None = None
    acronym: str | None = None
    opd_id: int | None = None
    opd_code: str | None = None
    opd_name: str | None = None
    innovators: list[str] = Field(default_factory=list)


class _CertificateFields(BaseModel):
    """What every view of a certificate starts with: who it is for."""

    id: int
    number: str
    code: str
    kind: CertificateKind
    recipient_type: RecipientType
    recipient_name: str
    entry_id: int | None


class CertificateOut(Output, _CertificateFields):
    rank: int | None
    category: Category | None = None
    issued_at: datetime
    award_name: str | None = None
    entry_title: str | None = None
    opd_name: str | None = None
    status: CertificateStatus = CertificateStatus.VALID
    revoked_at: datetime | None = None
    revoked_reason: str | None = None
    replaces_id: int | None = Field(
        None, description="The revoked certificate this one replaces (a reissue), if any."
    )
    replaced_by_code: str | None = Field(
        None, description="The code of the certificate that replaces this one; null until reissued."
    )


class ConventionRef(BaseModel):
    id: int
    name: str
    year: int


class CertificateVerifyOut(_CertificateFields):
    """What the printed certificate shows, and whether it still stands. Never a NIP."""

    entry_title: str | None
    opd_name: str | None
    rank: int | None
    award_name: str | None
    issued_at: datetime
    status: CertificateStatus
    revoked_at: datetime | None
    revoked_reason: str | None
    replaces_id: int | None
    replaced_by_code: str | None = Field(
        description="The code of the certificate that replaces this one; null until reissued."
    )
    convention: ConventionRef
    convention_name: str
    convention_year: int


class IssueOut(BaseModel):
    awards: list[AwardOut]
    certificates: list[CertificateOut]
    issued_awards: int = Field(description="Awards issued by this call (0 when repeated).")
    issued_certificates: int


class LogoOut(BaseModel):
    """The convention's logo as stored: a PNG drawn again from the upload's pixels."""

    convention_id: int
    media_type: Literal["image/png"] = "image/png"
    width: int = Field(description="Pixels; at most 1200 on the long side.")
    height: int
    bytes: int = Field(description="The stored PNG's size.")
    sha256: str
    updated_at: datetime
    url: str = Field(description="Where the secretariat reads the stored PNG.")


class LogoFile(BaseModel):
    """The multipart body of a logo upload (documentation only: the route reads it by hand)."""

    file: bytes = Field(description="A PNG or JPEG image of at most 1 MiB.")


class RevokeIn(Input):
    reason: RequiredReason


class RewardCreate(Input):
    award_id: Id
    recipient_type: Literal[RecipientType.OPD, RecipientType.INNOVATOR]
    recipient_name: Name
    kind: RewardKind
    amount_idr: AmountIdr | None = Field(
        None, description="Rupiah, a whole non-negative number; required for `cash`."
    )
    description: Note | None = None

    model_config = with_examples(
        {
            "award_id": 1,
            "recipient_type": "opd",
            "recipient_name": "BAPPEDA",
            "kind": "cash",
            "amount_idr": 10_000_000,
            "description": "Uang pembinaan",
        }
    )


class RewardUpdate(Patch):
    _nullable: ClassVar[frozenset[str]] = frozenset({"description", "amount_idr"})

    status: RewardStatus | None = None
    recipient_name: Name | None = None
    amount_idr: AmountIdr | None = None
    description: Note | None = None


class RewardOut(Output):
    id: int
    convention_id: int
    award_id: int
    recipient_type: str
    recipient_name: str
    kind: RewardKind
    amount_idr: int | None
    description: str | None
    status: RewardStatus
    delivered_at: datetime | None
    delivered_by: int | None
    created_at: datetime
    updated_at: datetime


class RewardTotals(BaseModel):
    convention_id: int
    count: int
    amount_idr: int
    by_kind: dict[str, dict[str, int]]
    by_status: dict[str, dict[str, int]]
