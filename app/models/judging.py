"""Judging: recusals, assignments, score sheets and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.enums import SheetStatus
from app.models.base import (
    TABLE_ARGS,
    Base,
    Choice,
    ConventionId,
    EntryId,
    Key,
    StageId,
    UtcNow,
    in_list,
    link_key,
    owner_key,
)


class Recusal(Base):
    """A juror's own declaration that it cannot judge one entry."""

    __tablename__ = "recusal"

    juror_id: Mapped[int] = owner_key("account")
    entry_id: Mapped[int] = link_key("entry")
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[UtcNow]


class Assignment(Base):
    """An entry the secretariat gave a juror, when the convention judges by assignment."""

    __tablename__ = "assignment"

    juror_id: Mapped[int] = owner_key("account")
    entry_id: Mapped[int] = link_key("entry")
    convention_id: Mapped[ConventionId]


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

    id: Mapped[Key]
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id"))
    juror_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    entry_id: Mapped[EntryId]
    stage_id: Mapped[StageId]
    scores: Mapped[dict[str, Any]]
    comment: Mapped[str | None] = mapped_column(Text)
    status: Mapped[Choice] = mapped_column(default="draft")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[UtcNow]
    updated_at: Mapped[UtcNow]
    submitted_at: Mapped[datetime | None]


class AuditEvent(Base):
    """Append-only record of who changed what. No foreign keys: it outlives what it names."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_convention_id_id", "convention_id", "id"),
        TABLE_ARGS,
    )

    id: Mapped[Key]
    convention_id: Mapped[int | None]
    at: Mapped[UtcNow]
    actor_id: Mapped[int | None]
    actor_username: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[int | None]
    juror_id: Mapped[int | None] = mapped_column(index=True)
    entry_id: Mapped[int | None] = mapped_column(index=True)
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
