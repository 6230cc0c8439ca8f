"""What the revisions' tables have in common, written once: an integer ``id`` key that SQLite
never gives again, the two timestamps, the tables that link two rows, and constraints and
indexes named as app.models.base.NAMING_CONVENTION names them.

Not a revision: Alembic reads only ``migrations/versions``. Every past revision runs this code
again on each new database, so what a function here emits must never change (the schema at
every revision is the same on both engines as before it was written here): add a function or
an argument for a new need, never alter what one does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op


def key() -> sa.Column[Any]:
    """The integer ``id`` that a table keyed by it starts with."""
    return sa.Column("id", sa.Integer(), nullable=False)


def timestamps() -> tuple[sa.Column[Any], sa.Column[Any]]:
    return (
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def create_table(
    name: str,
    *columns: sa.Column[Any],
    checks: Mapping[str, str] | None = None,
    references: Mapping[str, str] | None = None,
    cascade: Sequence[str] = (),
    primary_key: Sequence[str] = ("id",),
    unique: Sequence[Sequence[str]] = (),
    indexes: Sequence[str | Sequence[str]] = (),
) -> None:
    """Create table ``name`` with ``columns`` and then its non-unique ``indexes`` (a column, or
    the columns of one), each constraint named by the convention and written in the order
    autogenerate writes them: ``checks`` (name: SQL), foreign keys (``references``, column:
    the table whose ``id`` it holds; ``ON DELETE CASCADE`` for the ``cascade`` columns), the
    primary key, ``unique`` (the columns of each). A table keyed by ``id`` alone keeps
    AUTOINCREMENT on SQLite, so that a deleted row's id is never given to another."""
    op.create_table(
        name,
        *columns,
        *(
            sa.CheckConstraint(sql, name=op.f(f"ck_{name}_{check}"))
            for check, sql in (checks or {}).items()
        ),
        *(
            sa.ForeignKeyConstraint(
                [column],
                [f"{target}.id"],
                name=op.f(f"fk_{name}_{column}_{target}"),
                ondelete="CASCADE" if column in cascade else None,
            )
            for column, target in (references or {}).items()
        ),
        sa.PrimaryKeyConstraint(*primary_key, name=op.f(f"pk_{name}")),
        *(sa.UniqueConstraint(*cols, name=op.f(f"uq_{name}_{'_'.join(cols)}")) for cols in unique),
        **({"sqlite_autoincrement": True} if tuple(primary_key) == ("id",) else {}),
    )
    for index in indexes:
        cols = [index] if isinstance(index, str) else list(index)
        op.create_index(op.f(f"ix_{name}_{'_'.join(cols)}"), name, cols, unique=False)


def create_link_table(
    name: str,
    owner: tuple[str, str],
    other: tuple[str, str],
    *columns: sa.Column[Any],
    cascade_other: bool = False,
) -> None:
    """Create table ``name`` that links two rows, each named ``(column, table)``: its key is the
    two integer columns, then come ``columns``. The ``owner``'s links go with it (``ON DELETE
    CASCADE``; with ``cascade_other``, the other's too); the ``other`` column is indexed (the
    key, owner first, serves the owner's look-ups). Foreign keys in column-name order, as
    autogenerate writes them."""
    (owner_column, owner_table), (other_column, other_table) = owner, other
    create_table(
        name,
        sa.Column(owner_column, sa.Integer(), nullable=False),
        sa.Column(other_column, sa.Integer(), nullable=False),
        *columns,
        references=dict(sorted({owner_column: owner_table, other_column: other_table}.items())),
        cascade=[owner_column, other_column] if cascade_other else [owner_column],
        primary_key=[owner_column, other_column],
        indexes=[other_column],
    )


def drop_tables(*names: str) -> None:
    """Drop the tables in the order given (each one's indexes go with it)."""
    for name in names:
        op.drop_table(name)
