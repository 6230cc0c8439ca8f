"""Conventions and their status machine."""

from __future__ import annotations

from collections.abc import Collection
from functools import partial
from operator import attrgetter
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.enums import ConventionStatus, ResultStatus
from app.errors import ConventionState, NotFound
from app.models import Account, Convention, Criterion, Entry, Opd, Panel, Result, utcnow
from app.schemas import ConventionCreate, ConventionUpdate
from app.security import Principal
from app.services import audit, stages
from app.services.common import by_id, paginate, refuse_referred

# (from, to): the moves docs/api.md lists. closed → judging only until results are published.
_DRAFT, _JUDGING, _CLOSED = ConventionStatus
MOVES = {(_DRAFT, _JUDGING), (_JUDGING, _CLOSED), (_CLOSED, _JUDGING)}

AUDITED_FIELDS = (
    "name",
    "year",
    "host",
    "top_n",
    "letter_code",
    "award_names",
    "zscore_min_sheets",
    "status",
    "assignment_mode",
    "judging_deadline",
    "signatory_name",
    "signatory_title",
    "city",
    "award_scope",
    "ceremony_date",
)
TARGET = audit.Target(
    "convention", partial(audit.snapshot, fields=AUDITED_FIELDS), convention=attrgetter("id")
)


def get(session: Session, convention_id: int) -> Convention:
    convention = by_id(session, Convention, convention_id)
    if convention is None:
        raise NotFound(f"Convention {convention_id} not found.")
    return convention


def list_conventions(
    session: Session, limit: int, offset: int, scope: Collection[int] | None = None
) -> tuple[list[Convention], int]:
    """Conventions by id; only those of ``scope`` when given (a secretariat's)."""
    stmt = select(Convention)
    if scope is not None:
        stmt = stmt.where(Convention.id.in_(sorted(scope)))
    return paginate(session, stmt.order_by(Convention.id), limit, offset)


def create(session: Session, data: ConventionCreate, actor: Principal) -> Convention:
    convention = Convention(**data.model_dump())
    session.add(convention)
    session.flush()
    session.add(stages.default_stage(convention.id))
    session.flush()
    session.refresh(convention, ["stages"])
    TARGET.created(session, actor, [convention])
    return convention


def is_published(session: Session, convention_id: int) -> bool:
    return bool(session.scalar(select(exists().where(Result.convention_id == convention_id))))


def update(
    session: Session, convention: Convention, data: ConventionUpdate, actor: Principal
) -> Convention:
    changes = data.changes()
    new_status = changes.pop("status", None)
    if new_status is not None and new_status != convention.status:
        move = (convention.status, new_status)
        if move not in MOVES:
            raise ConventionState(
                f"Cannot move a convention from {convention.status} to {new_status}; "
                "the moves are draft → judging, judging → closed and closed → judging."
            )
        if move == (_CLOSED, _JUDGING) and is_published(session, convention.id):
            raise ConventionState("Results are published; judging cannot reopen.")
    else:
        new_status = None
    if (
        "award_scope" in changes
        and changes["award_scope"] != convention.award_scope
        and is_published(session, convention.id)
    ):
        raise ConventionState("Results are published; the award scope can no longer change.")
    before = TARGET.snapshot(convention)
    changed: dict[str, Any] = {}
    for name, value in changes.items():
        if getattr(convention, name) != value:
            setattr(convention, name, value)
            changed[name] = value
    if new_status is not None:
        convention.status = new_status
        changed["status"] = new_status
    if not changed:
        return convention
    convention.updated_at = utcnow()
    session.flush()
    after = TARGET.snapshot(convention)
    action = "convention.status" if new_status is not None else "convention.update"
    TARGET.record(
        session,
        actor,
        action,
        convention,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return convention


def delete(session: Session, convention: Convention, actor: Principal) -> None:
    referrers = (
        (Criterion.convention_id, "criteria"),
        (Panel.convention_id, "panels"),
        (Opd.convention_id, "OPDs"),
        (Entry.convention_id, "entries"),
        (Account.convention_id, "jurors"),
    )
    refuse_referred(
        session,
        convention.id,
        referrers,
        lambda what: f"Convention {convention.id} still has {what}; delete them first.",
    )
    for stage in list(convention.stages):
        session.delete(stage)
    session.flush()
    TARGET.delete(session, actor, convention)


def result_status(session: Session, convention_id: int) -> str | None:
    """The status of the convention's published results, None before publication."""
    return session.scalar(select(Result.status).where(Result.convention_id == convention_id))


def require_counted_open(session: Session, convention_id: int, doing: str) -> None:
    """409 while the convention's results are provisional: finalize recomputes them from the
    same sheets, counted the same way, so what decides that (jurors, their conflicts and
    recusals, the entries' categories) holds until the results are final or withdrawn."""
    if result_status(session, convention_id) == ResultStatus.PROVISIONAL:
        raise ConventionState(
            f"Cannot {doing} while the results are provisional: finalize recomputes them from "
            "what they counted. Finalize or withdraw them first."
        )


def require_status(convention: Convention, *allowed: str, doing: str) -> None:
    if convention.status not in allowed:
        raise ConventionState(
            f"Cannot {doing} while the convention is {convention.status} "
            f"(only when {' or '.join(allowed)})."
        )
