"""Fixtures shared by every test: the engines, a migrated database, the cheap hasher, and a
headless Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import Engine

from app import migrate
from app.db import create_db_engine
from app.security import set_password_hasher
from tests.support.browser import chromium
from tests.support.postgres import POSTGRES_URL, temporary_database

# PostgreSQL joins only when its URL is set (CI=true insists on it, below): without it, each
# engine-parametrised test would add a skipped copy.
ENGINES: list[Any] = ["sqlite"]
if POSTGRES_URL:
    ENGINES.append(pytest.param("postgresql", marks=pytest.mark.postgres))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres: runs on PostgreSQL")
    if os.environ.get("CI") == "true" and not POSTGRES_URL:
        raise pytest.UsageError(
            "CI=true but KONVENSI_TEST_POSTGRES_URL is not set: CI must prove the PostgreSQL engine"
        )


@pytest.fixture(scope="session", autouse=True)
def _cheap_hashing() -> None:
    # Production Argon2 costs ~0.15 s a hash; tests create hundreds of accounts.
    set_password_hasher(PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),)))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, shared by a module's tests (each opens its own contexts)."""
    with chromium() as running:
        yield running


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """A fresh database on the server of KONVENSI_TEST_POSTGRES_URL, dropped afterwards."""
    if not POSTGRES_URL:
        pytest.skip("KONVENSI_TEST_POSTGRES_URL is not set")
    with temporary_database(POSTGRES_URL) as url:
        yield url


def new_database_url(
    kind: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'konvensi.db'}"
    return str(request.getfixturevalue("postgres_server_url"))


@pytest.fixture(scope="session", params=ENGINES)
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A database migrated to head with the real migrations, one per engine and run."""
    url = new_database_url(request.param, tmp_path_factory, request)
    migrate.upgrade(url)
    engine = create_db_engine(url)
    yield engine
    engine.dispose()
