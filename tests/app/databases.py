"""Fresh, empty databases on either engine, for tests that migrate or run the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import ENGINES
from tests.support.postgres import POSTGRES_URL, temporary_database

__all__ = ["ENGINES", "fresh_database"]


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
