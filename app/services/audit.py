"""The append-only audit log. Nothing in the API updates or deletes it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, NotRequired, TypedDict, Unpack

from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.models import AuditEvent, utcnow
from app.security import Principal
from app.services.common import list_in_convention


class Fields(TypedDict):
    """What an event says: who did what to which row, in which convention; under which juror
    and entry the log's filters find it; the row before and after."""

    actor: Principal | None
    action: str
    target_type: str
    target_id: int | None
    convention_id: int | None
    juror_id: NotRequired[int | None]
    entry_id: NotRequired[int | None]
    before: NotRequired[dict[str, Any] | None]
    after: NotRequired[dict[str, Any] | None]


def event(**fields: Unpack[Fields]) -> dict[str, Any]:
    """An audit event's row, for ``record_many``."""
    actor = fields["actor"]
    return {
        "convention_id": fields["convention_id"],
        "at": utcnow(),
        "actor_id": actor.id if actor else None,
        "actor_username": actor.username if actor else None,
        "action": fields["action"],
        "target_type": fields["target_type"],
        "target_id": fields["target_id"],
        "juror_id": fields.get("juror_id"),
        "entry_id": fields.get("entry_id"),
        "before": fields.get("before"),
        "after": fields.get("after"),
    }


def record(session: Session, **fields: Unpack[Fields]) -> None:
    # A Core insert: the log is written on every sheet save, and never read back here.
    session.execute(insert(AuditEvent).values(event(**fields)))


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
    return list_in_convention(
        session,
        AuditEvent,
        convention_id,
        limit,
        offset,
        juror_id=juror_id,
        entry_id=entry_id,
        action=action,
    )


def snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """The named fields of ``obj`` as JSON-ready values, for an event's before/after."""
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        out[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def _none(_row: Any) -> None:
    return None


@dataclass(frozen=True)
class Target:
    """A kind of row the log speaks of, the one rule of what its events carry: ``name`` is
    their ``target_type`` (and the prefix of ``create``, ``update`` and ``delete``), the row's
    id their ``target_id``; ``snapshot`` is what they keep of the row; ``juror``, ``entry``
    and ``convention`` find the ids the log files them under (a juror's events under the
    juror, an objection's under its entry)."""

    name: str
    snapshot: Callable[[Any], dict[str, Any]] = lambda _row: {}
    juror: Callable[[Any], int | None] = _none
    entry: Callable[[Any], int | None] = _none
    convention: Callable[[Any], int | None] = attrgetter("convention_id")

    def event(
        self,
        actor: Principal | None,
        action: str,
        row: Any,
        *,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        return event(
            actor=actor,
            action=action,
            target_type=self.name,
            target_id=row.id,
            convention_id=self.convention(row),
            juror_id=self.juror(row),
            entry_id=self.entry(row),
            before=before,
            after=after,
        )

    def record(
        self,
        session: Session,
        actor: Principal | None,
        action: str,
        row: Any,
        *,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        session.execute(
            insert(AuditEvent).values(self.event(actor, action, row, before=before, after=after))
        )

    def record_all(
        self,
        session: Session,
        actor: Principal | None,
        action: str,
        convention_id: int,
        *,
        juror_id: int | None = None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        """An event on many rows of the convention at once (an issue, a replace): it names no
        one row (no ``target_id``); ``juror_id`` when the rows are one juror's."""
        record(
            session,
            actor=actor,
            action=action,
            target_type=self.name,
            target_id=None,
            convention_id=convention_id,
            juror_id=juror_id,
            before=before,
            after=after,
        )

    def created(self, session: Session, actor: Principal | None, rows: list[Any]) -> None:
        """``<name>.create`` of each of ``rows`` (flushed: they have ids), in one statement."""
        action = f"{self.name}.create"
        record_many(session, [self.event(actor, action, r, after=self.snapshot(r)) for r in rows])

    def add(self, session: Session, actor: Principal | None, rows: list[Any]) -> None:
        """Insert ``rows`` (one flush) and record their ``<name>.create``."""
        session.add_all(rows)
        session.flush()
        self.created(session, actor, rows)

    def updated(
        self,
        session: Session,
        actor: Principal | None,
        row: Any,
        before: dict[str, Any],
        after: dict[str, Any] | None = None,
    ) -> None:
        """``<name>.update``: ``before`` (its snapshot before the change), and ``after`` or the
        row's snapshot now."""
        after = self.snapshot(row) if after is None else after
        self.record(session, actor, f"{self.name}.update", row, before=before, after=after)

    def delete(self, session: Session, actor: Principal | None, row: Any) -> None:
        """Record ``<name>.delete`` with the row's snapshot, then delete the row."""
        self.record(session, actor, f"{self.name}.delete", row, before=self.snapshot(row))
        session.delete(row)
        session.flush()

    def change(
        self, session: Session, actor: Principal | None, row: Any, changes: dict[str, Any]
    ) -> None:
        """Set ``changes`` on the row, flush, and record ``<name>.update``."""
        before = self.snapshot(row)
        for name, value in changes.items():
            setattr(row, name, value)
        session.flush()
        self.updated(session, actor, row, before)
