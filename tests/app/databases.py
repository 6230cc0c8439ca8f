"""Fresh, empty databases on either engine, for tests that migrate or run the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from app import migrate
from app.db import create_db_engine
from tests.conftest import ENGINES
from tests.support.postgres import POSTGRES_URL, temporary_database

__all__ = [
    "ENGINES",
    "NOW",
    "STAMPS",
    "Migrating",
    "fresh_database",
    "insert_convention",
    "insert_entry",
    "insert_row",
    "insert_stage",
    "migrated_to",
]

# Rows written as SQL at an older revision are all made at this moment (naive UTC).
NOW = datetime(2018, 5, 8, 9, 0, tzinfo=UTC).replace(tzinfo=None)
STAMPS = {"created_at": NOW, "updated_at": NOW}


@contextmanager
def fresh_database(kind: str, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database: a new SQLite file, or a new PostgreSQL database that
    is dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip("KONVENSI_TEST_POSTGRES_URL is not set")
    with temporary_database(POSTGRES_URL, "konvensi_fresh") as url:
        yield url


@dataclass(frozen=True)
class Migrating:
    """A database a test moves between revisions, and an engine on it."""

    config: Config
    engine: Engine

    def upgrade(self, revision: str = "head") -> None:
        command.upgrade(self.config, revision)

    def downgrade(self, revision: str) -> None:
        command.downgrade(self.config, revision)


@contextmanager
def migrated_to(url: str, revision: str) -> Iterator[Migrating]:
    """The database of ``url`` upgraded to ``revision``; the engine is disposed afterwards."""
    config = migrate.alembic_config(url)
    command.upgrade(config, revision)
    engine = create_db_engine(url)
    try:
        yield Migrating(config, engine)
    finally:
        engine.dispose()


def insert_row(conn: sa.Connection, table: str, **values: Any) -> int:
    """A row of ``table`` inserted as SQL, whatever the models say at head (a database at an
    older revision); its id is the database's choice, as the service's own inserts are."""
    statement = sa.insert(sa.table(table, *(sa.column(k) for k in values), sa.column("id")))
    return int(conn.execute(statement.values(**values).returning(sa.column("id"))).scalar_one())


def insert_convention(conn: sa.Connection, name: str) -> int:
    """A convention in ``judging`` as SQL (top 2, "Juara I", letter code KIP)."""
    return insert_row(
        conn,
        "convention",
        name=name,
        year=2018,
        top_n=2,
        letter_code="KIP",
        award_names=json.dumps(["Juara I"]),
        zscore_min_sheets=5,
        status="judging",
        assignment_mode="all",
        award_scope="overall",
        **STAMPS,
    )


def insert_stage(conn: sa.Connection, cid: int, code: str, position: int, **more: Any) -> int:
    """A scored stage of every panel, weight 1, as SQL."""
    return insert_row(
        conn,
        "stage",
        convention_id=cid,
        code=code,
        name=code.title(),
        kind="scored",
        weight=1.0,
        position=position,
        all_panels=True,
        **STAMPS,
        **more,
    )


def insert_entry(
    conn: sa.Connection, cid: int, opd: int, n: int, *, disqualified: bool = False
) -> int:
    """Entry "Inovasi {n}" of OPD ``opd`` (category proses), as SQL."""
    return insert_row(
        conn,
        "entry",
        convention_id=cid,
        opd_id=opd,
        title=f"Inovasi {n}",
        category="proses",
        disqualified=disqualified,
        **STAMPS,
    )
