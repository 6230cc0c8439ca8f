"""Criteria and panels: the rubric, which changes only while the convention is a draft."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.enums import ConventionStatus
from app.errors import Duplicate, InUse, ValidationFailed
from app.models import Account, Convention, Criterion, Panel, Sheet
from app.schemas import CriterionCreate, CriterionUpdate, PanelCreate, PanelUpdate
from app.security import Principal
from app.services import audit
from app.services.common import paginate
from app.services.conventions import require_status

CRITERION_FIELDS = (
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


def list_criteria(
    session: Session, convention_id: int, limit: int, offset: int
) -> tuple[list[Criterion], int]:
    stmt = select(Criterion).where(Criterion.convention_id == convention_id).order_by(Criterion.id)
    return paginate(session, stmt, limit, offset)


def _check_criterion(
    session: Session, convention_id: int, criterion: Criterion, bound: str = "max_score"
) -> None:
    if criterion.max_score <= criterion.min_score:
        other = "min_score" if bound == "max_score" else "max_score"
        relation = "greater" if bound == "max_score" else "less"
        raise ValidationFailed.field(["body", bound], f"must be {relation} than {other}")
    same_code = select(Criterion.id).where(
        Criterion.convention_id == convention_id, Criterion.code == criterion.code
    )
    if criterion.id is not None:
        same_code = same_code.where(Criterion.id != criterion.id)
    if session.scalar(same_code) is not None:
        raise Duplicate(f"A criterion with code {criterion.code!r} already exists.")
    if criterion.tie_break_rank is not None:
        same_rank = select(Criterion.id).where(
            Criterion.convention_id == convention_id,
            Criterion.tie_break_rank == criterion.tie_break_rank,
        )
        if criterion.id is not None:
            same_rank = same_rank.where(Criterion.id != criterion.id)
        if session.scalar(same_rank) is not None:
            raise Duplicate(
                f"Another criterion already has tie_break_rank {criterion.tie_break_rank}."
            )


def create_criterion(
    session: Session, convention: Convention, data: CriterionCreate, actor: Principal
) -> Criterion:
    require_status(convention, ConventionStatus.DRAFT, doing="change the rubric")
    with session.no_autoflush:
        criterion = Criterion(convention_id=convention.id, **data.model_dump())
        _check_criterion(session, convention.id, criterion)
    session.add(criterion)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="criterion.create",
        target_type="criterion",
        target_id=criterion.id,
        convention_id=convention.id,
        after=audit.snapshot(criterion, CRITERION_FIELDS),
    )
    return criterion


def update_criterion(
    session: Session,
    convention: Convention,
    criterion: Criterion,
    data: CriterionUpdate,
    actor: Principal,
) -> Criterion:
    require_status(convention, ConventionStatus.DRAFT, doing="change the rubric")
    before = audit.snapshot(criterion, CRITERION_FIELDS)
    changes = data.changes()
    # Name the bound the caller sent, when only one was.
    bound = "min_score" if "min_score" in changes and "max_score" not in changes else "max_score"
    with session.no_autoflush:
        for name, value in changes.items():
            setattr(criterion, name, value)
        _check_criterion(session, convention.id, criterion, bound)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="criterion.update",
        target_type="criterion",
        target_id=criterion.id,
        convention_id=convention.id,
        before=before,
        after=audit.snapshot(criterion, CRITERION_FIELDS),
    )
    return criterion


def delete_criterion(
    session: Session, convention: Convention, criterion: Criterion, actor: Principal
) -> None:
    require_status(convention, ConventionStatus.DRAFT, doing="change the rubric")
    if session.scalar(select(exists().where(Sheet.convention_id == convention.id))):
        raise InUse("Sheets have been written against this rubric.")
    audit.record(
        session,
        actor=actor,
        action="criterion.delete",
        target_type="criterion",
        target_id=criterion.id,
        convention_id=convention.id,
        before=audit.snapshot(criterion, CRITERION_FIELDS),
    )
    session.delete(criterion)
    session.flush()


def list_panels(
    session: Session, convention_id: int, limit: int, offset: int
) -> tuple[list[Panel], int]:
    stmt = select(Panel).where(Panel.convention_id == convention_id).order_by(Panel.id)
    return paginate(session, stmt, limit, offset)


def _check_panel_name(
    session: Session, convention_id: int, name: str, panel_id: int | None
) -> None:
    stmt = select(Panel.id).where(Panel.convention_id == convention_id, Panel.name == name)
    if panel_id is not None:
        stmt = stmt.where(Panel.id != panel_id)
    if session.scalar(stmt) is not None:
        raise Duplicate(f"A panel named {name!r} already exists.")


def create_panel(
    session: Session, convention: Convention, data: PanelCreate, actor: Principal
) -> Panel:
    require_status(convention, ConventionStatus.DRAFT, doing="change the panels")
    _check_panel_name(session, convention.id, data.name, None)
    panel = Panel(convention_id=convention.id, **data.model_dump())
    session.add(panel)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="panel.create",
        target_type="panel",
        target_id=panel.id,
        convention_id=convention.id,
        after=audit.snapshot(panel, PANEL_FIELDS),
    )
    return panel


def update_panel(
    session: Session, convention: Convention, panel: Panel, data: PanelUpdate, actor: Principal
) -> Panel:
    require_status(convention, ConventionStatus.DRAFT, doing="change the panels")
    changes = data.changes()
    if "name" in changes:
        _check_panel_name(session, convention.id, changes["name"], panel.id)
    before = audit.snapshot(panel, PANEL_FIELDS)
    for name, value in changes.items():
        setattr(panel, name, value)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="panel.update",
        target_type="panel",
        target_id=panel.id,
        convention_id=convention.id,
        before=before,
        after=audit.snapshot(panel, PANEL_FIELDS),
    )
    return panel


def delete_panel(session: Session, convention: Convention, panel: Panel, actor: Principal) -> None:
    require_status(convention, ConventionStatus.DRAFT, doing="change the panels")
    if session.scalar(select(exists().where(Account.panel_id == panel.id))):
        raise InUse(f"Panel {panel.id} still has jurors; move or delete them first.")
    audit.record(
        session,
        actor=actor,
        action="panel.delete",
        target_type="panel",
        target_id=panel.id,
        convention_id=convention.id,
        before=audit.snapshot(panel, PANEL_FIELDS),
    )
    session.delete(panel)
    session.flush()
