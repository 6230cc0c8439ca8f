"""Criteria and panels: the rubric, which changes only while the convention is a draft."""

from __future__ import annotations

from functools import partial

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.enums import ConventionStatus, StageKind
from app.errors import Duplicate, InUse, ValidationFailed
from app.models import Account, Convention, Criterion, Panel, Sheet, Stage, StagePanel
from app.schemas import CriterionCreate, CriterionUpdate, PanelCreate, PanelUpdate
from app.security import Principal
from app.services import audit, stages
from app.services.common import list_in_convention, refuse_referred, require_unique
from app.services.conventions import require_status

CRITERION_FIELDS = (
    "stage_id",
    "code",
    "name",
    "description",
    "weight",
    "min_score",
    "max_score",
    "step",
    "tie_break_rank",
)
PANEL_FIELDS = ("name", "weight")
CRITERION = audit.Target("criterion", partial(audit.snapshot, fields=CRITERION_FIELDS))
PANEL = audit.Target("panel", partial(audit.snapshot, fields=PANEL_FIELDS))


def list_criteria(
    session: Session, convention_id: int, limit: int, offset: int, stage_id: int | None = None
) -> tuple[list[Criterion], int]:
    return list_in_convention(session, Criterion, convention_id, limit, offset, stage_id=stage_id)


def _stage_for(convention: Convention, stage_id: int | None) -> Stage:
    """The criterion's stage: the one named (422 naming ``stage_id`` if it is not one of the
    convention's, or a screening stage), or the first."""
    stage = convention.stages[0] if stage_id is None else None
    if stage_id is not None:
        stage = next((s for s in convention.stages if s.id == stage_id), None)
        if stage is None:
            raise ValidationFailed.field(
                ["body", "stage_id"], f"no such stage in this convention: {stage_id}"
            )
    assert stage is not None
    if stage.kind == StageKind.SCREENING:
        raise ValidationFailed.field(
            ["body", "stage_id"], f"stage {stage.code} is a screening stage: it has no criteria"
        )
    return stage


def _check_criterion(
    session: Session, convention_id: int, criterion: Criterion, bound: str = "max_score"
) -> None:
    if criterion.max_score <= criterion.min_score:
        other = "min_score" if bound == "max_score" else "max_score"
        relation = "greater" if bound == "max_score" else "less"
        raise ValidationFailed.field(["body", bound], f"must be {relation} than {other}")
    message = f"A criterion with code {criterion.code!r} already exists."
    # Unique in the convention, across its stages.
    require_unique(session, Criterion, convention_id, criterion.id, message, code=criterion.code)
    if criterion.tie_break_rank is not None:
        same_rank = select(Criterion.id).where(
            Criterion.stage_id == criterion.stage_id,
            Criterion.tie_break_rank == criterion.tie_break_rank,
        )
        if criterion.id is not None:
            same_rank = same_rank.where(Criterion.id != criterion.id)
        if session.scalar(same_rank) is not None:
            raise Duplicate(
                f"Another criterion of the stage already has tie_break_rank "
                f"{criterion.tie_break_rank}."
            )


def create_criterion(
    session: Session, convention: Convention, data: CriterionCreate, actor: Principal
) -> Criterion:
    stage = _stage_for(convention, data.stage_id)
    stages.require_configurable(convention, stage, "change its criteria")
    with session.no_autoflush:
        values = data.model_dump(exclude={"stage_id"})
        criterion = Criterion(convention_id=convention.id, stage_id=stage.id, **values)
        _check_criterion(session, convention.id, criterion)
    CRITERION.add(session, actor, [criterion])
    return criterion


def update_criterion(
    session: Session,
    convention: Convention,
    criterion: Criterion,
    data: CriterionUpdate,
    actor: Principal,
) -> Criterion:
    stages.require_configurable(convention, _stage_of(convention, criterion), "change its criteria")
    changes = data.changes()
    if "stage_id" in changes:
        target = _stage_for(convention, changes["stage_id"])
        stages.require_configurable(convention, target, "change its criteria")
    before = CRITERION.snapshot(criterion)
    # Name the bound the caller sent, when only one was.
    bound = "min_score" if "min_score" in changes and "max_score" not in changes else "max_score"
    with session.no_autoflush:
        for name, value in changes.items():
            setattr(criterion, name, value)
        _check_criterion(session, convention.id, criterion, bound)
    session.flush()
    CRITERION.updated(session, actor, criterion, before)
    return criterion


def delete_criterion(
    session: Session, convention: Convention, criterion: Criterion, actor: Principal
) -> None:
    stage = _stage_of(convention, criterion)
    stages.require_configurable(convention, stage, "change its criteria")
    if session.scalar(select(exists().where(Sheet.stage_id == stage.id))):
        raise InUse("Sheets have been written against this rubric.")
    CRITERION.delete(session, actor, criterion)


def _stage_of(convention: Convention, criterion: Criterion) -> Stage:
    return next(s for s in convention.stages if s.id == criterion.stage_id)


def list_panels(
    session: Session, convention_id: int, limit: int, offset: int
) -> tuple[list[Panel], int]:
    return list_in_convention(session, Panel, convention_id, limit, offset)


def _check_panel_name(
    session: Session, convention_id: int, name: str, panel_id: int | None
) -> None:
    message = f"A panel named {name!r} already exists."
    require_unique(session, Panel, convention_id, panel_id, message, name=name)


def create_panel(
    session: Session, convention: Convention, data: PanelCreate, actor: Principal
) -> Panel:
    require_status(convention, ConventionStatus.DRAFT, doing="change the panels")
    _check_panel_name(session, convention.id, data.name, None)
    panel = Panel(convention_id=convention.id, **data.model_dump())
    PANEL.add(session, actor, [panel])
    return panel


def update_panel(
    session: Session, convention: Convention, panel: Panel, data: PanelUpdate, actor: Principal
) -> Panel:
    require_status(convention, ConventionStatus.DRAFT, doing="change the panels")
    changes = data.changes()
    if "name" in changes:
        _check_panel_name(session, convention.id, changes["name"], panel.id)
    PANEL.change(session, actor, panel, changes)
    return panel


def delete_panel(session: Session, convention: Convention, panel: Panel, actor: Principal) -> None:
    require_status(convention, ConventionStatus.DRAFT, doing="change the panels")
    referrers = (
        (Account.panel_id, "still has jurors; move or delete them first"),
        (StagePanel.panel_id, "judges a stage; take it off the stage first"),
    )
    refuse_referred(session, panel.id, referrers, lambda what: f"Panel {panel.id} {what}.")
    PANEL.delete(session, actor, panel)
