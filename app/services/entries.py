"""Entries (the innovations) and their innovators."""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import ConventionStatus, ResultStatus
from app.errors import ConventionState, ValidationFailed
from app.models import (
    Admission,
    Assignment,
    Award,
    Certificate,
    Convention,
    Entry,
    Innovator,
    Opd,
    Recusal,
    ScreeningDecision,
    Sheet,
)
from app.schemas import EntryCreate, EntryUpdate, InnovatorIn
from app.security import Principal
from app.services import audit, stages
from app.services.common import list_in_convention, ref_in_convention, refuse_referred
from app.services.conventions import require_counted_open, require_status, result_status

FIELDS = (
    "title",
    "opd_id",
    "category",
    "acronym",
    "summary",
    "disqualified",
    "disqualification_reason",
)


def _snapshot(entry: Entry) -> dict[str, object]:
    data = audit.snapshot(entry, FIELDS)
    data["innovators"] = [{"name": i.name, "nip": i.nip} for i in entry.innovators]
    return data


TARGET = audit.Target("entry", _snapshot, entry=attrgetter("id"))


def list_entries(
    session: Session,
    convention_id: int,
    limit: int,
    offset: int,
    opd_id: int | None = None,
    category: str | None = None,
) -> tuple[list[Entry], int]:
    return list_in_convention(
        session, Entry, convention_id, limit, offset, opd_id=opd_id, category=category
    )


def _innovators(items: list[InnovatorIn]) -> list[Innovator]:
    return [Innovator(position=i, name=item.name, nip=item.nip) for i, item in enumerate(items)]


def _replace_innovators(entry: Entry, items: list[InnovatorIn]) -> None:
    """The new list, position by position over the old rows: a corrected name or NIP keeps
    its innovator (and the certificates issued to it, which a reissue then prints anew)."""
    rows = list(entry.innovators)
    for row, item in zip(rows, items, strict=False):
        row.name, row.nip = item.name, item.nip
    for gone in rows[len(items) :]:
        entry.innovators.remove(gone)
    entry.innovators.extend(_innovators(items)[len(rows) :])


def create(
    session: Session, convention: Convention, data: EntryCreate, actor: Principal | None
) -> Entry:
    """Add an entry; ``actor`` is None for the ``konvensi`` command."""
    return create_many(session, convention, [data], actor)[0]


def create_many(
    session: Session, convention: Convention, items: list[EntryCreate], actor: Principal | None
) -> list[Entry]:
    """Add entries in one flush and one audit statement (a bulk import): none once a stage
    has advanced (409), none when an ``opd_id`` is not the convention's (422)."""
    stages.require_entries_open(convention)
    require_counted_open(session, convention.id, "add an entry")
    known = set(session.scalars(select(Opd.id).where(Opd.convention_id == convention.id)))
    for data in items:
        if data.opd_id not in known:
            raise ValidationFailed.field(
                ["body", "opd_id"], f"no such id in this convention: {data.opd_id}"
            )
    created = [
        Entry(
            convention_id=convention.id,
            opd_id=data.opd_id,
            title=data.title,
            acronym=data.acronym,
            category=data.category,
            summary=data.summary,
            innovators=_innovators(data.innovators),
        )
        for data in items
    ]
    TARGET.add(session, actor, created)
    return created


def update(
    session: Session, convention: Convention, entry: Entry, data: EntryUpdate, actor: Principal
) -> Entry:
    changes = data.changes()
    _check_disqualification(session, convention, entry, changes)
    if "opd_id" in changes and changes["opd_id"] != entry.opd_id:
        require_status(convention, ConventionStatus.DRAFT, doing="move an entry to another OPD")
        ref_in_convention(session, Opd, convention.id, changes["opd_id"], "opd_id")
    if "category" in changes and changes["category"] != entry.category:
        require_counted_open(session, convention.id, "change an entry's category")
    before = _snapshot(entry)
    innovators = changes.pop("innovators", None)
    for name, value in changes.items():
        setattr(entry, name, value)
    if innovators is not None:
        _replace_innovators(entry, data.innovators or [])
    session.flush()
    TARGET.updated(session, actor, entry, before)
    return entry


def _check_disqualification(
    session: Session, convention: Convention, entry: Entry, changes: dict[str, Any]
) -> None:
    """Disqualifying (or requalifying) is allowed until the results are final, with a reason."""
    if "disqualified" not in changes and "disqualification_reason" not in changes:
        return
    if result_status(session, convention.id) == ResultStatus.FINAL:
        raise ConventionState("The results are final; an entry can no longer be disqualified.")
    disqualified = changes.get("disqualified", entry.disqualified)
    if disqualified:
        reason = changes.get("disqualification_reason", entry.disqualification_reason)
        if not reason:
            raise ValidationFailed.field(
                ["body", "disqualification_reason"], "required to disqualify an entry"
            )
    else:
        changes["disqualification_reason"] = None


def delete(session: Session, entry: Entry, actor: Principal) -> None:
    require_counted_open(session, entry.convention_id, "delete an entry")
    referrers = (
        (Sheet.entry_id, "score sheets"),
        (Admission.entry_id, "a stage's admissions"),
        (ScreeningDecision.entry_id, "a screening decision"),
        (Award.entry_id, "an award"),
        (Certificate.entry_id, "certificates"),
        (Assignment.entry_id, "juror assignments"),
        (Recusal.entry_id, "juror recusals"),
    )
    refuse_referred(
        session, entry.id, referrers, lambda what: f"Entry {entry.id} is referred to by {what}."
    )
    TARGET.delete(session, actor, entry)
