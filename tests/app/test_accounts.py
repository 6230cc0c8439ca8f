"""/api/v1/accounts: admin and secretariat accounts, made, listed, changed and revoked by an
admin."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Account, AuditEvent
from app.security import verify_password
from tests.app import factories as f
from tests.app.conftest import SECRET

URL = "/api/v1/accounts"
PASSWORD = f.ACCOUNT_PASSWORD


def log_in(client: TestClient, username: str, password: str) -> Any:
    return client.post("/api/v1/auth/token", data={"username": username, "password": password})


def locs(response: Any) -> list[list[Any]]:
    return [error["loc"] for error in f.problem(response, 422, "validation")["errors"]]


# --- create ---------------------------------------------------------------------------------


def test_create_secretariat_answers_201_and_it_logs_in(
    client: TestClient, session: Session, world: f.World
) -> None:
    other = f.make_convention(session)
    response = client.post(
        URL, json=f.account_body(convention_ids=[other.id, world.cid]), headers=world.admin.headers
    )
    made = f.created(response, URL)
    assert set(made) == {
        "id",
        "username",
        "full_name",
        "role",
        "active",
        "convention_ids",
        "created_at",
        "updated_at",
    }
    assert made["username"] == "sekretariat.solok"
    assert made["role"] == "secretariat"
    assert made["active"] is True
    assert made["convention_ids"] == sorted([other.id, world.cid])
    row = session.get(Account, made["id"])
    assert row is not None and row.password_hash != PASSWORD
    assert verify_password(PASSWORD, row.password_hash)
    token = log_in(client, "sekretariat.solok", PASSWORD)
    assert token.status_code == 200, token.text
    assert token.json()["role"] == "secretariat"
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    assert client.get(world.url(), headers=headers).status_code == 200


def test_create_admin_answers_201_without_conventions(client: TestClient, admin: f.Login) -> None:
    response = client.post(
        URL,
        json=f.account_body(username="admin.dua", role="admin", convention_ids=[]),
        headers=admin.headers,
    )
    assert response.status_code == 201, response.text
    assert (response.json()["role"], response.json()["convention_ids"]) == ("admin", [])
    token = log_in(client, "admin.dua", PASSWORD).json()["access_token"]
    listed = client.post(
        "/api/v1/conventions",
        json={"name": "Konvensi Baru", "year": 2019},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert listed.status_code == 201, listed.text


def test_create_admin_with_conventions_is_422_naming_the_field(
    client: TestClient, world: f.World
) -> None:
    response = client.post(
        URL,
        json=f.account_body(role="admin", convention_ids=[world.cid]),
        headers=world.admin.headers,
    )
    assert locs(response) == [["body", "convention_ids"]]


def test_create_with_unknown_convention_is_422_naming_it(
    client: TestClient, session: Session, world: f.World
) -> None:
    unknown = world.cid + 1000
    response = client.post(
        URL, json=f.account_body(convention_ids=[world.cid, unknown]), headers=world.admin.headers
    )
    problem = f.problem(response, 422, "validation")
    assert problem["errors"] == [
        {"loc": ["body", "convention_ids", 1], "msg": f"no such convention: {unknown}"}
    ]
    assert session.scalar(select(Account).where(Account.username == "sekretariat.solok")) is None


def test_create_with_short_password_says_the_rule(client: TestClient, admin: f.Login) -> None:
    problem = f.problem(
        client.post(URL, json=f.account_body(password="123456789"), headers=admin.headers),
        422,
        "validation",
    )
    assert problem["errors"] == [
        {"loc": ["body", "password"], "msg": "must have at least 10 characters"}
    ]
    blank = client.post(URL, json=f.account_body(password=" \t" * 8), headers=admin.headers).json()
    assert blank["errors"] == [{"loc": ["body", "password"], "msg": "must not be only whitespace"}]


@pytest.mark.parametrize("taken", ["SEKRETARIAT.SOLOK", "Sekretariat.Solok"])
def test_create_with_username_taken_ignoring_case_is_409(
    client: TestClient, admin: f.Login, taken: str
) -> None:
    assert client.post(URL, json=f.account_body(), headers=admin.headers).status_code == 201
    response = client.post(URL, json=f.account_body(username=taken), headers=admin.headers)
    f.problem(response, 409, "duplicate")


def test_create_with_a_jurors_username_is_409(client: TestClient, world: f.World) -> None:
    name = world.jurors[0].account.username.upper()
    f.problem(
        client.post(URL, json=f.account_body(username=name), headers=world.admin.headers),
        409,
        "duplicate",
    )


def test_create_as_secretariat_is_403_and_makes_nothing(
    client: TestClient, session: Session, world: f.World
) -> None:
    secretariat = f.login(f.make_secretariat(session, [world.convention]), SECRET)
    for role in ("secretariat", "admin"):
        response = client.post(
            URL, json=f.account_body(role=role, convention_ids=[]), headers=secretariat.headers
        )
        f.problem(response, 403, "forbidden")
    assert session.scalar(select(Account).where(Account.username == "sekretariat.solok")) is None


# --- read -----------------------------------------------------------------------------------


def test_list_accounts_answers_admins_and_secretariats_by_id_without_jurors(
    client: TestClient, session: Session, world: f.World
) -> None:
    secretariat = f.make_secretariat(session, [world.convention])
    response = client.get(URL, headers=world.admin.headers)
    assert response.status_code == 200, response.text
    page = response.json()
    assert [(a["id"], a["role"]) for a in page["items"]] == [
        (world.admin.id, "admin"),
        (secretariat.id, "secretariat"),
    ]
    assert (page["total"], page["limit"], page["offset"]) == (2, 50, 0)
    assert page["items"][1]["convention_ids"] == [world.cid]
    only = client.get(URL, params={"role": "secretariat"}, headers=world.admin.headers).json()
    assert [a["id"] for a in only["items"]] == [secretariat.id]
    second = client.get(URL, params={"limit": 1, "offset": 1}, headers=world.admin.headers)
    assert [a["id"] for a in second.json()["items"]] == [secretariat.id]
    assert "password" not in response.text and "hash" not in response.text


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 501}, {"role": "juror"}])
def test_list_accounts_with_bad_query_is_422(
    client: TestClient, admin: f.Login, params: dict[str, Any]
) -> None:
    f.problem(client.get(URL, params=params, headers=admin.headers), 422, "validation")


def test_read_account_answers_it_and_a_jurors_id_is_404(client: TestClient, world: f.World) -> None:
    response = client.get(f"{URL}/{world.admin.id}", headers=world.admin.headers)
    assert response.status_code == 200, response.text
    assert response.json()["username"] == world.admin.account.username
    for account_id in (world.jurors[0].id, 99_999_999, 2**40):
        response = client.get(f"{URL}/{account_id}", headers=world.admin.headers)
        assert f.problem(response, 404, "not-found")["detail"] == f"Account {account_id} not found."


# --- change ---------------------------------------------------------------------------------


def test_update_account_changes_name_and_conventions(
    client: TestClient, session: Session, world: f.World
) -> None:
    other, third = f.make_convention(session), f.make_convention(session)
    secretariat = f.login(f.make_secretariat(session, [world.convention, other]), SECRET)
    response = client.patch(
        f"{URL}/{secretariat.id}",
        json={"full_name": "Sekretariat Baru", "convention_ids": [third.id, world.cid]},
        headers=world.admin.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["full_name"] == "Sekretariat Baru"
    assert response.json()["convention_ids"] == sorted([third.id, world.cid])
    assert response.json()["updated_at"] > response.json()["created_at"]
    # The token survives (no password change) and the new scope holds at once.
    assert (
        client.get(f"/api/v1/conventions/{third.id}", headers=secretariat.headers).status_code
        == 200
    )
    gone = client.get(f"/api/v1/conventions/{other.id}", headers=secretariat.headers)
    f.problem(gone, 404, "not-found")


def test_update_account_with_bad_conventions_is_422_and_changes_nothing(
    client: TestClient, session: Session, world: f.World
) -> None:
    secretariat = f.make_secretariat(session, [world.convention])
    unknown = world.cid + 1000
    response = client.patch(
        f"{URL}/{secretariat.id}",
        json={"full_name": "X", "convention_ids": [unknown]},
        headers=world.admin.headers,
    )
    assert locs(response) == [["body", "convention_ids", 0]]
    admin_scope = client.patch(
        f"{URL}/{world.admin.id}", json={"convention_ids": [world.cid]}, headers=world.admin.headers
    )
    assert locs(admin_scope) == [["body", "convention_ids"]]
    shown = client.get(f"{URL}/{secretariat.id}", headers=world.admin.headers).json()
    assert (shown["full_name"], shown["convention_ids"]) == (secretariat.full_name, [world.cid])


@pytest.mark.parametrize(
    "change",
    [
        {"role": "admin"},
        {"username": "lain"},
        {"active": "false"},
        {"active": None},
        {"password": "short"},
        {"full_name": None},
    ],
)
def test_update_account_with_bad_field_is_422(
    client: TestClient, session: Session, world: f.World, change: dict[str, Any]
) -> None:
    secretariat = f.make_secretariat(session, [world.convention])
    response = client.patch(f"{URL}/{secretariat.id}", json=change, headers=world.admin.headers)
    f.problem(response, 422, "validation")


def test_update_password_ends_tokens_and_the_new_one_logs_in(
    client: TestClient, session: Session, world: f.World
) -> None:
    secretariat = f.login(f.make_secretariat(session, [world.convention]), SECRET)
    response = client.patch(
        f"{URL}/{secretariat.id}", json={"password": "kata-sandi-baru"}, headers=world.admin.headers
    )
    assert response.status_code == 200, response.text
    f.problem(client.get("/api/v1/me", headers=secretariat.headers), 401, "unauthenticated")
    f.problem(log_in(client, secretariat.account.username, f.PASSWORD), 401, "unauthenticated")
    assert log_in(client, secretariat.account.username, "kata-sandi-baru").status_code == 200


def test_deactivated_account_tokens_and_login_answer_401_until_active_again(
    client: TestClient, session: Session, world: f.World
) -> None:
    secretariat = f.login(f.make_secretariat(session, [world.convention]), SECRET)
    username = secretariat.account.username
    response = client.patch(
        f"{URL}/{secretariat.id}", json={"active": False}, headers=world.admin.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["active"] is False
    f.problem(client.get(world.url(), headers=secretariat.headers), 401, "unauthenticated")
    refused = log_in(client, username, f.PASSWORD)
    wrong = log_in(client, username, "not-the-password")
    assert f.problem(refused, 401, "unauthenticated") == f.problem(wrong, 401, "unauthenticated")
    assert refused.headers["www-authenticate"] == wrong.headers["www-authenticate"] == "Bearer"
    again = client.patch(
        f"{URL}/{secretariat.id}", json={"active": True}, headers=world.admin.headers
    )
    assert again.json()["active"] is True
    # The old token stays dead; a new login works.
    f.problem(client.get("/api/v1/me", headers=secretariat.headers), 401, "unauthenticated")
    assert log_in(client, username, f.PASSWORD).status_code == 200


def test_last_active_admin_cannot_be_deactivated_or_deleted(
    client: TestClient, session: Session, admin: f.Login
) -> None:
    inactive = f.make_admin(session, active=False)
    for response in (
        client.patch(f"{URL}/{admin.id}", json={"active": False}, headers=admin.headers),
        client.delete(f"{URL}/{admin.id}", headers=admin.headers),
    ):
        assert "last active admin" in f.problem(response, 409, "in-use")["detail"]
    session.expire_all()
    assert session.get(Account, admin.id) is not None
    assert client.get("/api/v1/me", headers=admin.headers).status_code == 200
    # An inactive admin is not the last active one: it goes.
    assert client.delete(f"{URL}/{inactive.id}", headers=admin.headers).status_code == 204


def test_an_admin_with_another_active_admin_can_be_removed(
    client: TestClient, session: Session, admin: f.Login
) -> None:
    second = f.login(f.make_admin(session), SECRET)
    response = client.patch(f"{URL}/{second.id}", json={"active": False}, headers=admin.headers)
    assert response.status_code == 200, response.text
    # Now the caller is the last active one, even to itself.
    f.problem(client.delete(f"{URL}/{admin.id}", headers=admin.headers), 409, "in-use")
    assert client.patch(f"{URL}/{second.id}", json={"active": True}, headers=admin.headers)
    response = client.delete(f"{URL}/{admin.id}", headers=admin.headers)
    assert response.status_code == 204, response.text
    f.problem(client.get("/api/v1/me", headers=admin.headers), 401, "unauthenticated")


def test_delete_account_ends_its_tokens_and_records_the_change(
    client: TestClient, session: Session, world: f.World
) -> None:
    secretariat = f.login(f.make_secretariat(session, [world.convention]), SECRET)
    response = client.delete(f"{URL}/{secretariat.id}", headers=world.admin.headers)
    assert response.status_code == 204, response.text
    f.problem(client.get("/api/v1/me", headers=secretariat.headers), 401, "unauthenticated")
    f.problem(client.get(f"{URL}/{secretariat.id}", headers=world.admin.headers), 404, "not-found")
    event = session.scalars(
        select(AuditEvent).where(
            AuditEvent.target_type == "account", AuditEvent.target_id == secretariat.id
        )
    ).one()
    assert (event.action, event.convention_id, event.actor_id) == (
        "account.delete",
        None,
        world.admin.id,
    )
    assert event.before is not None and event.before["username"] == secretariat.account.username


def test_account_changes_are_audited_without_the_password(
    client: TestClient, session: Session, admin: f.Login
) -> None:
    made = client.post(URL, json=f.account_body(), headers=admin.headers).json()
    client.patch(f"{URL}/{made['id']}", json={"password": "sandi-baru-123"}, headers=admin.headers)
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.target_type == "account", AuditEvent.target_id == made["id"])
        .order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["account.create", "account.update"]
    assert events[1].after is not None and events[1].after["password"] == "changed"
    stored = str([(e.before, e.after) for e in events])
    assert PASSWORD not in stored and "sandi-baru-123" not in stored
