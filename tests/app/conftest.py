"""API tests: each runs against the real app in a transaction that is rolled back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import Database
from app.main import create_app
from tests.app import factories as f
from tests.app.databases import fresh_database
from tests.app.live import LiveServer, live_server
from tests.conftest import ENGINES

SECRET = f.SECRET


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


_SETTINGS = Settings(secret_key=SECRET, database_url="sqlite://", public_url="http://testserver")


@pytest.fixture
def settings() -> Settings:
    # Built once: reading the environment for every test cost more than many tests.
    return _SETTINGS.model_copy()


class _TestDatabase:
    """The database an app built once sees: each test points it at its own transaction."""

    def __init__(self, target: Database) -> None:
        self.target = target

    def __getattr__(self, name: str) -> Any:
        return getattr(self.target, name)


@pytest.fixture(scope="session")
def _apps() -> list[tuple[Settings, FastAPI, _TestDatabase]]:
    return []


@pytest.fixture
def app(
    connection: Connection,
    engine: Engine,
    settings: Settings,
    _apps: list[tuple[Settings, FastAPI, _TestDatabase]],
) -> FastAPI:
    # An app's first request builds its routes (a third of a second): one app per settings.
    db = Database(engine, bind=connection)
    for known, app, proxy in _apps:
        if known == settings:
            proxy.target = db
            app.dependency_overrides.clear()
            # Each test starts with an empty piagam cache and a fresh limit per address.
            app.state.piagam_serving = None
            return app
    proxy = _TestDatabase(db)
    app = create_app(settings, db=proxy)  # type: ignore[arg-type]
    _apps.append((settings, app, proxy))
    return app


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="session")
def static() -> TestClient:
    """A client of an app on no database, for what needs none (the web apps' files)."""
    return TestClient(create_app(Settings(secret_key=SECRET, database_url="sqlite://")))


@pytest.fixture
def admin(session: Session) -> f.Login:
    return f.login(f.make_admin(session), SECRET)


@pytest.fixture
def world(session: Session) -> f.World:
    """A convention in draft with a rubric, two panels, OPDs, entries and jurors."""
    return f.make_world(session, SECRET)


@pytest.fixture(params=["judging", "closed"])
def past_draft(request: pytest.FixtureRequest, session: Session, world: f.World) -> str:
    """Moves ``world`` past draft, to each status in turn; that status."""
    f.set_status(session, world.convention, request.param)
    return str(request.param)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real server seeded to published results (``tests.app.live``), for a module's slow
    tests through HTTP or a browser."""
    with live_server(tmp_path_factory.mktemp("live")) as running:
        yield running


@pytest.fixture(params=ENGINES)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each engine (not migrated), for the tests of migrations and of
    the command line; dropped afterwards."""
    with fresh_database(request.param, tmp_path) as fresh:
        yield fresh
