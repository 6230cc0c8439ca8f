"""Settings refuse what no entry point may run with, whichever reads them first."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.config import Settings
from app.main import create_app


@pytest.mark.parametrize("key", ["changethis", " changethis "])
def test_settings_refuse_the_placeholder_secret_key(key: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(secret_key=key)
    (error,) = caught.value.errors()
    assert error["loc"] == ("secret_key",)
    assert error["msg"] == "is the placeholder 'changethis'; set a real secret"


def test_settings_from_the_environment_refuse_the_placeholder_secret_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KONVENSI_SECRET_KEY", "changethis")
    with pytest.raises(ValidationError, match="placeholder"):
        create_app()


def test_settings_accept_a_real_secret_key() -> None:
    assert Settings(secret_key="x" * 43).secret_key is not None


def test_statement_timeout_defaults_to_30_seconds_and_reads_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings().db_statement_timeout_ms == 30_000
    monkeypatch.setenv("KONVENSI_DB_STATEMENT_TIMEOUT_MS", "0")
    assert Settings().db_statement_timeout_ms == 0
    monkeypatch.setenv("KONVENSI_DB_STATEMENT_TIMEOUT_MS", "-1")
    with pytest.raises(ValidationError):
        Settings()
