"""The append-only audit log. Nothing in the API updates or deletes it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.models import AuditEvent, utcnow
from app.security import Principal
from app.services.common import paginate


def event(
    *,
    actor: Principal | None,
    action: str,
    target_type: str,
    target_id: int | None,
    convention_id: int | None,
    juror_id: int | None = None,
    entry_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An audit event's row, for ``record_many``."""
    return {
        "convention_id": convention_id,
        "at": utcnow(),
        "actor_id": actor.id if actor else None,
        "actor_username": actor.username if actor else None,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "juror_id": juror_id,
        "entry_id": entry_id,
        "before": before,
        "after": after,
    }


def record(
    session: Session,
    *,
    actor: Principal | None,
    action: str,
    target_type: str,
    target_id: int | None,
    convention_id: int | None,
    juror_id: int | None = None,
    entry_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    # A Core insert: the log is written on every sheet save, and never read back here.
    session.execute(
        insert(AuditEvent).values(
            event(
                actor=actor,
                action=action,
                target_type=target_type,
                target_id=target_id,
                convention_id=convention_id,
                juror_id=juror_id,
                entry_id=entry_id,
                before=before,
                after=after,
            )
        )
    )


def record_many(session: Session, events: list[dict[str, Any]]) -> None:
    """Many events (``event()``) in one statement: a bulk import's thousands of creates."""
    if events:
        session.execute(insert(AuditEvent), events)


def list_events(
    session: Session,
    convention_id: int,
    *,
    juror_id: int | None,
    entry_id: int | None,
    action: str | None,
    limit: int,
    offset: int,
) -> tuple[list[AuditEvent], int]:
    stmt = select(AuditEvent).where(AuditEvent.convention_id == convention_id)
    if juror_id is not None:
        stmt = stmt.where(AuditEvent.juror_id == juror_id)
    if entry_id is not None:
        stmt = stmt.where(AuditEvent.entry_id == entry_id)
    if action is not None:
        stmt = stmt.where(AuditEvent.action == action)
    return paginate(session, stmt.order_by(AuditEvent.id), limit, offset)


def snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """The named fields of ``obj`` as JSON-ready values, for an event's before/after."""
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        out[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return out
