"""Stages of judging: the rounds a convention judges in (docs/api.md, "Stages of judging").

A stage's state is derived: ``done`` once advanced, ``current`` the first stage by position not
done, ``pending`` after it. A pending stage may be configured in any convention status, the
current one only while the convention is a draft, a done one never. Advancing freezes the
stage's ranking, admits the selected entries to the next stage and makes it current, in one
transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from app.enums import AdvanceRule, ConventionStatus, StageKind, StageState
from app.errors import ConventionState, InUse, ValidationFailed
from app.models import (
    Admission,
    Convention,
    Criterion,
    Panel,
    ScreeningDecision,
    Sheet,
    Stage,
    StagePanel,
    utcnow,
)
from app.models.stages import stage_state
from app.security import Principal
from app.services import audit
from app.services.common import (
    get_in_convention,
    refs_in_convention,
    refuse_referred,
    require_unique,
)

DEFAULT_CODE = "UTAMA"
DEFAULT_NAME = "Penilaian"


def default_stage(convention_id: int) -> Stage:
    """The stage every new convention gets: one scored round that admits every entry."""
    return Stage(
        convention_id=convention_id,
        code=DEFAULT_CODE,
        name=DEFAULT_NAME,
        kind=StageKind.SCORED,
        weight=1.0,
        position=1,
        all_panels=True,
        advance_rule=AdvanceRule.ALL,
    )


def advance_dict(stage: Stage) -> dict[str, Any] | None:
    if stage.advance_rule is None:
        return None
    out: dict[str, Any] = {"rule": stage.advance_rule}
    if stage.advance_rule in (AdvanceRule.TOP, AdvanceRule.TOP_PER_CATEGORY):
        out["count"] = stage.advance_count
    if stage.advance_rule == AdvanceRule.MIN_SCORE:
        out["min_score"] = stage.advance_min_score
    return out


def stage_dict(stage: Stage, convention: Convention) -> dict[str, Any]:
    return {
        "id": stage.id,
        "convention_id": stage.convention_id,
        **_snapshot(stage),
        "state": stage_state(stage, convention.current_stage),
        "advanced_at": stage.advanced_at,
        "created_at": stage.created_at,
        "updated_at": stage.updated_at,
    }


def _snapshot(stage: Stage) -> dict[str, Any]:
    """What the audit log records of a stage: its configuration."""
    return {
        "code": stage.code,
        "name": stage.name,
        "kind": stage.kind,
        "weight": stage.weight,
        "position": stage.position,
        "panel_ids": stage.panel_ids,
        "advance": advance_dict(stage),
    }


TARGET = audit.Target("stage", _snapshot)


def get(session: Session, convention: Convention, stage_id: int) -> Stage:
    return get_in_convention(session, Stage, convention.id, stage_id, "Stage")


def find(convention: Convention, stage_id: int | None, loc: Sequence[str | int]) -> Stage:
    """A stage named in a query or body (422 naming the field when it is not one of the
    convention's), or the current stage when none is named."""
    if stage_id is None:
        current = convention.current_stage
        if current is None:  # pragma: no cover - every convention has a stage
            raise ConventionState("The convention has no stage.")
        return current
    for stage in convention.stages:
        if stage.id == stage_id:
            return stage
    raise ValidationFailed.field(list(loc), f"no such stage in this convention: {stage_id}")


def state_of(convention: Convention, stage: Stage) -> StageState:
    return stage_state(stage, convention.current_stage)


def first_advanced(convention: Convention) -> bool:
    """Whether the secretariat has advanced a stage (the first stage's entries are fixed)."""
    return any(s.advanced_at is not None for s in convention.stages)


def require_entries_open(convention: Convention) -> None:
    """409 once a stage has advanced: the first stage's entries are fixed, none is added."""
    if first_advanced(convention):
        raise ConventionState(
            "A stage has been advanced: the first stage's entries are fixed, and no entry can "
            "be added."
        )


def require_configurable(convention: Convention, stage: Stage, doing: str) -> None:
    """A pending stage: any status; the current one: only in draft; a done one: never."""
    state = state_of(convention, stage)
    if state is StageState.DONE:
        raise ConventionState(f"Stage {stage.code} is done; cannot {doing}.")
    if state is StageState.CURRENT and convention.status != ConventionStatus.DRAFT:
        raise ConventionState(
            f"Stage {stage.code} is the current stage and the convention is "
            f"{convention.status}; cannot {doing} (only while the convention is draft)."
        )


def list_stages(convention: Convention) -> list[Stage]:
    return list(convention.stages)


# --- create, change, delete ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StageSpec:
    """A stage's fields after validation (what the create and update bodies carry)."""

    code: str
    name: str
    kind: StageKind
    weight: float
    panel_ids: list[int] | None
    rule: AdvanceRule | None
    count: int | None
    min_score: float | None


def _check_spec(session: Session, convention: Convention, spec: StageSpec) -> None:
    """The rules between fields, each a 422 naming its field."""
    if spec.kind is StageKind.SCREENING:
        if spec.weight != 0:
            raise ValidationFailed.field(["body", "weight"], "must be 0 for a screening stage")
        if spec.panel_ids:
            raise ValidationFailed.field(
                ["body", "panel_ids"], "must be null or empty for a screening stage"
            )
        if spec.rule is not None:
            raise ValidationFailed.field(
                ["body", "advance"],
                "a screening stage takes no rule: it advances the entries that passed",
            )
        return
    if spec.rule in (AdvanceRule.TOP, AdvanceRule.TOP_PER_CATEGORY) and spec.count is None:
        raise ValidationFailed.field(["body", "advance", "count"], f"required for {spec.rule}")
    if spec.rule is AdvanceRule.MIN_SCORE and spec.min_score is None:
        raise ValidationFailed.field(["body", "advance", "min_score"], "required for min_score")
    if spec.panel_ids is not None:
        if not spec.panel_ids:
            raise ValidationFailed.field(
                ["body", "panel_ids"],
                "a scored stage needs at least one panel (or null for every panel)",
            )
        refs_in_convention(session, Panel, convention.id, spec.panel_ids, "panel_ids", "panel")


def _apply(stage: Stage, spec: StageSpec) -> None:
    stage.code = spec.code
    stage.name = spec.name
    stage.kind = spec.kind
    stage.weight = spec.weight
    stage.advance_rule = spec.rule if spec.kind is StageKind.SCORED else None
    if stage.advance_rule is None and spec.kind is StageKind.SCORED:
        stage.advance_rule = AdvanceRule.ALL
    stage.advance_count = (
        spec.count if spec.rule in (AdvanceRule.TOP, AdvanceRule.TOP_PER_CATEGORY) else None
    )
    stage.advance_min_score = spec.min_score if spec.rule is AdvanceRule.MIN_SCORE else None
    stage.all_panels = spec.panel_ids is None or spec.kind is StageKind.SCREENING
    wanted = [] if stage.all_panels else sorted(set(spec.panel_ids or []))
    if [p.panel_id for p in stage.panels] != wanted:
        stage.panels.clear()
        stage.panels.extend(StagePanel(panel_id=p) for p in wanted)


def _check_code(session: Session, convention: Convention, code: str, stage_id: int | None) -> None:
    message = f"A stage with code {code!r} already exists."
    require_unique(session, Stage, convention.id, stage_id, message, code=code)


def _place(
    session: Session, convention: Convention, stage: Stage, position: int | None, is_new: bool
) -> None:
    """Put ``stage`` at ``position`` (1-based; None: last), shifting the others. Never before a
    done stage (422); before the current one only while the convention is a draft, since the
    new first stage would become current."""
    others = [s for s in convention.stages if s.id != stage.id]
    last = len(others) + 1
    wanted = last if position is None else position
    if wanted > last:
        raise ValidationFailed.field(["body", "position"], f"must be between 1 and {last}")
    done = sum(1 for s in others if s.advanced_at is not None)
    if wanted <= done:
        raise ValidationFailed.field(
            ["body", "position"], f"must be after the done stages (at least {done + 1})"
        )
    current = convention.current_stage
    if (
        current is not None
        and current.id != stage.id
        and convention.status != ConventionStatus.DRAFT
        and wanted <= others.index(current) + 1
    ):
        raise ConventionState(
            "A stage can be placed before the current stage only while the convention is draft."
        )
    if not is_new and stage.id == (current.id if current else None) and wanted != stage.position:
        # Moving the current stage changes which stage is current: a configuration of it.
        require_configurable(convention, stage, "move it")
    others.insert(wanted - 1, stage)
    for index, s in enumerate(others, start=1):
        s.position = index
    session.flush()


def create(
    session: Session,
    convention: Convention,
    spec: StageSpec,
    position: int | None,
    actor: Principal,
) -> Stage:
    _check_spec(session, convention, spec)
    _check_code(session, convention, spec.code, None)
    stage = Stage(convention_id=convention.id, position=len(convention.stages) + 1)
    _apply(stage, spec)
    session.add(stage)
    session.flush()
    session.refresh(convention, ["stages"])
    _place(session, convention, stage, position, is_new=True)
    session.refresh(convention, ["stages"])
    TARGET.created(session, actor, [stage])
    return stage


def current_spec(stage: Stage) -> StageSpec:
    return StageSpec(
        stage.code,
        stage.name,
        StageKind(stage.kind),
        stage.weight,
        stage.panel_ids,
        AdvanceRule(stage.advance_rule) if stage.advance_rule else None,
        stage.advance_count,
        stage.advance_min_score,
    )


def update(
    session: Session,
    convention: Convention,
    stage: Stage,
    spec: StageSpec,
    position: int | None,
    actor: Principal,
) -> Stage:
    require_configurable(convention, stage, "change it")
    if spec.kind is StageKind.SCREENING and stage.kind != StageKind.SCREENING:
        has_criteria = session.scalar(select(exists().where(Criterion.stage_id == stage.id)))
        if has_criteria:
            raise ValidationFailed.field(
                ["body", "kind"], "the stage has criteria; a screening stage has none"
            )
    _check_spec(session, convention, spec)
    _check_code(session, convention, spec.code, stage.id)
    before = _snapshot(stage)
    _apply(stage, spec)
    session.flush()
    if position is not None and position != stage.position:
        _place(session, convention, stage, position, is_new=False)
    session.refresh(convention, ["stages"])
    after = _snapshot(stage)
    if after != before:
        stage.updated_at = utcnow()
        TARGET.updated(session, actor, stage, before, after)
    return stage


def delete_stage(session: Session, convention: Convention, stage: Stage, actor: Principal) -> None:
    if len(convention.stages) <= 1:
        raise InUse("A convention has at least one stage; this is its last.")
    referrers = ((Criterion.stage_id, "criteria"), (Sheet.stage_id, "score sheets"))
    refuse_referred(
        session, stage.id, referrers, lambda what: f"Stage {stage.code} still has {what}."
    )
    require_configurable(convention, stage, "delete it")
    TARGET.record(session, actor, "stage.delete", stage, before=_snapshot(stage))
    session.execute(delete(ScreeningDecision).where(ScreeningDecision.stage_id == stage.id))
    session.execute(delete(Admission).where(Admission.stage_id == stage.id))
    session.delete(stage)
    session.flush()
    session.refresh(convention, ["stages"])
    for index, s in enumerate(convention.stages, start=1):
        s.position = index
    session.flush()
