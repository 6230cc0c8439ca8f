"""Writing sheets: a juror's ``PUT``, and the offline sync of a tablet's queue.

A sheet a juror saw accepted is never lost, changed behind its back or counted twice:

* the sheet row is read ``FOR UPDATE`` (PostgreSQL) or under the SQLite write lock, so two
  tablets of one juror writing at once are serialised and the second sees the first's version;
* the first write of a sheet is an ``INSERT … ON CONFLICT DO NOTHING`` on the unique key
  (juror, entry, stage); the loser of a race re-reads the winner's row and is judged against it;
* a body equal to the stored sheet changes nothing, so a tablet may retry blindly.

The checks run in the order the contract fixes (docs/api.md, "Score sheets").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from app.enums import AssignmentMode, ConventionStatus, SheetStatus
from app.errors import (
    ConflictOfInterest,
    ConventionState,
    Forbidden,
    NotFound,
    NotInStage,
    PreconditionFailed,
    Problem,
    SheetFinal,
    ValidationFailed,
)
from app.models import utcnow
from app.security import Principal
from app.services.common import valid_id
from app.services.sheets import statements as q
from app.services.sheets.rules import (
    Rule,
    SheetInput,
    StoredSheet,
    decode,
    matches,
    parse_body,
    same_content,
    unquoted,
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


def authorize_write(target: Target, principal: Principal, stage_id: int | None = None) -> None:
    """403, 409 convention-state and 409 not-in-stage, in the contract's order.
    ``stage_id``: the stage the request names, if it names one."""
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
            f"Stage {stage_id} is not the current stage (it is {target.stage_id}); "
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


def lock_sheet(conn: Connection, juror_id: int, entry_id: int, stage_id: int) -> StoredSheet | None:
    row = conn.execute(
        q.LOCK_SHEET, {"juror_id": juror_id, "entry_id": entry_id, "stage_id": stage_id}
    ).one_or_none()
    return q.stored(row) if row is not None else None


def _insert(conn: Connection, values: dict[str, Any]) -> int | None:
    stmt = q.INSERT_SHEET["postgresql" if conn.dialect.name == "postgresql" else "sqlite"]
    inserted: int | None = conn.execute(stmt, values).scalar_one_or_none()
    return inserted


def _record(
    conn: Connection,
    principal: Principal,
    action: str,
    target: Target,
    sheet_id: int,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    """The audit row of a sheet write: what ``audit.record`` writes, with a prebuilt insert."""
    conn.execute(
        q.INSERT_AUDIT,
        {
            "convention_id": target.convention_id,
            "at": utcnow(),
            "actor_id": principal.id,
            "actor_username": principal.username,
            "action": action,
            "target_type": "sheet",
            "target_id": sheet_id,
            "juror_id": principal.id,
            "entry_id": target.entry_id,
            "before": before,
            "after": after,
        },
    )


@dataclass(frozen=True, slots=True)
class Written:
    sheet: StoredSheet
    changed: bool


def _precondition_failed(if_match: str, stored: StoredSheet | None) -> PreconditionFailed:
    current = f"the current version is {stored.version}" if stored else "it does not exist"
    if unquoted(if_match):
        detail = (
            f"If-Match {if_match} is not an entity tag: quote the ETag as the server sent it, "
            f'e.g. If-Match: "{stored.version if stored else 1}" ({current}); nothing was '
            "written."
        )
    else:
        detail = f"If-Match {if_match} does not match the sheet ({current}); nothing was written."
    return PreconditionFailed(detail, extra={"current_version": stored.version if stored else None})


def write_sheet(
    conn: Connection,
    principal: Principal,
    target: Target,
    payload: Any,
    if_match: str | None,
    rules: dict[str, Rule],
) -> Written:
    """After 404, 403 and 409 (state, stage): 200 for a body equal to the stored sheet
    whatever If-Match says (RFC 9110 13.1.1: the state asked for already holds), 412, 422,
    409 sheet-final; then the write."""
    stored = lock_sheet(conn, principal.id, target.entry_id, target.stage_id)
    body: SheetInput | None = None
    invalid: ValidationFailed | None = None
    try:
        body = parse_body(
            decode(payload) if isinstance(payload, bytes | bytearray) else payload, rules
        )
    except ValidationFailed as exc:
        invalid = exc
    if body is not None and stored is not None and same_content(stored, body):
        return Written(stored, changed=False)
    if if_match is not None and not matches(if_match, stored):
        raise _precondition_failed(if_match, stored)
    if invalid is not None or body is None:
        raise invalid or ValidationFailed("body: invalid")
    if stored is not None and stored.status == SheetStatus.SUBMITTED:
        raise SheetFinal(
            "This sheet was submitted and is final; ask the secretariat to reopen it.",
            extra={"current_version": stored.version},
        )
    now = utcnow()
    submitted_at = now if body.submit else None
    if stored is None:
        sheet_id = _insert(
            conn,
            {
                "convention_id": target.convention_id,
                "juror_id": principal.id,
                "entry_id": target.entry_id,
                "stage_id": target.stage_id,
                "scores": body.scores,
                "comment": body.comment,
                "status": body.status,
                "version": 1,
                "created_at": now,
                "updated_at": now,
                "submitted_at": submitted_at,
            },
        )
        if sheet_id is None:
            # Another tablet of this juror created it a moment ago: judge against its row.
            return write_sheet(conn, principal, target, payload, if_match, rules)
        written = StoredSheet(
            sheet_id,
            principal.id,
            target.entry_id,
            target.stage_id,
            body.scores,
            body.comment,
            body.status,
            1,
            now,
            submitted_at,
        )
    else:
        conn.execute(
            q.UPDATE_SHEET,
            {
                "sheet_id": stored.id,
                "stored_version": stored.version,
                "scores": body.scores,
                "comment": body.comment,
                "status": body.status,
                "version": stored.version + 1,
                "updated_at": now,
                "submitted_at": submitted_at,
            },
        )
        written = StoredSheet(
            stored.id,
            principal.id,
            target.entry_id,
            target.stage_id,
            body.scores,
            body.comment,
            body.status,
            stored.version + 1,
            now,
            submitted_at,
        )
    _record(
        conn,
        principal,
        "sheet.submit" if body.submit else "sheet.save",
        target,
        written.id,
        stored.audit_view() if stored else None,
        written.audit_view(),
    )
    return Written(written, changed=True)


def put_sheet(
    conn: Connection,
    principal: Principal,
    convention_id: int,
    entry_id: int,
    payload: Any,
    if_match: str | None,
    rubrics: dict[int, dict[str, Rule]] | None = None,
    stage_id: int | None = None,
) -> Written:
    """A juror's ``PUT`` of a sheet in the current stage, every check in the contract's
    order. ``stage_id``: the stage the request names (409 when it is not the current one)."""
    target = load_target(conn, principal, convention_id, entry_id)
    authorize_write(target, principal, stage_id)
    rules = rules_for(conn, target.stage_id, target.status, rubrics)
    return write_sheet(conn, principal, target, payload, if_match, rules)


# --- the offline sync of a tablet's queue --------------------------------------------------


@dataclass(frozen=True, slots=True)
class SyncInput:
    """One queued sheet: the body of a ``PUT`` and the version the tablet last saw."""

    entry_id: int
    scores: Any
    comment: Any
    submit: Any
    base_version: int | None
    stage_id: int | None = None


def sync(
    session: Session, principal: Principal, convention_id: int, items: list[SyncInput]
) -> list[dict[str, Any]]:
    """Apply queued sheets in order, each on its own (a savepoint each) with the rules of the
    ``PUT``; one result per sheet: ``accepted``, ``unchanged``, ``conflict`` (with the
    server's sheet), ``invalid`` or ``refused`` (with the problem)."""
    results = []
    rules: dict[int, dict[str, Rule]] = {}
    for item in items:
        payload = {"scores": item.scores, "comment": item.comment, "submit": item.submit}
        if_match = f'"{item.base_version}"' if item.base_version is not None else None
        try:
            with session.begin_nested():
                conn = session.connection()
                target = load_target(conn, principal, convention_id, item.entry_id)
                authorize_write(target, principal, item.stage_id)
                stage_rules = rules_for(conn, target.stage_id, target.status, rules)
                written = write_sheet(conn, principal, target, payload, if_match, stage_rules)
            results.append(
                {
                    "entry_id": item.entry_id,
                    "outcome": "accepted" if written.changed else "unchanged",
                    "status": 200,
                    "sheet": written.sheet.as_dict(),
                }
            )
        except Problem as problem:
            results.append(_sync_failure(session, principal, convention_id, item, problem))
    return results


def _sync_failure(
    session: Session, principal: Principal, convention_id: int, item: SyncInput, problem: Problem
) -> dict[str, Any]:
    body = problem.body()
    entry_id = item.entry_id
    if problem.status in (409, 412) and problem.name in ("sheet-final", "precondition-failed"):
        conn = session.connection()
        stage_id = conn.execute(
            q.CURRENT_STAGE, {"convention_id": convention_id}
        ).scalar_one_or_none()
        current = get_stored(conn, principal.id, entry_id, stage_id) if stage_id else None
        return {
            "entry_id": entry_id,
            "outcome": "conflict",
            "status": problem.status,
            "sheet": current.as_dict() if current else None,
            "problem": body,
        }
    outcome = "invalid" if problem.status == 422 else "refused"
    return {"entry_id": entry_id, "outcome": outcome, "status": problem.status, "problem": body}


def get_stored(conn: Connection, juror_id: int, entry_id: int, stage_id: int) -> StoredSheet | None:
    """A juror's sheet for an entry in a stage, or None."""
    if not (valid_id(juror_id) and valid_id(entry_id) and valid_id(stage_id)):
        return None
    row = conn.execute(
        q.READ_SHEET, {"juror_id": juror_id, "entry_id": entry_id, "stage_id": stage_id}
    ).one_or_none()
    return q.stored(row) if row is not None else None
