"""API tests: each runs against the real app in a transaction that is rolled back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import Database
from app.main import create_app
from tests.app import factories as f

SECRET = "test-secret-key-that-is-long-enough-for-hs256"


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    conn = engine.connect()
    outer = conn.begin()
    try:
        yield conn
    finally:
        outer.rollback()
        conn.close()


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    """The tests' own session, for arranging data and checking rows."""
    with Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    ) as s:
        yield s


@pytest.fixture
def settings() -> Settings:
    return Settings(secret_key=SECRET, database_url="sqlite://", public_url="http://testserver")


@pytest.fixture
def app(connection: Connection, engine: Engine, settings: Settings) -> FastAPI:
    return create_app(settings, db=Database(engine, bind=connection))


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def admin(session: Session) -> f.Login:
    return f.login(f.make_admin(session), SECRET)


@pytest.fixture
def world(session: Session) -> f.World:
    """A convention in draft with a rubric, two panels, OPDs, entries and jurors."""
    return f.make_world(session, SECRET)
