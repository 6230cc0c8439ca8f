"""migrations/ddl.py emits the same DDL for ever: past revisions run it on every new database."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

import pytest
import sqlalchemy as sa
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext

from migrations import ddl

TIMESTAMP = {"sqlite": "DATETIME", "postgresql": "TIMESTAMP WITH TIME ZONE"}


def offline(dialect: str, emit: Callable[[], None]) -> str:
    """The SQL that ``emit``'s operations write on ``dialect``, without a database."""
    out = io.StringIO()
    context = MigrationContext.configure(
        dialect_name=dialect, opts={"as_sql": True, "output_buffer": out}
    )
    with Operations.context(context):
        emit()
    return out.getvalue()


def offline_sql(dialect: str, primary_key: Sequence[str]) -> str:
    def emit() -> None:
        ddl.create_table(
            "opd",
            ddl.key(),
            sa.Column("convention_id", sa.Integer(), nullable=False),
            sa.Column("code", sa.String(length=32), nullable=True),
            *ddl.timestamps(),
            checks={"code": "code <> ''"},
            references={"convention_id": "convention"},
            cascade=["convention_id"],
            primary_key=primary_key,
            unique=[("convention_id", "code")],
            indexes=["convention_id", ("code", "id")],
        )
        ddl.drop_tables("opd")

    return offline(dialect, emit)


def expected(id_column: str, primary_key: str, dialect: str) -> str:
    return (
        "CREATE TABLE opd (\n"
        f"    {id_column}, \n"
        "    convention_id INTEGER NOT NULL, \n"
        "    code VARCHAR(32), \n"
        f"    created_at {TIMESTAMP[dialect]} NOT NULL, \n"
        f"    updated_at {TIMESTAMP[dialect]} NOT NULL, \n"
        f"{primary_key}"
        "    CONSTRAINT ck_opd_code CHECK (code <> ''), \n"
        "    CONSTRAINT fk_opd_convention_id_convention FOREIGN KEY(convention_id) "
        "REFERENCES convention (id) ON DELETE CASCADE, \n"
        "    CONSTRAINT uq_opd_convention_id_code UNIQUE (convention_id, code)\n"
        ");\n\n"
        "CREATE INDEX ix_opd_convention_id ON opd (convention_id);\n\n"
        "CREATE INDEX ix_opd_code_id ON opd (code, id);\n\n"
        "DROP TABLE opd;\n\n"
    )


@pytest.mark.parametrize(
    ("dialect", "id_column", "primary_key"),
    [
        # Keyed by id alone: AUTOINCREMENT on SQLite, so that no id is given twice.
        ("sqlite", "id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT", ""),
        ("postgresql", "id SERIAL NOT NULL", "    CONSTRAINT pk_opd PRIMARY KEY (id), \n"),
    ],
)
def test_a_table_keyed_by_id(dialect: str, id_column: str, primary_key: str) -> None:
    assert offline_sql(dialect, ["id"]) == expected(id_column, primary_key, dialect)


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_a_table_keyed_by_more_columns(dialect: str) -> None:
    assert offline_sql(dialect, ["id", "convention_id"]) == expected(
        "id INTEGER NOT NULL",
        "    CONSTRAINT pk_opd PRIMARY KEY (id, convention_id), \n",
        dialect,
    )


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
@pytest.mark.parametrize("cascade_other", [False, True])
def test_a_link_table(dialect: str, cascade_other: bool) -> None:
    def emit() -> None:
        ddl.create_link_table(
            "stage_panel",
            ("stage_id", "stage"),
            ("panel_id", "panel"),
            sa.Column("note", sa.Text(), nullable=True),
            cascade_other=cascade_other,
        )

    panel_cascade = " ON DELETE CASCADE" if cascade_other else ""
    assert offline(dialect, emit) == (
        "CREATE TABLE stage_panel (\n"
        "    stage_id INTEGER NOT NULL, \n"
        "    panel_id INTEGER NOT NULL, \n"
        "    note TEXT, \n"
        "    CONSTRAINT pk_stage_panel PRIMARY KEY (stage_id, panel_id), \n"
        "    CONSTRAINT fk_stage_panel_panel_id_panel FOREIGN KEY(panel_id) "
        f"REFERENCES panel (id){panel_cascade}, \n"
        "    CONSTRAINT fk_stage_panel_stage_id_stage FOREIGN KEY(stage_id) "
        "REFERENCES stage (id) ON DELETE CASCADE\n"
        ");\n\n"
        "CREATE INDEX ix_stage_panel_panel_id ON stage_panel (panel_id);\n\n"
    )
