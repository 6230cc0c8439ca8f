"""Progress of judging: who is expected to score what, and how far each juror and entry is.

Progress follows the current stage: its admitted entries and the jurors of the panels that judge
it. A juror is *eligible* for an entry when it has no conflict with the entry's OPD, has not
recused itself from the entry, and — when the convention judges by assignment — the entry was
assigned to it. Eligible pairs are the sheets a stage expects; the ranking counts only their
submitted sheets.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import scoring
from app.enums import Role, SheetState, SheetStatus, StageKind
from app.models import Account, Convention, Entry, Sheet
from app.services import admissions, eligibility

TO_SCORE = (SheetState.NOT_STARTED, SheetState.DRAFT, SheetState.SUBMITTED)
"""The states of an entry a juror has to score (a conflict or no assignment is not one)."""


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

    stage_id: int
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
    """Who is expected to score what in the current stage."""
    cid = convention.id
    stage = convention.current_stage
    assert stage is not None  # every convention has a stage
    judging: list[JurorRow] | None = [] if stage.kind == StageKind.SCREENING else None
    stmt = select(Account.id, Account.username, Account.full_name, Account.panel_id).where(
        Account.convention_id == cid, Account.role == Role.JUROR
    )
    if not stage.all_panels:
        stmt = stmt.where(Account.panel_id.in_(stage.panel_ids or []))
    jurors = (
        judging
        if judging is not None
        else [
            JurorRow(row[0], row[1], row[2], row[3] or 0)
            for row in session.execute(stmt.order_by(Account.id))
        ]
    )
    admitted = set(admissions.admitted_ids(session, convention, stage))
    entries = [
        EntryRow(*row)
        for row in session.execute(
            select(Entry.id, Entry.title, Entry.acronym, Entry.opd_id)
            .where(Entry.convention_id == cid)
            .order_by(Entry.id)
        )
        if row[0] in admitted
    ]
    return Eligibility(stage.id, jurors, entries, eligibility.load(session, convention))


def _sheet_states(
    session: Session, stage_id: int, juror_id: int | None = None
) -> dict[tuple[int, int], tuple[str, int]]:
    stmt = select(Sheet.juror_id, Sheet.entry_id, Sheet.status, Sheet.version).where(
        Sheet.stage_id == stage_id
    )
    if juror_id is not None:
        stmt = stmt.where(Sheet.juror_id == juror_id)
    return {(j, e): (status, version) for j, e, status, version in session.execute(stmt)}


def juror_progress(session: Session, convention: Convention, juror_id: int) -> dict[str, Any]:
    elig = load_eligibility(session, convention)
    states = _sheet_states(session, elig.stage_id, juror_id)
    entries: list[dict[str, Any]] = []
    counts: Counter[str] = Counter()
    # A juror whose panel does not judge the current stage has nothing to score in it.
    judged = elig.entries if any(j.id == juror_id for j in elig.jurors) else []
    for entry in judged:
        sheet = states.get((juror_id, entry.id))
        if elig.is_conflicted(juror_id, entry):
            state = SheetState.CONFLICT
        elif not elig.is_assigned(juror_id, entry.id):
            state = SheetState.NOT_ASSIGNED
        elif sheet is None:
            state = SheetState.NOT_STARTED
        else:
            state = SheetState(sheet[0])
        counts[state] += 1
        if state == SheetState.NOT_ASSIGNED:
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
        "stage_id": elig.stage_id,
        "juror_id": juror_id,
        "to_score": counts[SheetState.NOT_STARTED]
        + counts[SheetState.DRAFT]
        + counts[SheetState.SUBMITTED],
        "not_started": counts[SheetState.NOT_STARTED],
        "draft": counts[SheetState.DRAFT],
        "submitted": counts[SheetState.SUBMITTED],
        "conflicts": counts[SheetState.CONFLICT],
        "entries": entries,
    }


def convention_progress(session: Session, convention: Convention) -> dict[str, Any]:
    elig = load_eligibility(session, convention)
    states = _sheet_states(session, elig.stage_id)
    per_juror: dict[int, Counter[str]] = defaultdict(Counter)
    expected_by_entry: Counter[int] = Counter()
    submitted_by_entry: Counter[int] = Counter()
    for juror in elig.jurors:
        counts = per_juror[juror.id]
        for entry in elig.entries:
            if elig.is_conflicted(juror.id, entry):
                counts[SheetState.CONFLICT] += 1
                continue
            if not elig.is_assigned(juror.id, entry.id):
                continue
            expected_by_entry[entry.id] += 1
            sheet = states.get((juror.id, entry.id))
            state = sheet[0] if sheet else SheetState.NOT_STARTED
            counts[state] += 1
            if state == SheetState.SUBMITTED:
                submitted_by_entry[entry.id] += 1
    recusal_counts = Counter(j for j, _e in elig.recusals)
    jurors = [
        {
            "juror_id": j.id,
            "username": j.username,
            "full_name": j.full_name,
            "panel_id": j.panel_id,
            "expected": sum(
                per_juror[j.id][s]
                for s in (SheetState.NOT_STARTED, SheetState.DRAFT, SheetState.SUBMITTED)
            ),
            "submitted": per_juror[j.id][SheetState.SUBMITTED],
            "draft": per_juror[j.id][SheetState.DRAFT],
            "not_started": per_juror[j.id][SheetState.NOT_STARTED],
            "conflicts": per_juror[j.id][SheetState.CONFLICT],
            "recusals": recusal_counts[j.id],
        }
        for j in elig.jurors
    ]
    return {
        "convention_id": convention.id,
        "stage_id": elig.stage_id,
        "entries": len(elig.entries),
        "expected_sheets": sum(expected_by_entry.values()),
        "submitted_sheets": sum(submitted_by_entry.values()),
        "draft_sheets": sum(per_juror[j.id][SheetState.DRAFT] for j in elig.jurors),
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
    states = _sheet_states(session, elig.stage_id)
    rows = []
    for entry in elig.entries:
        expected = [j.id for j in elig.jurors if elig.eligible(j.id, entry)]
        missing = [
            j for j in expected if states.get((j, entry.id), ("",))[0] != SheetStatus.SUBMITTED
        ]
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


def incomplete_entry_ids(session: Session, convention: Convention) -> list[int]:
    """The entries of the current stage still missing a submitted sheet."""
    rows, _total = entry_completeness(
        session, convention, incomplete_only=True, limit=2**31, offset=0
    )
    return [row["entry_id"] for row in rows]
