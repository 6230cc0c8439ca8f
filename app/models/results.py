"""What a convention issues: published results, awards, certificates and rewards."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.enums import (
    CertificateKind,
    ObjectionStatus,
    RecipientType,
    ResultStatus,
    RewardKind,
    RewardStatus,
)
from app.models.base import (
    TABLE_ARGS,
    Base,
    Choice,
    Code,
    ConventionId,
    EntryId,
    Key,
    Name,
    Sha256,
    Timestamps,
    UtcNow,
    in_list,
    owner_key,
)


class Result(Base):
    """The frozen ranking of a convention, published once: ``provisional`` while objections
    may be filed (until ``objection_deadline``), then ``final``."""

    __tablename__ = "result"
    __table_args__ = (
        UniqueConstraint("convention_id"),
        CheckConstraint(in_list("status", ResultStatus), name="status"),
        TABLE_ARGS,
    )

    id: Mapped[Key]
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id"))
    method: Mapped[Choice]
    top_n: Mapped[int]
    rows: Mapped[list[Any]]
    warnings: Mapped[list[Any]]
    rubric: Mapped[dict[str, Any]]
    sheets_digest: Mapped[Sha256]
    sheet_count: Mapped[int]
    allow_incomplete: Mapped[bool] = mapped_column(Boolean, default=False)
    incomplete_entry_ids: Mapped[list[Any]]
    published_at: Mapped[UtcNow]
    published_by: Mapped[int | None]
    status: Mapped[Choice] = mapped_column(default=ResultStatus.FINAL)
    objection_days: Mapped[int] = mapped_column(default=0)
    objection_deadline: Mapped[datetime | None]
    finalized_at: Mapped[datetime | None]
    finalized_by: Mapped[int | None]


class Objection(Base):
    """A public objection (*sanggahan*) to provisional results, and how it was resolved."""

    __tablename__ = "objection"
    __table_args__ = (
        UniqueConstraint("receipt"),
        CheckConstraint(in_list("status", ObjectionStatus), name="status"),
        Index("ix_objection_address_created_at", "address", "created_at"),
        TABLE_ARGS,
    )

    id: Mapped[Key]
    convention_id: Mapped[ConventionId]
    entry_id: Mapped[EntryId]
    name: Mapped[Name]
    contact: Mapped[Name]
    reason: Mapped[str] = mapped_column(Text)
    receipt: Mapped[str] = mapped_column(String(32))
    status: Mapped[Choice] = mapped_column(default=ObjectionStatus.OPEN)
    resolution: Mapped[str | None] = mapped_column(Text)
    # Kept to limit objections per client address; never shown.
    address: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[UtcNow]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[int | None]


class ResultSheet(Base):
    """The hash of every sheet a published result counted, for a later recomputation."""

    __tablename__ = "result_sheet"

    result_id: Mapped[int] = owner_key("result")
    sheet_id: Mapped[int] = mapped_column(primary_key=True)
    juror_id: Mapped[int]
    entry_id: Mapped[int]
    version: Mapped[int]
    sha256: Mapped[Sha256]


class Award(Base):
    __tablename__ = "award"
    __table_args__ = (UniqueConstraint("convention_id", "entry_id"), TABLE_ARGS)

    id: Mapped[Key]
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id"))
    entry_id: Mapped[EntryId]
    rank: Mapped[int]
    name: Mapped[str] = mapped_column(String(100))
    # The category it was won in, with awards per category; None with overall awards.
    category: Mapped[Choice | None]
    created_at: Mapped[UtcNow]


class Certificate(Base):
    __tablename__ = "certificate"
    __table_args__ = (
        UniqueConstraint("code"),
        UniqueConstraint("convention_id", "sequence"),
        # One certificate of a kind per recipient (and generation: a reissue is the next one):
        # issuing twice issues nothing twice.
        UniqueConstraint("convention_id", "kind", "recipient_key", "generation"),
        UniqueConstraint("replaces_id"),
        CheckConstraint(in_list("kind", CertificateKind), name="kind"),
        CheckConstraint(in_list("recipient_type", RecipientType), name="recipient_type"),
        TABLE_ARGS,
    )

    id: Mapped[Key]
    convention_id: Mapped[ConventionId]
    sequence: Mapped[int]
    number: Mapped[str] = mapped_column(String(80))
    code: Mapped[Code]
    kind: Mapped[Choice]
    recipient_type: Mapped[Choice]
    recipient_name: Mapped[Name]
    # "opd:<entry id>", "innovator:<innovator id>" or "juror:<juror id>"
    recipient_key: Mapped[str] = mapped_column(String(64))
    entry_id: Mapped[EntryId | None]
    juror_id: Mapped[int | None]
    rank: Mapped[int | None]
    category: Mapped[Choice | None]
    award_name: Mapped[str | None] = mapped_column(String(100))
    entry_title: Mapped[str | None] = mapped_column(String(300))
    opd_name: Mapped[Name | None]
    issued_at: Mapped[UtcNow]
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    generation: Mapped[int] = mapped_column(default=0)
    # The revoked certificate this one replaces (a reissue), if any.
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"))


class Reward(Timestamps, Base):
    __tablename__ = "reward"
    __table_args__ = (
        CheckConstraint(in_list("kind", RewardKind), name="kind"),
        CheckConstraint(in_list("status", RewardStatus), name="status"),
        CheckConstraint(in_list("recipient_type", RecipientType), name="recipient_type"),
        CheckConstraint("amount_idr IS NULL OR amount_idr >= 0", name="amount_idr"),
        TABLE_ARGS,
    )

    id: Mapped[Key]
    convention_id: Mapped[ConventionId]
    award_id: Mapped[int] = mapped_column(ForeignKey("award.id"), index=True)
    recipient_type: Mapped[Choice]
    recipient_name: Mapped[Name]
    kind: Mapped[Choice]
    amount_idr: Mapped[int | None] = mapped_column(BigInteger)
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[Choice] = mapped_column(default=RewardStatus.PLANNED)
    delivered_at: Mapped[datetime | None]
    delivered_by: Mapped[int | None]
