"""A convention's eligibility rule (``scoring.Eligibility``) read from the database: the
conflicts jurors declared, their recusals, and the assignments when the convention judges by
assignment. The ranking and the progress routes both read it from here."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

import scoring
from app.enums import AssignmentMode
from app.models import Account, Assignment, Convention, Entry, JurorConflict, Recusal


def load(session: Session, convention: Convention) -> scoring.Eligibility:
    cid = convention.id
    conflicts = session.execute(
        select(JurorConflict.juror_id, JurorConflict.opd_id)
        .join(Account, Account.id == JurorConflict.juror_id)
        .where(Account.convention_id == cid)
    )
    recusals = session.execute(
        select(Recusal.juror_id, Recusal.entry_id)
        .join(Entry, Entry.id == Recusal.entry_id)
        .where(Entry.convention_id == cid)
    )
    assignments = None
    if convention.assignment_mode == AssignmentMode.ASSIGNED:
        assignments = session.execute(
            select(Assignment.juror_id, Assignment.entry_id).where(Assignment.convention_id == cid)
        )
    return scoring.Eligibility.of(
        ((j, o) for j, o in conflicts),
        ((j, e) for j, e in recusals),
        None if assignments is None else ((j, e) for j, e in assignments),
    )
