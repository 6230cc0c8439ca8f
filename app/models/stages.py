"""Stages of judging: the rounds a convention judges in, who each admits, screening decisions
and each stage's frozen ranking."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Double, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import AdvanceRule, StageKind, StageState
from app.models.base import (
    TABLE_ARGS,
    Base,
    Choice,
    Code,
    ConventionId,
    Key,
    Name,
    Timestamps,
    UtcNow,
    in_list,
    link_key,
    owner_key,
)


class Stage(Timestamps, Base):
    """A round of judging. Its state is derived: ``done`` once advanced (``advanced_at``),
    ``current`` for the first stage not done (by position), ``pending`` after it."""

    __tablename__ = "stage"
    __table_args__ = (
        UniqueConstraint("convention_id", "code"),
        CheckConstraint(in_list("kind", StageKind), name="kind"),
        CheckConstraint("weight >= 0", name="weight"),
        CheckConstraint("position >= 1", name="position"),
        CheckConstraint(
            "advance_rule IS NULL OR " + in_list("advance_rule", AdvanceRule), name="advance_rule"
        ),
        CheckConstraint("advance_count IS NULL OR advance_count >= 1", name="advance_count"),
        TABLE_ARGS,
    )

    id: Mapped[Key]
    convention_id: Mapped[ConventionId]
    code: Mapped[Code]
    name: Mapped[Name]
    kind: Mapped[Choice] = mapped_column(default=StageKind.SCORED)
    weight: Mapped[float] = mapped_column(Double, default=1.0)
    position: Mapped[int]
    # True: every panel of the convention judges it, panels created later included.
    all_panels: Mapped[bool] = mapped_column(Boolean, default=True)
    advance_rule: Mapped[str | None] = mapped_column(String(24))
    advance_count: Mapped[int | None]
    advance_min_score: Mapped[float | None] = mapped_column(Double)
    advanced_at: Mapped[datetime | None]

    panels: Mapped[list[StagePanel]] = relationship(
        order_by="StagePanel.panel_id", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def panel_ids(self) -> list[int] | None:
        return None if self.all_panels else [p.panel_id for p in self.panels]


def stage_state(stage: Stage, current: Stage | None) -> StageState:
    if stage.advanced_at is not None:
        return StageState.DONE
    return (
        StageState.CURRENT
        if current is not None and stage.id == current.id
        else (StageState.PENDING)
    )


class StagePanel(Base):
    """A panel that judges a stage (when the stage names its panels)."""

    __tablename__ = "stage_panel"

    stage_id: Mapped[int] = owner_key("stage")
    panel_id: Mapped[int] = link_key("panel")


class Admission(Base):
    """An entry admitted to a stage (A_s), recorded when the stage before is advanced (and
    the first stage's when the secretariat first advances)."""

    __tablename__ = "admission"

    stage_id: Mapped[int] = owner_key("stage")
    entry_id: Mapped[int] = link_key("entry")


class ScreeningDecision(Base):
    """The secretariat's pass or fail of an entry in a screening stage, with its reason."""

    __tablename__ = "screening_decision"

    stage_id: Mapped[int] = owner_key("stage")
    entry_id: Mapped[int] = link_key("entry")
    passed: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[UtcNow]
    decided_by: Mapped[int | None]


class StageResult(Base):
    """A stage's ranking, frozen when it was advanced, with what the secretariat changed."""

    __tablename__ = "stage_result"
    __table_args__ = (UniqueConstraint("stage_id"), TABLE_ARGS)

    id: Mapped[Key]
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id"))
    method: Mapped[Choice]
    rows: Mapped[list[Any]]
    warnings: Mapped[list[Any]]
    selected_entry_ids: Mapped[list[Any]]
    added_entry_ids: Mapped[list[Any]]
    removed_entry_ids: Mapped[list[Any]]
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[UtcNow]
    created_by: Mapped[int | None]
