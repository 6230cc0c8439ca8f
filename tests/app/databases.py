"""Fresh, empty databases on either engine, for tests that migrate or run the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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

__all__ = ["ENGINES", "Migrating", "fresh_database", "insert_row", "migrated_to"]


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
