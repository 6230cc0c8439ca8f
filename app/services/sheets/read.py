"""Reading sheets, and the secretariat's reopen of a submitted one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, and_, literal, select, update
from sqlalchemy.orm import Session

from app.enums import ConventionStatus, SheetStatus
from app.errors import ConventionState, NotFound
from app.models import Convention, Sheet, Stage, utcnow
from app.security import Principal
from app.services import audit
from app.services.common import paginate, valid_id
from app.services.sheets import statements as q
from app.services.sheets.rules import StoredSheet


def get_sheet(conn: Connection, juror_id: int, entry_id: int, stage_id: int) -> StoredSheet | None:
    """A juror's sheet for an entry in a stage, or None."""
    if not (valid_id(juror_id) and valid_id(entry_id) and valid_id(stage_id)):
        return None
    return _read(conn, q.READ_SHEET, juror_id, entry_id, stage_id)


def lock_sheet(conn: Connection, juror_id: int, entry_id: int, stage_id: int) -> StoredSheet | None:
    """The sheet as ``get_sheet`` reads it, its row locked until the transaction ends
    (``FOR UPDATE`` on PostgreSQL; SQLite's write lock serialises writers anyway)."""
    return _read(conn, q.LOCK_SHEET, juror_id, entry_id, stage_id)


def _read(
    conn: Connection, stmt: Select[Any], juror_id: int, entry_id: int, stage_id: int
) -> StoredSheet | None:
    row = conn.execute(
        stmt, {"juror_id": juror_id, "entry_id": entry_id, "stage_id": stage_id}
    ).one_or_none()
    return q.stored(row) if row is not None else None


def list_sheets(
    session: Session,
    convention_id: int,
    juror_id: int,
    stage_id: int,
    limit: int,
    offset: int,
    status: str | None = None,
) -> tuple[list[StoredSheet], int]:
    stmt = select(Sheet).where(
        Sheet.convention_id == convention_id,
        Sheet.juror_id == juror_id,
        Sheet.stage_id == stage_id,
    )
    if status is not None:
        stmt = stmt.where(Sheet.status == status)
    items, total = paginate(session, stmt.order_by(Sheet.id), limit, offset)
    return [_from_orm(sheet) for sheet in items], total


def _from_orm(sheet: Sheet) -> StoredSheet:
    return StoredSheet(
        sheet.id,
        sheet.juror_id,
        sheet.entry_id,
        sheet.stage_id,
        sheet.scores,
        sheet.comment,
        sheet.status,
        sheet.version,
        sheet.updated_at,
        sheet.submitted_at,
    )


def reopen(
    session: Session,
    principal: Principal,
    convention: Convention,
    stage: Stage,
    juror_id: int,
    entry_id: int,
) -> StoredSheet:
    """Send a submitted sheet of the current stage back to draft (secretariat, only while
    judging)."""
    stored = (
        lock_sheet(session.connection(), juror_id, entry_id, stage.id)
        if valid_id(juror_id) and valid_id(entry_id)
        else None
    )
    if stored is None or not _in_convention(session, stored.id, convention.id):
        raise NotFound(f"Juror {juror_id} has no sheet for entry {entry_id}.")
    if convention.status != ConventionStatus.JUDGING:
        raise ConventionState(
            f"Sheets are reopened only while judging; the convention is {convention.status}."
        )
    if stage.id != convention.current_stage_id:
        raise ConventionState(f"Stage {stage.code} is not the current stage.")
    if stored.status == SheetStatus.DRAFT:
        return stored
    now = utcnow()
    session.execute(
        update(Sheet)
        .where(Sheet.id == stored.id, Sheet.version == stored.version)
        .values(
            status=SheetStatus.DRAFT, version=stored.version + 1, updated_at=now, submitted_at=None
        )
    )
    reopened = StoredSheet(
        stored.id,
        stored.juror_id,
        stored.entry_id,
        stored.stage_id,
        stored.scores,
        stored.comment,
        SheetStatus.DRAFT,
        stored.version + 1,
        now,
        None,
    )
    audit.record(
        session, **audit_fields(principal, "sheet.reopen", convention.id, stored, reopened)
    )
    return reopened


def audit_fields(
    actor: Principal,
    action: str,
    convention_id: int,
    before: StoredSheet | None,
    after: StoredSheet,
) -> audit.Fields:
    """What the audit log says of a sheet's change, filed under its juror and entry: the sheet
    before (None: it is new) and after."""
    return audit.Fields(
        actor=actor,
        action=action,
        target_type="sheet",
        target_id=after.id,
        convention_id=convention_id,
        juror_id=after.juror_id,
        entry_id=after.entry_id,
        before=before.audit_view() if before is not None else None,
        after=after.audit_view(),
    )


def _in_convention(session: Session, sheet_id: int, convention_id: int) -> bool:
    return bool(
        session.scalar(
            select(literal(True)).where(
                and_(Sheet.id == sheet_id, Sheet.convention_id == convention_id)
            )
        )
    )
