"""Judging: recusals, assignments, score sheets and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
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
    SheetStatus,
)
from app.models.base import TABLE_ARGS, Base, in_list, utcnow


class Recusal(Base):
    """A juror's own declaration that it cannot judge one entry."""

    __tablename__ = "recusal"

    juror_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), primary_key=True, index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Assignment(Base):
    """An entry the secretariat gave a juror, when the convention judges by assignment."""

    __tablename__ = "assignment"

    juror_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), primary_key=True, index=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id"), index=True)


class Sheet(Base):
    """One juror's scores for one entry, at one judging stage.

    The stage is part of the key so that a later round (desk evaluation, then presentation)
    can be added beside the contract's single one without touching its rows.
    """

    __tablename__ = "sheet"
    __table_args__ = (
        UniqueConstraint("juror_id", "entry_id", "stage_id"),
        CheckConstraint(in_list("status", SheetStatus), name="status"),
        CheckConstraint("version >= 1", name="version"),
        Index("ix_sheet_convention_id_status", "convention_id", "status"),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id"))
    juror_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id"), index=True)
    scores: Mapped[dict[str, Any]]
    comment: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]


class AuditEvent(Base):
    """Append-only record of who changed what. No foreign keys: it outlives what it names."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_convention_id_id", "convention_id", "id"),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    convention_id: Mapped[int | None]
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None]
    actor_username: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[int | None]
    juror_id: Mapped[int | None] = mapped_column(index=True)
    entry_id: Mapped[int | None] = mapped_column(index=True)
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
