"""One's own account: changing one's password, and logging out on every device."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Account, AuditEvent
from tests.app import factories as f
from tests.app.conftest import SECRET

NEW = "kata-sandi-baru-sekali"


def log_in(client: TestClient, username: str, password: str) -> Any:
    return client.post("/api/v1/auth/token", data={"username": username, "password": password})


def me(client: TestClient, login: f.Login) -> Any:
    return client.get("/api/v1/me", headers=login.headers)


def change(client: TestClient, login: f.Login, current: str, new: str) -> Any:
    return client.post(
        "/api/v1/me/password",
        json={"current_password": current, "new_password": new},
        headers=login.headers,
    )


@pytest.fixture
def logins(session: Session, world: f.World) -> dict[str, f.Login]:
    return {
        "admin": world.admin,
        "secretariat": f.login(f.make_secretariat(session, [world.convention]), SECRET),
        "juror": world.jurors[0],
    }


@pytest.mark.parametrize("role", ["admin", "secretariat", "juror"])
def test_change_my_password_answers_204_and_ends_every_token(
    client: TestClient, logins: dict[str, f.Login], role: str
) -> None:
    login = logins[role]
    second_device = f.login(login.account, SECRET)
    response = change(client, login, f.PASSWORD, NEW)
    assert response.status_code == 204, response.text
    assert response.content == b""
    for token in (login, second_device):
        f.problem(me(client, token), 401, "unauthenticated")
    f.problem(log_in(client, login.account.username, f.PASSWORD), 401, "unauthenticated")
    fresh = log_in(client, login.account.username, NEW)
    assert fresh.status_code == 200, fresh.text
    assert fresh.json()["role"] == role


def test_change_my_password_of_a_juror_is_in_its_conventions_audit_log(
    client: TestClient, session: Session, world: f.World
) -> None:
    juror = world.jurors[1]
    assert change(client, juror, f.PASSWORD, NEW).status_code == 204
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "account.password")).one()
    assert (event.convention_id, event.juror_id, event.actor_id) == (world.cid, juror.id, juror.id)
    assert event.after == {"password": "changed"}


def test_change_my_password_with_wrong_current_is_401_and_changes_nothing(
    client: TestClient, session: Session, world: f.World
) -> None:
    juror = world.jurors[0]
    stamp = juror.account.credential_stamp
    response = change(client, juror, "not-my-password", NEW)
    assert f.problem(response, 401, "unauthenticated")["detail"] == "Wrong username or password."
    session.expire_all()
    row = session.get(Account, juror.id)
    assert row is not None and row.credential_stamp == stamp
    assert me(client, juror).status_code == 200
    assert log_in(client, juror.account.username, f.PASSWORD).status_code == 200


def test_change_my_password_is_throttled_as_logins_are(client: TestClient, world: f.World) -> None:
    juror = world.jurors[0]
    for _ in range(10):
        f.problem(change(client, juror, "not-my-password", NEW), 401, "unauthenticated")
    refused = change(client, juror, f.PASSWORD, NEW)
    f.problem(refused, 429, "rate-limited")
    assert int(refused.headers["retry-after"]) >= 1
    assert me(client, juror).status_code == 200


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"current_password": f.PASSWORD, "new_password": "pendek"}, ["body", "new_password"]),
        ({"current_password": f.PASSWORD, "new_password": " " * 12}, ["body", "new_password"]),
        ({"new_password": NEW}, ["body", "current_password"]),
        ({"current_password": f.PASSWORD}, ["body", "new_password"]),
        ({"current_password": f.PASSWORD, "new_password": NEW, "x": 1}, ["body", "x"]),
    ],
)
def test_change_my_password_with_bad_body_is_422_naming_the_field(
    client: TestClient, world: f.World, body: dict[str, Any], loc: list[str]
) -> None:
    response = client.post("/api/v1/me/password", json=body, headers=world.admin.headers)
    errors = f.problem(response, 422, "validation")["errors"]
    assert [error["loc"] for error in errors] == [loc]
    assert me(client, world.admin).status_code == 200


@pytest.mark.parametrize("role", ["admin", "secretariat", "juror"])
def test_logout_answers_204_and_ends_every_token_of_the_account(
    client: TestClient, logins: dict[str, f.Login], world: f.World, role: str
) -> None:
    login = logins[role]
    other_device = f.login(login.account, SECRET)
    someone_else = world.jurors[2]
    response = client.post("/api/v1/auth/logout", headers=login.headers)
    assert response.status_code == 204, response.text
    for token in (login, other_device):
        f.problem(me(client, token), 401, "unauthenticated")
    f.problem(client.post("/api/v1/auth/logout", headers=login.headers), 401, "unauthenticated")
    assert me(client, someone_else).status_code == 200
    # The password is unchanged: logging in again works.
    assert log_in(client, login.account.username, f.PASSWORD).status_code == 200


def test_own_account_gone_between_the_token_check_and_the_write_is_401(
    session: Session, world: f.World
) -> None:
    from app.errors import Unauthenticated
    from app.security import Principal
    from app.services import accounts

    juror = world.jurors[2].account
    caller = Principal(juror.id, juror.username, juror.full_name, "juror", world.cid, None)
    juror.active = False
    session.flush()
    with pytest.raises(Unauthenticated):
        accounts.end_tokens(session, caller)
    session.delete(juror)
    session.flush()
    with pytest.raises(Unauthenticated):
        accounts.change_own_password(session, caller, "hash")


def test_log_in_to_an_account_deactivated_while_its_password_was_checked_is_401(
    client: TestClient, world: f.World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.services import logins

    monkeypatch.setattr(logins, "get_account", lambda _session, _account_id: None)
    response = log_in(client, world.jurors[0].account.username, f.PASSWORD)
    assert f.problem(response, 401, "unauthenticated")["detail"] == "Wrong username or password."
