"""Where a juror's sheet goes and whether it may be written there: the entry, the current
stage, the checks of the contract's order before the body is read, and the stage's rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from app.enums import AssignmentMode, ConventionStatus
from app.errors import (
    ConflictOfInterest,
    ConventionState,
    Forbidden,
    NotFound,
    NotInStage,
)
from app.models import utcnow
from app.security import Principal
from app.services.common import valid_id
from app.services.sheets import statements as q
from app.services.sheets.rules import (
    Rule,
)


@dataclass(frozen=True, slots=True)
class Target:
    """The entry a juror writes to, in the convention's current stage, and what decides
    whether it may."""

    convention_id: int
    entry_id: int
    stage_id: int
    judges: bool
    admitted: bool
    status: str
    deadline: datetime | None
    conflicted: bool
    recused: bool
    assigned: bool


def load_target(
    conn: Connection, principal: Principal, convention_id: int, entry_id: int
) -> Target:
    """The convention, its current stage and the entry of a juror's sheet, in one query; 404
    when the convention or entry is unknown (or, for a juror, not its convention)."""
    if not principal.sees(convention_id):
        raise NotFound(f"Convention {convention_id} not found.")
    if not (valid_id(convention_id) and valid_id(entry_id)):
        raise NotFound(f"Entry {entry_id} not found in convention {convention_id}.")
    row = conn.execute(
        q.TARGET,
        {
            "juror_id": principal.id,
            "panel_id": principal.panel_id,
            "entry_id": entry_id,
            "convention_id": convention_id,
        },
    ).one_or_none()
    if row is None:
        if conn.execute(q.CONVENTION_EXISTS, {"convention_id": convention_id}).first() is None:
            raise NotFound(f"Convention {convention_id} not found.")
        raise NotFound(f"Entry {entry_id} not found in convention {convention_id}.")
    stage_id, judges, admitted, status, deadline, mode, conflicted, recused, assigned = row
    return Target(
        convention_id,
        entry_id,
        stage_id,
        bool(judges),
        bool(admitted),
        status,
        deadline,
        bool(conflicted),
        bool(recused),
        mode == AssignmentMode.ALL or bool(assigned),
    )


def authorize_write(
    target: Target, principal: Principal, stage_id: int | str | None = None
) -> None:
    """403, 409 convention-state and 409 not-in-stage, in the contract's order.
    ``stage_id``: the stage the request names, if it names one (text that is no id names
    none, so it is not the current stage)."""
    if not principal.is_juror:
        raise Forbidden("Only a juror writes its own sheets; the secretariat reads them.")
    if target.conflicted:
        raise ConflictOfInterest(
            "You have a declared conflict of interest with this entry's OPD; another juror "
            "will score it."
        )
    if target.recused:
        raise ConflictOfInterest("You recused yourself from this entry.")
    if not target.assigned:
        raise Forbidden("This entry is not assigned to you.")
    if target.status != ConventionStatus.JUDGING:
        raise ConventionState(
            f"Sheets are written only while judging; the convention is {target.status}."
        )
    if target.deadline is not None and utcnow() > target.deadline:
        raise ConventionState(
            f"The judging deadline ({target.deadline.isoformat().replace('+00:00', 'Z')}) has "
            "passed; sheets can no longer be written."
        )
    if stage_id is not None and stage_id != target.stage_id:
        raise ConventionState(
            f"Stage {stage_id!r} is not the current stage (it is {target.stage_id}); "
            "nothing was written.",
            extra={"current_stage_id": target.stage_id},
        )
    if not target.judges:
        raise ConventionState(
            "Your panel does not judge the current stage.",
            extra={"current_stage_id": target.stage_id},
        )
    if not target.admitted:
        raise NotInStage(
            f"Entry {target.entry_id} is not admitted to the current stage.",
            extra={"current_stage_id": target.stage_id},
        )


def rules_for(
    conn: Connection,
    stage_id: int,
    status: str | None = None,
    cache: dict[int, dict[str, Rule]] | None = None,
) -> dict[str, Rule]:
    """The current stage's criteria by code. ``status``: the convention's status, read in this
    transaction; once it is not ``draft`` the current stage's criteria can never change again
    (docs/api.md: only while the convention is draft, and no move leads back to draft; a
    stage that becomes current later is frozen from then on), so ``cache`` (the
    ``Database``'s, one per process) keeps them: every worker would read the same rows."""
    frozen = status is not None and status != ConventionStatus.DRAFT and cache is not None
    if frozen and cache is not None and stage_id in cache:
        return cache[stage_id]
    rows = conn.execute(q.RULES, {"stage_id": stage_id}).all()
    rules = {code: Rule(code, lo, hi, step) for code, lo, hi, step in rows}
    if frozen and cache is not None:
        cache[stage_id] = rules
    return rules
