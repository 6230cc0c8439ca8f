"""Online backups of a SQLite database. (PostgreSQL has its own tools: ``pg_dump``.)"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupRefused(Exception):
    """This database is not one ``konvensi backup`` copies; the message says what to do."""


def sqlite_file(database_url: str) -> Path:
    """The file of a SQLite URL; refuses other engines and in-memory databases."""
    url = make_url(database_url)
    backend = url.get_backend_name()
    if backend != "sqlite":
        raise BackupRefused(
            f"backup copies a SQLite file, and this database is {backend}: use its own tools "
            "(PostgreSQL: pg_dump -Fc, restored with pg_restore; see the README, Production)"
        )
    if not url.database or url.database == ":memory:" or url.database.startswith("file::memory:"):
        raise BackupRefused("the database is in memory: there is nothing on disk to back up")
    return Path(url.database)


def backup_sqlite(source: Path, target: Path, *, busy_timeout_s: float = 30.0) -> int:
    """Copy ``source`` into ``target`` while the service keeps writing; answers the page count.

    SQLite's backup API copies in one step, inside one read transaction: a consistent snapshot
    of a moment, which in WAL mode does not hold up the writers. The copy is checked
    (``PRAGMA integrity_check``) and made a single self-contained file (no ``-wal``) before
    it replaces ``target``, so ``target`` is always a whole backup, the old one or the new.
    """
    if not source.is_file():
        raise FileNotFoundError(f"no database file at {source}")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(source, timeout=busy_timeout_s)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
            (verdict,) = dst.execute("PRAGMA integrity_check").fetchone()
            (pages,) = dst.execute("PRAGMA page_count").fetchone()
        finally:
            dst.close()
    finally:
        src.close()
    if verdict != "ok":
        partial.unlink(missing_ok=True)
        raise sqlite3.DatabaseError(f"the copy failed its integrity check: {verdict}")
    os.replace(partial, target)
    return int(pages)
