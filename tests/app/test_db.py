"""The engines as the served application configures them."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from app.config import Settings
from app.db import create_db_engine
from app.main import create_app


def _show_statement_timeout(url: str, **kwargs: int) -> str:
    engine = create_db_engine(url, **kwargs)
    try:
        with engine.connect() as conn:
            return str(conn.execute(text("SHOW statement_timeout")).scalar_one())
    finally:
        engine.dispose()


def test_served_application_sets_the_statement_timeout_on_postgresql(
    postgres_server_url: str,
) -> None:
    settings = Settings(
        secret_key="k" * 32, database_url=postgres_server_url, db_statement_timeout_ms=1500
    )
    app = create_app(settings)
    try:
        with app.state.db.engine.connect() as conn:
            assert conn.execute(text("SHOW statement_timeout")).scalar_one() == "1500ms"
    finally:
        app.state.db.dispose()


def test_statement_running_past_the_timeout_is_cancelled(postgres_server_url: str) -> None:
    engine = create_db_engine(postgres_server_url, statement_timeout_ms=50)
    try:
        with engine.connect() as conn, pytest.raises(OperationalError, match="statement timeout"):
            conn.execute(text("SELECT pg_sleep(2)"))
    finally:
        engine.dispose()


def test_statement_timeout_keeps_the_urls_own_options(postgres_server_url: str) -> None:
    url = make_url(postgres_server_url).update_query_dict({"options": "-c lock_timeout=700"})
    rendered = url.render_as_string(hide_password=False)
    engine = create_db_engine(rendered, statement_timeout_ms=900)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SHOW lock_timeout")).scalar_one() == "700ms"
            assert conn.execute(text("SHOW statement_timeout")).scalar_one() == "900ms"
    finally:
        engine.dispose()


def test_no_statement_timeout_unless_asked(postgres_server_url: str) -> None:
    # Migrations and the commands may run long statements on a large database.
    assert _show_statement_timeout(postgres_server_url) == "0"


def test_statement_timeout_is_ignored_on_sqlite(tmp_path: object) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path}/t.db", statement_timeout_ms=50)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar_one() == 1
    finally:
        engine.dispose()
