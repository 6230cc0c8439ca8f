"""migrations/ddl.py emits the same DDL for ever: past revisions run it on every new database."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext

from migrations import ddl

KEYED = {
    "sqlite": "id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT",
    "postgresql": "id SERIAL NOT NULL",
}
TIMESTAMP = {"sqlite": "DATETIME", "postgresql": "TIMESTAMP WITH TIME ZONE"}
PRIMARY_KEY = {"sqlite": "", "postgresql": "\n    CONSTRAINT pk_opd PRIMARY KEY (id), "}


def offline_sql(dialect: str) -> str:
    out = io.StringIO()
    context = MigrationContext.configure(
        dialect_name=dialect, opts={"as_sql": True, "output_buffer": out}
    )
    with Operations.context(context):
        ddl.create_table(
            "opd",
            ddl.key(),
            sa.Column("convention_id", sa.Integer(), nullable=False),
            sa.Column("code", sa.String(length=32), nullable=False),
            *ddl.timestamps(),
            checks={"code": "code <> ''"},
            references={"convention_id": "convention"},
            unique=[("convention_id", "code")],
            indexes=["convention_id", ("code", "id")],
        )
        ddl.create_table(
            "link",
            sa.Column("a_id", sa.Integer(), nullable=False),
            sa.Column("b_id", sa.Integer(), nullable=False),
            references={"a_id": "a", "b_id": "b"},
            cascade=["b_id"],
            primary_key=["a_id", "b_id"],
        )
        ddl.drop_tables("link", "opd")
    return out.getvalue()


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_tables_keep_their_columns_constraint_names_order_and_indexes(dialect: str) -> None:
    assert offline_sql(dialect) == (
        "CREATE TABLE opd (\n"
        f"    {KEYED[dialect]}, \n"
        "    convention_id INTEGER NOT NULL, \n"
        "    code VARCHAR(32) NOT NULL, \n"
        f"    created_at {TIMESTAMP[dialect]} NOT NULL, \n"
        f"    updated_at {TIMESTAMP[dialect]} NOT NULL, {PRIMARY_KEY[dialect]}\n"
        "    CONSTRAINT ck_opd_code CHECK (code <> ''), \n"
        "    CONSTRAINT fk_opd_convention_id_convention FOREIGN KEY(convention_id) "
        "REFERENCES convention (id), \n"
        "    CONSTRAINT uq_opd_convention_id_code UNIQUE (convention_id, code)\n"
        ");\n\n"
        "CREATE INDEX ix_opd_convention_id ON opd (convention_id);\n\n"
        "CREATE INDEX ix_opd_code_id ON opd (code, id);\n\n"
        "CREATE TABLE link (\n"
        "    a_id INTEGER NOT NULL, \n"
        "    b_id INTEGER NOT NULL, \n"
        "    CONSTRAINT pk_link PRIMARY KEY (a_id, b_id), \n"
        "    CONSTRAINT fk_link_a_id_a FOREIGN KEY(a_id) REFERENCES a (id), \n"
        "    CONSTRAINT fk_link_b_id_b FOREIGN KEY(b_id) REFERENCES b (id) ON DELETE CASCADE\n"
        ");\n\n"
        "DROP TABLE link;\n\n"
        "DROP TABLE opd;\n\n"
    )
