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
    Integer,
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
from app.models.base import TABLE_ARGS, Base, Timestamps, in_list, utcnow


class Result(Base):
    """The frozen ranking of a convention, published once: ``provisional`` while objections
    may be filed (until ``objection_deadline``), then ``final``."""

    __tablename__ = "result"
    __table_args__ = (
        UniqueConstraint("convention_id"),
        CheckConstraint(in_list("status", ResultStatus), name="status"),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id"))
    method: Mapped[str] = mapped_column(String(16))
    top_n: Mapped[int]
    rows: Mapped[list[Any]]
    warnings: Mapped[list[Any]]
    rubric: Mapped[dict[str, Any]]
    sheets_digest: Mapped[str] = mapped_column(String(64))
    sheet_count: Mapped[int]
    allow_incomplete: Mapped[bool] = mapped_column(Boolean, default=False)
    incomplete_entry_ids: Mapped[list[Any]]
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(16), default=ResultStatus.FINAL)
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

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    contact: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    receipt: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default=ObjectionStatus.OPEN)
    resolution: Mapped[str | None] = mapped_column(Text)
    # Kept to limit objections per client address; never shown.
    address: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[int | None]


class ResultSheet(Base):
    """The hash of every sheet a published result counted, for a later recomputation."""

    __tablename__ = "result_sheet"

    result_id: Mapped[int] = mapped_column(
        ForeignKey("result.id", ondelete="CASCADE"), primary_key=True
    )
    sheet_id: Mapped[int] = mapped_column(primary_key=True)
    juror_id: Mapped[int]
    entry_id: Mapped[int]
    version: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))


class Award(Base):
    __tablename__ = "award"
    __table_args__ = (UniqueConstraint("convention_id", "entry_id"), TABLE_ARGS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)
    rank: Mapped[int]
    name: Mapped[str] = mapped_column(String(100))
    # The category it was won in, with awards per category; None with overall awards.
    category: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


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

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id"), index=True)
    sequence: Mapped[int]
    number: Mapped[str] = mapped_column(String(80))
    code: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    recipient_type: Mapped[str] = mapped_column(String(16))
    recipient_name: Mapped[str] = mapped_column(String(200))
    # "opd:<entry id>", "innovator:<innovator id>" or "juror:<juror id>"
    recipient_key: Mapped[str] = mapped_column(String(64))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entry.id"), index=True)
    juror_id: Mapped[int | None]
    rank: Mapped[int | None]
    category: Mapped[str | None] = mapped_column(String(16))
    award_name: Mapped[str | None] = mapped_column(String(100))
    entry_title: Mapped[str | None] = mapped_column(String(300))
    opd_name: Mapped[str | None] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
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

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id"), index=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("award.id"), index=True)
    recipient_type: Mapped[str] = mapped_column(String(16))
    recipient_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    amount_idr: Mapped[int | None] = mapped_column(BigInteger)
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=RewardStatus.PLANNED)
    delivered_at: Mapped[datetime | None]
    delivered_by: Mapped[int | None]
