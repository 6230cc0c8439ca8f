"""A line of the logger ``konvensi.security`` for every failed login, every 429 and every
account change: structured (``record.security``), one line each, never a password or token."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.app import factories as f
from tests.app.conftest import SECRET

WRONG = "salah-sekali-123"


@pytest.fixture
def events(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="konvensi.security")
    return caplog


def records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "konvensi.security"]


def security(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [r.security for r in records(caplog)]  # type: ignore[attr-defined]


def lines(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(r.getMessage() for r in records(caplog))


def log_in(client: TestClient, username: str, password: str) -> Any:
    return client.post("/api/v1/auth/token", data={"username": username, "password": password})


def test_failed_and_throttled_logins_are_logged_without_the_password(
    client: TestClient, admin: f.Login, events: pytest.LogCaptureFixture
) -> None:
    for _ in range(10):
        log_in(client, admin.account.username, WRONG)
    throttled = log_in(client, admin.account.username, f.PASSWORD)
    assert throttled.status_code == 429
    got = security(events)
    assert got[0] == {
        "event": "login.failed",
        "username": admin.account.username,
        "address": "testclient",
    }
    assert [e["event"] for e in got] == ["login.failed"] * 10 + ["login.throttled"]
    assert got[-1]["retry_after"] >= 1
    assert {r.levelno for r in records(events)} == {logging.WARNING}
    text = lines(events)
    assert WRONG not in text and f.PASSWORD not in text
    assert 'login.failed username="' in text and 'address="testclient"' in text


def test_a_typed_username_cannot_forge_a_log_line(
    client: TestClient, events: pytest.LogCaptureFixture
) -> None:
    typed = 'x"\nlogin.ok username="admin'
    log_in(client, typed, WRONG)
    (line,) = [r.getMessage() for r in records(events)]
    assert "\n" not in line
    assert line == 'login.failed username="x\\"\\nlogin.ok username=\\"admin" address="testclient"'


def test_account_changes_are_logged_without_password_or_token(
    client: TestClient, session: Session, world: f.World, events: pytest.LogCaptureFixture
) -> None:
    body = {
        "username": "sek.solok",
        "password": "rahasia-panjang-1",
        "full_name": "Sekretariat",
        "role": "secretariat",
        "convention_ids": [world.cid],
    }
    made = client.post("/api/v1/accounts", json=body, headers=world.admin.headers).json()
    url = f"/api/v1/accounts/{made['id']}"
    client.patch(url, json={"password": "rahasia-panjang-2"}, headers=world.admin.headers)
    client.patch(url, json={"active": False}, headers=world.admin.headers)
    client.delete(url, headers=world.admin.headers)
    juror = world.jurors[0]
    client.post(
        "/api/v1/me/password",
        json={"current_password": f.PASSWORD, "new_password": "rahasia-panjang-3"},
        headers=juror.headers,
    )
    other = f.login(f.make_secretariat(session, []), SECRET)
    client.post("/api/v1/auth/logout", headers=other.headers)
    got = security(events)
    assert [(e["event"], e.get("changed")) for e in got] == [
        ("account.create", ["active", "convention_ids", "full_name", "role", "username"]),
        ("account.update", ["password"]),
        ("account.update", ["active"]),
        ("account.delete", None),
        ("account.password", None),
        ("logout", None),
    ]
    assert got[0]["actor"] == world.admin.account.username
    assert got[0]["account_id"] == made["id"]
    assert got[4]["account_id"] == juror.id
    assert got[5] == {
        "event": "logout",
        "account_id": other.id,
        "username": other.account.username,
        "address": "testclient",
    }
    text = lines(events)
    for secret in ("rahasia-panjang-1", "rahasia-panjang-2", "rahasia-panjang-3", f.PASSWORD):
        assert secret not in text
    for token in (world.admin.token, juror.token, other.token):
        assert token not in text
    assert "$argon2" not in text
