"""A convention and what it is made of: its rubric, panels, OPDs and entries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Double,
    ForeignKey,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import AssignmentMode, AwardScope, Category, ConventionStatus
from app.models.base import (
    TABLE_ARGS,
    Base,
    Choice,
    Code,
    ConventionId,
    Key,
    Name,
    Sha256,
    StageId,
    Timestamps,
    UtcNow,
    in_list,
    owner_key,
)
from app.models.stages import Stage


class Convention(Timestamps, Base):
    __tablename__ = "convention"
    __table_args__ = (
        CheckConstraint(in_list("status", ConventionStatus), name="status"),
        CheckConstraint("top_n >= 1", name="top_n"),
        CheckConstraint("zscore_min_sheets >= 1", name="zscore_min_sheets"),
        CheckConstraint(in_list("assignment_mode", AssignmentMode), name="assignment_mode"),
        CheckConstraint(in_list("award_scope", AwardScope), name="award_scope"),
        TABLE_ARGS,
    )

    id: Mapped[Key]
    name: Mapped[Name]
    year: Mapped[int]
    host: Mapped[Name | None]
    top_n: Mapped[int] = mapped_column(default=10)
    letter_code: Mapped[str] = mapped_column(String(40), default="KONVENSI")
    award_names: Mapped[list[Any]] = mapped_column(
        default=lambda: ["Juara I", "Juara II", "Juara III"]
    )
    zscore_min_sheets: Mapped[int] = mapped_column(default=5)
    status: Mapped[Choice] = mapped_column(default=ConventionStatus.DRAFT)
    assignment_mode: Mapped[Choice] = mapped_column(default=AssignmentMode.ALL)
    judging_deadline: Mapped[datetime | None]
    signatory_name: Mapped[Name | None]
    signatory_title: Mapped[Name | None]
    city: Mapped[str | None] = mapped_column(String(100))
    award_scope: Mapped[Choice] = mapped_column(default=AwardScope.OVERALL)
    # The date printed on the piagam and the month and year of their letter numbers.
    ceremony_date: Mapped[date | None] = mapped_column(Date)

    stages: Mapped[list[Stage]] = relationship(
        order_by="(Stage.position, Stage.id)", lazy="selectin", viewonly=True
    )

    @property
    def current_stage(self) -> Stage | None:
        """The first stage not yet advanced (docs/api.md, "Stages of judging")."""
        return next((s for s in self.stages if s.advanced_at is None), None)

    @property
    def current_stage_id(self) -> int | None:
        stage = self.current_stage
        return stage.id if stage is not None else None


class Criterion(Timestamps, Base):
    __tablename__ = "criterion"
    __table_args__ = (
        UniqueConstraint("convention_id", "code"),
        UniqueConstraint("stage_id", "tie_break_rank"),
        CheckConstraint("weight > 0", name="weight"),
        CheckConstraint("max_score > min_score", name="range"),
        CheckConstraint("step IS NULL OR step > 0", name="step"),
        CheckConstraint("tie_break_rank IS NULL OR tie_break_rank >= 1", name="tie_break_rank"),
        TABLE_ARGS,
    )

    id: Mapped[Key]
    convention_id: Mapped[ConventionId]
    stage_id: Mapped[StageId]
    code: Mapped[Code]
    name: Mapped[Name]
    description: Mapped[str | None] = mapped_column(Text)
    weight: Mapped[float] = mapped_column(Double)
    min_score: Mapped[float] = mapped_column(Double, default=0.0)
    max_score: Mapped[float] = mapped_column(Double)
    step: Mapped[float | None] = mapped_column(Double)
    tie_break_rank: Mapped[int | None]


class Panel(Timestamps, Base):
    __tablename__ = "panel"
    __table_args__ = (
        UniqueConstraint("convention_id", "name"),
        CheckConstraint("weight > 0", name="weight"),
        TABLE_ARGS,
    )

    id: Mapped[Key]
    convention_id: Mapped[ConventionId]
    name: Mapped[str] = mapped_column(String(100))
    weight: Mapped[float] = mapped_column(Double, default=1.0)


class Opd(Timestamps, Base):
    __tablename__ = "opd"
    __table_args__ = (UniqueConstraint("convention_id", "code"), TABLE_ARGS)

    id: Mapped[Key]
    convention_id: Mapped[ConventionId]
    code: Mapped[Code]
    name: Mapped[Name]


class Entry(Timestamps, Base):
    __tablename__ = "entry"
    __table_args__ = (CheckConstraint(in_list("category", Category), name="category"), TABLE_ARGS)

    id: Mapped[Key]
    convention_id: Mapped[ConventionId]
    opd_id: Mapped[int] = mapped_column(ForeignKey("opd.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    acronym: Mapped[str | None] = mapped_column(String(100))
    category: Mapped[Choice]
    summary: Mapped[str | None] = mapped_column(Text)
    # Left out of every computation while set (docs/api.md, "Objection window").
    disqualified: Mapped[bool] = mapped_column(Boolean, default=False)
    disqualification_reason: Mapped[str | None] = mapped_column(Text)

    innovators: Mapped[list[Innovator]] = relationship(
        order_by="Innovator.position", cascade="all, delete-orphan", lazy="selectin"
    )


class Innovator(Base):
    __tablename__ = "innovator"
    __table_args__ = (UniqueConstraint("entry_id", "position"), TABLE_ARGS)

    id: Mapped[Key]
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    name: Mapped[Name]
    nip: Mapped[str | None] = mapped_column(String(18))


class ConventionLogo(Base):
    """The logo printed at the head of a convention's piagam: a PNG re-encoded from what was
    uploaded (never the upload itself)."""

    __tablename__ = "convention_logo"

    convention_id: Mapped[int] = owner_key("convention")
    png: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int]
    height: Mapped[int]
    sha256: Mapped[Sha256]
    updated_at: Mapped[UtcNow]
