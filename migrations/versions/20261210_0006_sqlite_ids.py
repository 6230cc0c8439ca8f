"""SQLite ids are never reused again: give back AUTOINCREMENT to the tables whose batch-mode
rebuilds (migrations 0002 to 0004) dropped it

Every table whose primary key is one integer ``id`` is declared ``sqlite_autoincrement``
(app.models.base.TABLE_ARGS), so that a deleted row's id is never given to a new row (an old
token, link or cached PDF would otherwise point at a different row), as PostgreSQL's sequences
already behave. Migration 0001 created them so; the table rebuilds of 0002, 0003 and 0004 did
not keep it. On SQLite each such table is rebuilt here with AUTOINCREMENT, keeping every column,
constraint, index and row (migrations/env.py turns foreign keys off during the migration and
checks every reference afterwards). SQLite's ``sqlite_sequence`` starts at each table's highest
id still present: an id freed before this upgrade, above every remaining one, cannot be known.
On PostgreSQL nothing changes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-10
"""

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"

# The tables whose single integer ``id`` lost AUTOINCREMENT at revision 0005 (the others,
# created by 0001, 0003 and 0004 and never rebuilt, or rebuilt by 0005 with it, kept it).
TABLES = ("convention", "criterion", "entry", "sheet", "result", "certificate")
KEEP_IDS = {"sqlite_autoincrement": True}


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(table, recreate="always", table_kwargs=KEEP_IDS):
            pass


def downgrade() -> None:
    """Nothing to undo: AUTOINCREMENT is what the models declare at every revision, and the
    older revisions' code works the same with it (ids are only never reused), so taking it away
    again would only bring back the defect."""
