"""Who judges what: eligibility, assignments, recusals, and progress.

A juror is *eligible* for an entry when it has no conflict with the entry's OPD, has not
recused itself from the entry, and — when the convention judges by assignment — the entry was
assigned to it. Eligible pairs are the sheets a convention expects; the ranking counts only
their submitted sheets.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

import scoring
from app.enums import ConventionStatus, Role
from app.errors import Duplicate, NotFound, ValidationFailed
from app.models import (
    Account,
    Assignment,
    Convention,
    Entry,
    Recusal,
    Sheet,
)
from app.security import Principal
from app.services import audit, eligibility
from app.services.common import get_in_convention, paginate, valid_id
from app.services.conventions import require_status


@dataclass(frozen=True, slots=True)
class JurorRow:
    id: int
    username: str
    full_name: str
    panel_id: int


@dataclass(frozen=True, slots=True)
class EntryRow:
    id: int
    title: str
    acronym: str | None
    opd_id: int


@dataclass
class Eligibility:
    """The convention's jurors and entries, and the rule of who is expected to score what."""

    jurors: list[JurorRow]
    entries: list[EntryRow]
    rule: scoring.Eligibility

    @property
    def recusals(self) -> frozenset[tuple[int, int]]:
        return self.rule.recusals

    def is_conflicted(self, juror_id: int, entry: EntryRow) -> bool:
        return self.rule.conflicted(juror_id, entry.id, entry.opd_id)

    def is_assigned(self, juror_id: int, entry_id: int) -> bool:
        return self.rule.assigned(juror_id, entry_id)

    def eligible(self, juror_id: int, entry: EntryRow) -> bool:
        return self.rule.eligible(juror_id, entry.id, entry.opd_id)


def load_eligibility(session: Session, convention: Convention) -> Eligibility:
    cid = convention.id
    jurors = [
        JurorRow(row[0], row[1], row[2], row[3] or 0)
        for row in session.execute(
            select(Account.id, Account.username, Account.full_name, Account.panel_id)
            .where(Account.convention_id == cid, Account.role == Role.JUROR)
            .order_by(Account.id)
        )
    ]
    entries = [
        EntryRow(*row)
        for row in session.execute(
            select(Entry.id, Entry.title, Entry.acronym, Entry.opd_id)
            .where(Entry.convention_id == cid)
            .order_by(Entry.id)
        )
    ]
    return Eligibility(jurors, entries, eligibility.load(session, convention))


# --- progress ------------------------------------------------------------------------------


def _sheet_states(
    session: Session, convention_id: int, juror_id: int | None = None
) -> dict[tuple[int, int], tuple[str, int]]:
    stmt = select(Sheet.juror_id, Sheet.entry_id, Sheet.status, Sheet.version).where(
        Sheet.convention_id == convention_id
    )
    if juror_id is not None:
        stmt = stmt.where(Sheet.juror_id == juror_id)
    return {(j, e): (status, version) for j, e, status, version in session.execute(stmt)}


def juror_progress(session: Session, convention: Convention, juror_id: int) -> dict[str, Any]:
    elig = load_eligibility(session, convention)
    states = _sheet_states(session, convention.id, juror_id)
    entries: list[dict[str, Any]] = []
    counts: Counter[str] = Counter()
    for entry in elig.entries:
        sheet = states.get((juror_id, entry.id))
        if elig.is_conflicted(juror_id, entry):
            state = "conflict"
        elif not elig.is_assigned(juror_id, entry.id):
            state = "not_assigned"
        elif sheet is None:
            state = "not_started"
        else:
            state = sheet[0]
        counts[state] += 1
        if state == "not_assigned":
            continue
        entries.append(
            {
                "entry_id": entry.id,
                "title": entry.title,
                "acronym": entry.acronym,
                "state": state,
                "version": sheet[1] if sheet else None,
            }
        )
    return {
        "convention_id": convention.id,
        "juror_id": juror_id,
        "to_score": counts["not_started"] + counts["draft"] + counts["submitted"],
        "not_started": counts["not_started"],
        "draft": counts["draft"],
        "submitted": counts["submitted"],
        "conflicts": counts["conflict"],
        "entries": entries,
    }


