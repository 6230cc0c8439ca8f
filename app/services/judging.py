"""Who judges what: a juror's own recusals, and the secretariat's assignments (which decide
who scores what when the convention judges by assignment)."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.enums import ConventionStatus, Role
from app.errors import Duplicate, NotFound, ValidationFailed
from app.models import (
    Account,
    Assignment,
    Convention,
    Entry,
    Recusal,
)
from app.security import Principal
from app.services import audit
from app.services.common import get_in_convention, paginate, ref_in_convention, valid_id
from app.services.conventions import require_counted_open, require_status

# --- recusals ------------------------------------------------------------------------------


def recuse(
    session: Session,
    principal: Principal,
    convention: Convention,
    entry_id: int,
    reason: str | None,
) -> Recusal:
    require_status(
        convention, ConventionStatus.DRAFT, ConventionStatus.JUDGING, doing="declare a conflict"
    )
    ref_in_convention(session, Entry, convention.id, entry_id, "entry_id", "entry")
    if session.get(Recusal, (principal.id, entry_id)) is not None:
        raise Duplicate(f"You already declared a conflict on entry {entry_id}.")
    recusal = Recusal(juror_id=principal.id, entry_id=entry_id, reason=reason)
    session.add(recusal)
    session.flush()
    _record_recusal(session, principal, convention, recusal, created=True)
    return recusal


def _record_recusal(
    session: Session,
    principal: Principal,
    convention: Convention,
    recusal: Recusal,
    *,
    created: bool,
) -> None:
    """``recusal.create`` (its reason after) or ``recusal.delete`` (its reason before), filed
    under the juror and the entry; a recusal has no id of its own: its entry's stands for it."""
    reason = {"reason": recusal.reason}
    audit.record(
        session,
        actor=principal,
        action="recusal.create" if created else "recusal.delete",
        target_type="recusal",
        target_id=recusal.entry_id,
        convention_id=convention.id,
        juror_id=recusal.juror_id,
        entry_id=recusal.entry_id,
        before=None if created else reason,
        after=reason if created else None,
    )


def list_recusals(
    session: Session, convention_id: int, juror_id: int | None, limit: int, offset: int
) -> tuple[list[Recusal], int]:
    stmt = (
        select(Recusal)
        .join(Entry, Entry.id == Recusal.entry_id)
        .where(Entry.convention_id == convention_id)
    )
    if juror_id is not None:
        stmt = stmt.where(Recusal.juror_id == juror_id)
    return paginate(session, stmt.order_by(Recusal.juror_id, Recusal.entry_id), limit, offset)


def withdraw_recusal(
    session: Session, principal: Principal, convention: Convention, juror_id: int, entry_id: int
) -> None:
    recusal = (
        session.get(Recusal, (juror_id, entry_id))
        if valid_id(juror_id) and valid_id(entry_id)
        else None
    )
    entry = session.get(Entry, entry_id) if recusal else None
    if recusal is None or entry is None or entry.convention_id != convention.id:
        raise NotFound(f"Juror {juror_id} has no recusal for entry {entry_id}.")
    require_counted_open(session, convention.id, "withdraw a recusal")
    _record_recusal(session, principal, convention, recusal, created=False)
    session.delete(recusal)
    session.flush()


# --- assignments ---------------------------------------------------------------------------

ASSIGNMENT = audit.Target("assignment")


def _check_pairs(
    session: Session, convention_id: int, pairs: list[tuple[int, int]], loc: str
) -> None:
    juror_ids = {j for j, _ in pairs}
    entry_ids = {e for _, e in pairs}
    known_jurors = set(
        session.scalars(
            select(Account.id).where(
                Account.convention_id == convention_id,
                Account.role == Role.JUROR,
                Account.id.in_(juror_ids),
            )
        )
    )
    known_entries = set(
        session.scalars(
            select(Entry.id).where(Entry.convention_id == convention_id, Entry.id.in_(entry_ids))
        )
    )
    for index, (juror_id, entry_id) in enumerate(pairs):
        if juror_id not in known_jurors:
            raise ValidationFailed.field(
                ["body", loc, index, "juror_id"], f"no such juror in this convention: {juror_id}"
            )
        if entry_id not in known_entries:
            raise ValidationFailed.field(
                ["body", loc, index, "entry_id"], f"no such entry in this convention: {entry_id}"
            )


def add_assignments(
    session: Session, principal: Principal, convention: Convention, pairs: list[tuple[int, int]]
) -> dict[str, int]:
    require_status(
        convention, ConventionStatus.DRAFT, ConventionStatus.JUDGING, doing="assign entries"
    )
    _check_pairs(session, convention.id, pairs, "items")
    existing = {
        (j, e)
        for j, e in session.execute(
            select(Assignment.juror_id, Assignment.entry_id).where(
                Assignment.convention_id == convention.id
            )
        )
    }
    new = sorted(set(pairs) - existing)
    if new:
        session.add_all(
            [Assignment(juror_id=j, entry_id=e, convention_id=convention.id) for j, e in new]
        )
        session.flush()
        after = {"pairs": [list(p) for p in new]}
        ASSIGNMENT.record_all(session, principal, "assignment.add", convention.id, after=after)
    total = (
        session.scalar(
            select(func.count())
            .select_from(Assignment)
            .where(Assignment.convention_id == convention.id)
        )
        or 0
    )
    return {"added": len(new), "unchanged": len(set(pairs)) - len(new), "total": total}


def replace_juror_assignments(
    session: Session,
    principal: Principal,
    convention: Convention,
    juror_id: int,
    entry_ids: list[int],
) -> list[int]:
    require_status(
        convention, ConventionStatus.DRAFT, ConventionStatus.JUDGING, doing="assign entries"
    )
    get_in_convention(session, Account, convention.id, juror_id, "Juror")
    pairs = [(juror_id, e) for e in entry_ids]
    if pairs:
        _check_pairs(session, convention.id, pairs, "entry_ids")
    before = sorted(
        session.scalars(select(Assignment.entry_id).where(Assignment.juror_id == juror_id))
    )
    session.execute(delete(Assignment).where(Assignment.juror_id == juror_id))
    session.add_all(
        [Assignment(juror_id=juror_id, entry_id=e, convention_id=convention.id) for e in entry_ids]
    )
    session.flush()
    ASSIGNMENT.record_all(
        session,
        principal,
        "assignment.replace",
        convention.id,
        juror_id=juror_id,
        before={"entry_ids": before},
        after={"entry_ids": sorted(entry_ids)},
    )
    return sorted(entry_ids)


def list_assignments(
    session: Session,
    convention_id: int,
    juror_id: int | None,
    entry_id: int | None,
    limit: int,
    offset: int,
) -> tuple[list[Assignment], int]:
    stmt = select(Assignment).where(Assignment.convention_id == convention_id)
    if juror_id is not None:
        stmt = stmt.where(Assignment.juror_id == juror_id)
    if entry_id is not None:
        stmt = stmt.where(Assignment.entry_id == entry_id)
    return paginate(session, stmt.order_by(Assignment.juror_id, Assignment.entry_id), limit, offset)
