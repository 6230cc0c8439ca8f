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
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from app.enums import SheetStatus, SyncOutcome
from app.errors import (
    PreconditionFailed,
    Problem,
    SheetFinal,
    ValidationFailed,
)
from app.models import utcnow
from app.security import Principal
from app.services import audit
from app.services.sheets import statements as q
from app.services.sheets.read import audit_fields, get_sheet, lock_sheet
from app.services.sheets.rules import (
    MAX_ERRORS,
    Rule,
    SheetInput,
    StoredSheet,
    decode,
    matches,
    parse_body,
    same_content,
    unquoted,
)
from app.services.sheets.target import Target, authorize_write, load_target, rules_for


def _insert(conn: Connection, values: dict[str, Any]) -> int | None:
    stmt = q.INSERT_SHEET["postgresql" if conn.dialect.name == "postgresql" else "sqlite"]
    inserted: int | None = conn.execute(stmt, values).scalar_one_or_none()
    return inserted


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
        version = 1
    else:
        sheet_id, version = stored.id, stored.version + 1
        conn.execute(
            q.UPDATE_SHEET,
            {
                "sheet_id": stored.id,
                "stored_version": stored.version,
                "scores": body.scores,
                "comment": body.comment,
                "status": body.status,
                "version": version,
                "updated_at": now,
                "submitted_at": submitted_at,
            },
        )
    written = StoredSheet(
        sheet_id,
        principal.id,
        target.entry_id,
        target.stage_id,
        body.scores,
        body.comment,
        body.status,
        version,
        now,
        submitted_at,
    )
    action = "sheet.submit" if body.submit else "sheet.save"
    # What ``audit.record`` writes, with a prebuilt insert.
    conn.execute(
        q.INSERT_AUDIT,
        audit.event(**audit_fields(principal, action, target.convention_id, stored, written)),
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
    stage_id: int | str | None = None,
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
    named = 0  # faults named so far: the answer names at most MAX_ERRORS in all
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
                    "outcome": SyncOutcome.ACCEPTED if written.changed else SyncOutcome.UNCHANGED,
                    "status": 200,
                    "sheet": written.sheet.as_dict(),
                }
            )
        except Problem as problem:
            failure = _sync_failure(session, principal, convention_id, item, problem)
            errors = failure["problem"].get("errors")
            if errors is not None:
                # The item's detail still counts them all.
                failure["problem"]["errors"] = errors[: max(0, MAX_ERRORS - named)]
                named += len(failure["problem"]["errors"])
            results.append(failure)
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
        current = get_sheet(conn, principal.id, entry_id, stage_id) if stage_id else None
        return {
            "entry_id": entry_id,
            "outcome": SyncOutcome.CONFLICT,
            "status": problem.status,
            "sheet": current.as_dict() if current else None,
            "problem": body,
        }
    outcome = SyncOutcome.INVALID if problem.status == 422 else SyncOutcome.REFUSED
    return {"entry_id": entry_id, "outcome": outcome, "status": problem.status, "problem": body}
