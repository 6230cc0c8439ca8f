"""The hot path's statements, built once: SQLAlchemy Core over the tables, bound parameters.

Building an ORM statement per request and running it through the ORM layer cost about 270 us a
statement on SQLite against 35 us for a prebuilt Core one (``python -m bench submit``).
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, exists, insert, not_, or_, select, true, update
from sqlalchemy.dialects import postgresql, sqlite

from app.enums import StageKind
from app.models import (
    Admission,
    Assignment,
    AuditEvent,
    Convention,
    Criterion,
    Entry,
    JurorConflict,
    Recusal,
    Sheet,
    Stage,
    StagePanel,
)
from app.services.sheets.rules import StoredSheet

SHEET_COLUMNS = (
    Sheet.id,
    Sheet.juror_id,
    Sheet.entry_id,
    Sheet.stage_id,
    Sheet.scores,
    Sheet.comment,
    Sheet.status,
    Sheet.version,
    Sheet.updated_at,
    Sheet.submitted_at,
)


_sheet = cast(Table, Sheet.__table__)
_entry = cast(Table, Entry.__table__)
_convention = cast(Table, Convention.__table__)
_conflict = cast(Table, JurorConflict.__table__)
_recusal = cast(Table, Recusal.__table__)
_assignment = cast(Table, Assignment.__table__)
_criterion = cast(Table, Criterion.__table__)
_stage = cast(Table, Stage.__table__)
_stage_panel = cast(Table, StagePanel.__table__)
_admission = cast(Table, Admission.__table__)

READ_SHEET = select(*(_sheet.c[column.key] for column in SHEET_COLUMNS)).where(
    _sheet.c.juror_id == bindparam("juror_id"),
    _sheet.c.entry_id == bindparam("entry_id"),
    _sheet.c.stage_id == bindparam("stage_id"),
)
LOCK_SHEET = READ_SHEET.with_for_update()

# The convention's current stage: the first by position not yet advanced.
_current = (
    select(_stage.c.id)
    .where(_stage.c.convention_id == _convention.c.id, _stage.c.advanced_at.is_(None))
    .order_by(_stage.c.position, _stage.c.id)
    .limit(1)
    .correlate(_convention)
    .scalar_subquery()
)
_judged_by_panel = exists().where(
    _stage.c.id == _current,
    _stage.c.kind == StageKind.SCORED,
    or_(
        _stage.c.all_panels == true(),
        exists().where(
            _stage_panel.c.stage_id == _stage.c.id,
            _stage_panel.c.panel_id == bindparam("panel_id"),
        ),
    ),
)
# A_s: the first stage admits every entry until the first advance fixes it; later, the rows.
_admitted = and_(
    not_(_entry.c.disqualified),
    or_(
        not_(
            exists().where(
                _stage.c.convention_id == _convention.c.id, _stage.c.advanced_at.is_not(None)
            )
        ),
        exists().where(_admission.c.stage_id == _current, _admission.c.entry_id == _entry.c.id),
    ),
)

TARGET = (
    select(
        _current,
        _judged_by_panel,
        _admitted,
        _convention.c.status,
        _convention.c.judging_deadline,
        _convention.c.assignment_mode,
        exists().where(
            _conflict.c.juror_id == bindparam("juror_id"), _conflict.c.opd_id == _entry.c.opd_id
        ),
        exists().where(
            _recusal.c.juror_id == bindparam("juror_id"), _recusal.c.entry_id == _entry.c.id
        ),
        exists().where(
            _assignment.c.juror_id == bindparam("juror_id"),
            _assignment.c.entry_id == _entry.c.id,
        ),
    )
    .select_from(_entry.join(_convention, _convention.c.id == _entry.c.convention_id))
    .where(
        _entry.c.id == bindparam("entry_id"),
        _entry.c.convention_id == bindparam("convention_id"),
    )
)

CURRENT_STAGE = (
    select(_stage.c.id)
    .where(_stage.c.convention_id == bindparam("convention_id"), _stage.c.advanced_at.is_(None))
    .order_by(_stage.c.position, _stage.c.id)
    .limit(1)
)

CONVENTION_EXISTS = select(_convention.c.id).where(_convention.c.id == bindparam("convention_id"))

RULES = (
    select(_criterion.c.code, _criterion.c.min_score, _criterion.c.max_score, _criterion.c.step)
    .where(_criterion.c.stage_id == bindparam("stage_id"))
    .order_by(_criterion.c.id)
)

# The SET clause comes from the parameters named like columns.
UPDATE_SHEET = update(_sheet).where(
    _sheet.c.id == bindparam("sheet_id"), _sheet.c.version == bindparam("stored_version")
)

INSERT_SHEET = {
    name: module.insert(_sheet)
    .on_conflict_do_nothing(index_elements=["juror_id", "entry_id", "stage_id"])
    .returning(_sheet.c.id)
    for name, module in (("postgresql", postgresql), ("sqlite", sqlite))
}

INSERT_AUDIT = insert(cast(Table, AuditEvent.__table__))


def stored(row: Any) -> StoredSheet:
    return StoredSheet(*row)
