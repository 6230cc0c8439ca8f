"""``konvensi backup FILE``: an online copy of a SQLite database; other engines are refused."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from app import migrate
from app.cli import cli
from app.config import get_settings
from app.db import Database, create_db_engine
from app.models import Convention


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def backup(url: str, target: Path) -> Result:
    get_settings.cache_clear()
    return CliRunner().invoke(cli, ["backup", str(target)], env={"KONVENSI_DATABASE_URL": url})


def one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    return lines[0]


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "konvensi.db"
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    db = Database(create_db_engine(url))
    try:
        with db.transaction() as session:
            session.add(Convention(name="Konvensi Solok", year=2018))
    finally:
        db.dispose()
    return path


def test_backup_copies_sqlite_database_that_passes_integrity_check(
    database: Path, tmp_path: Path
) -> None:
    target = tmp_path / "copy.db"
    result = backup(f"sqlite:///{database}", target)
    assert result.exit_code == 0, result.output
    assert "integrity ok" in one_line(result.output)
    with sqlite3.connect(target) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        # One self-contained file: no -wal needed beside it.
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert conn.execute("SELECT name FROM convention").fetchall() == [("Konvensi Solok",)]
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() is not None
    assert not list(tmp_path.glob("*.partial"))


def test_backup_replaces_an_older_backup(database: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    target.write_bytes(b"an old backup")
    assert backup(f"sqlite:///{database}", target).exit_code == 0
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT count(*) FROM convention").fetchone() == (1,)


def test_backup_of_postgresql_refuses_in_one_line_naming_pg_dump(tmp_path: Path) -> None:
    result = backup("postgresql+psycopg://postgres@127.0.0.1:5432/konvensi", tmp_path / "x.db")
    assert result.exit_code != 0
    assert "pg_dump" in one_line(result.output)
    assert not (tmp_path / "x.db").exists()


def test_backup_of_in_memory_database_refuses(tmp_path: Path) -> None:
    result = backup("sqlite://", tmp_path / "x.db")
    assert result.exit_code != 0
    assert "memory" in one_line(result.output)


def test_backup_onto_the_database_itself_refuses(database: Path) -> None:
    result = backup(f"sqlite:///{database}", database)
    assert result.exit_code != 0
    assert "itself" in one_line(result.output)


def test_backup_of_missing_file_fails_without_creating_it(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    result = backup(f"sqlite:///{missing}", tmp_path / "copy.db")
    assert result.exit_code != 0
    assert "no database file" in one_line(result.output)
    assert not missing.exists()
