"""Throwaway PostgreSQL databases: made on a server, dropped (with FORCE) when done."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

# The server the tests may use; unset, the PostgreSQL tests are skipped.
POSTGRES_URL = os.environ.get("KONVENSI_TEST_POSTGRES_URL")
# Only databases named so are ever dropped.
PREFIX = "konvensi_"


def _on_server(server_url: str, statement: str) -> None:
    """Run ``statement`` in the server's maintenance database, in autocommit (CREATE and DROP
    DATABASE need it)."""
    admin = create_engine(
        make_url(server_url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    try:
        with admin.connect() as conn:
            conn.execute(text(statement))
    finally:
        admin.dispose()


def create_database(server_url: str, prefix: str = "konvensi_test") -> str:
    """A new empty database ``<prefix>_<random>`` on the server of ``server_url``; its URL."""
    assert prefix.startswith(PREFIX), prefix
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    _on_server(server_url, f'CREATE DATABASE "{name}"')
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    """Drop the database of ``url``, closing its connections first."""
    name = make_url(url).database
    assert name and name.startswith(PREFIX), name
    _on_server(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def temporary_database(server_url: str, prefix: str = "konvensi_test") -> Iterator[str]:
    """The URL of a new empty database, dropped afterwards."""
    url = create_database(server_url, prefix)
    try:
        yield url
    finally:
        drop_database(url)