def convention_progress(session: Session, convention: Convention) -> dict[str, Any]:
    elig = load_eligibility(session, convention)
    states = _sheet_states(session, convention.id)
    per_juror: dict[int, Counter[str]] = defaultdict(Counter)
    expected_by_entry: Counter[int] = Counter()
    submitted_by_entry: Counter[int] = Counter()
    for juror in elig.jurors:
        counts = per_juror[juror.id]
        for entry in elig.entries:
            if elig.is_conflicted(juror.id, entry):
                counts["conflict"] += 1
                continue
            if not elig.is_assigned(juror.id, entry.id):
                continue
            expected_by_entry[entry.id] += 1
            sheet = states.get((juror.id, entry.id))
            state = sheet[0] if sheet else "not_started"
            counts[state] += 1
            if state == "submitted":
                submitted_by_entry[entry.id] += 1
    recusal_counts = Counter(j for j, _e in elig.recusals)
    jurors = [
        {
            "juror_id": j.id,
            "username": j.username,
            "full_name": j.full_name,
            "panel_id": j.panel_id,
            "expected": sum(per_juror[j.id][s] for s in ("not_started", "draft", "submitted")),
            "submitted": per_juror[j.id]["submitted"],
            "draft": per_juror[j.id]["draft"],
            "not_started": per_juror[j.id]["not_started"],
            "conflicts": per_juror[j.id]["conflict"],
            "recusals": recusal_counts[j.id],
        }
        for j in elig.jurors
    ]
    return {
        "convention_id": convention.id,
        "entries": len(elig.entries),
        "expected_sheets": sum(expected_by_entry.values()),
        "submitted_sheets": sum(submitted_by_entry.values()),
        "draft_sheets": sum(per_juror[j.id]["draft"] for j in elig.jurors),
        "complete_entries": sum(
            1 for e in elig.entries if submitted_by_entry[e.id] == expected_by_entry[e.id]
        ),
        "jurors": jurors,
    }


def entry_completeness(
    session: Session, convention: Convention, *, incomplete_only: bool, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """Per entry: the sheets expected, those submitted, and the jurors still missing."""
    elig = load_eligibility(session, convention)
    states = _sheet_states(session, convention.id)
    rows = []
    for entry in elig.entries:
        expected = [j.id for j in elig.jurors if elig.eligible(j.id, entry)]
        missing = [j for j in expected if states.get((j, entry.id), ("",))[0] != "submitted"]
        if incomplete_only and not missing:
            continue
        rows.append(
            {
                "entry_id": entry.id,
                "title": entry.title,
                "expected_sheet_count": len(expected),
                "sheet_count": len(expected) - len(missing),
                "complete": not missing,
                "missing_juror_ids": missing,
            }
        )
    return rows[offset : offset + limit], len(rows)


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
    entry = session.get(Entry, entry_id) if valid_id(entry_id) else None
    if entry is None or entry.convention_id != convention.id:
        raise ValidationFailed.field(
            ["body", "entry_id"], f"no such entry in this convention: {entry_id}"
        )
    if session.get(Recusal, (principal.id, entry_id)) is not None:
        raise Duplicate(f"You already declared a conflict on entry {entry_id}.")
    recusal = Recusal(juror_id=principal.id, entry_id=entry_id, reason=reason)
    session.add(recusal)
    session.flush()
    audit.record(
        session,
        actor=principal,
        action="recusal.create",
        target_type="recusal",
        target_id=entry_id,
        convention_id=convention.id,
        juror_id=principal.id,
        entry_id=entry_id,
        after={"reason": reason},
    )
    return recusal


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
    audit.record(
        session,
        actor=principal,
        action="recusal.delete",
        target_type="recusal",
        target_id=entry_id,
        convention_id=convention.id,
        juror_id=juror_id,
        entry_id=entry_id,
        before={"reason": recusal.reason},
    )
    session.delete(recusal)
    session.flush()


# --- assignments ---------------------------------------------------------------------------


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
        audit.record(
            session,
            actor=principal,
            action="assignment.add",
            target_type="assignment",
            target_id=None,
            convention_id=convention.id,
            after={"pairs": [list(p) for p in new]},
        )
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
    audit.record(
        session,
        actor=principal,
        action="assignment.replace",
        target_type="assignment",
        target_id=None,
        convention_id=convention.id,
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
