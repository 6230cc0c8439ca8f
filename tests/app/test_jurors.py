"""Jurors: accounts with a panel and conflicts; never a password in a response."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Account, JurorConflict
from tests.app import factories as f


def assert_no_secret(text: str, password: str = "rahasia-panjang") -> None:
    assert "password" not in text
    assert "argon2" not in text
    assert "hash" not in text
    assert password not in text


def test_create_juror_answers_201_without_password(
    client: TestClient, session: Session, world: f.World
) -> None:
    response = client.post(
        world.url("/jurors"), json=f.juror_body(world), headers=world.admin.headers
    )
    body = f.created(response, world.url("/jurors"))
    assert body | {"id": 0, "created_at": "", "updated_at": ""} == {
        "id": 0,
        "convention_id": world.cid,
        "username": "juri.lan.9",
        "full_name": "Dr. Juri LAN",
        "panel_id": world.panels[1].id,
        "conflict_opd_ids": [world.opds[0].id],
        "active": True,
        "created_at": "",
        "updated_at": "",
    }
    assert_no_secret(response.text)
    row = session.get(Account, body["id"])
    assert row is not None
    assert (row.role, row.convention_id) == ("juror", world.cid)
    assert row.password_hash.startswith("$argon2") and "rahasia" not in row.password_hash
    token = client.post(
        "/api/v1/auth/token", data={"username": "juri.lan.9", "password": "rahasia-panjang"}
    )
    assert token.status_code == 200 and token.json()["role"] == "juror"


def test_read_and_list_jurors_never_show_password(client: TestClient, world: f.World) -> None:
    headers = world.admin.headers
    one = client.get(world.url(f"/jurors/{world.jurors[0].id}"), headers=headers)
    assert one.status_code == 200, one.text
    assert one.json()["username"] == world.jurors[0].account.username
    assert_no_secret(one.text, f.PASSWORD)
    listed = client.get(world.url("/jurors"), headers=headers)
    assert [j["id"] for j in listed.json()["items"]] == [j.id for j in world.jurors]
    assert_no_secret(listed.text, f.PASSWORD)


def test_update_juror_never_shows_password(client: TestClient, world: f.World) -> None:
    response = client.patch(
        world.url(f"/jurors/{world.jurors[0].id}"),
        json={"password": "rahasia-panjang"},
        headers=world.admin.headers,
    )
    assert response.status_code == 200, response.text
    assert_no_secret(response.text)


def test_a_deactivated_juror_is_out_until_let_in_again(
    client: TestClient, session: Session, world: f.World
) -> None:
    juror = world.jurors[0]
    f.make_sheet(session, juror.account, world.entries[0], {"A": 9, "B": 9})
    url = world.url(f"/jurors/{juror.id}")
    credentials = {"username": juror.account.username, "password": f.PASSWORD}
    assert client.get("/api/v1/me", headers=juror.headers).status_code == 200
    f.problem(
        client.patch(url, json={"active": "no"}, headers=world.admin.headers), 422, "validation"
    )
    f.problem(client.patch(url, json={"active": False}, headers=juror.headers), 403, "forbidden")
    off = client.patch(url, json={"active": False}, headers=world.admin.headers)
    assert off.status_code == 200, off.text
    assert off.json()["active"] is False
    # Its token ends; its login is refused as a wrong password is.
    f.problem(client.get("/api/v1/me", headers=juror.headers), 401, "unauthenticated")
    refused = f.problem(client.post("/api/v1/auth/token", data=credentials), 401, "unauthenticated")
    wrong = client.post("/api/v1/auth/token", data=credentials | {"password": "salah-sekali"})
    assert refused["detail"] == wrong.json()["detail"]
    # What it sent still counts.
    ranking = client.get(world.url("/ranking"), headers=world.admin.headers).json()
    assert ranking["rows"][0]["entry_id"] == world.entries[0].id
    on = client.patch(url, json={"active": True}, headers=world.admin.headers)
    assert on.json()["active"] is True
    assert client.post("/api/v1/auth/token", data=credentials).status_code == 200
    listed = client.get(world.url("/jurors"), headers=world.admin.headers).json()["items"]
    assert [j["active"] for j in listed] == [True] * len(world.jurors)


def test_list_jurors_filters_by_panel(client: TestClient, world: f.World) -> None:
    response = client.get(
        world.url(f"/jurors?panel_id={world.panels[1].id}"), headers=world.admin.headers
    )
    assert [j["id"] for j in response.json()["items"]] == [world.jurors[2].id]


def test_update_juror_changes_fields_and_conflicts(
    client: TestClient, session: Session, world: f.World
) -> None:
    juror = world.jurors[0]
    url = world.url(f"/jurors/{juror.id}")
    ids = [world.opds[1].id, world.opds[0].id]
    response = client.patch(
        url,
        json={"username": "juri.baru", "full_name": "Juri Baru", "conflict_opd_ids": ids},
        headers=world.admin.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["username"], body["full_name"]) == ("juri.baru", "Juri Baru")
    assert sorted(body["conflict_opd_ids"]) == sorted(ids)
    rows = session.scalars(select(JurorConflict.opd_id).where(JurorConflict.juror_id == juror.id))
    assert sorted(rows) == sorted(ids)
    cleared = client.patch(url, json={"conflict_opd_ids": []}, headers=world.admin.headers)
    assert cleared.json()["conflict_opd_ids"] == []
    assert client.get(url, headers=world.admin.headers).json() == cleared.json()


def test_update_juror_panel_in_draft_is_200(client: TestClient, world: f.World) -> None:
    url = world.url(f"/jurors/{world.jurors[0].id}")
    response = client.patch(url, json={"panel_id": world.panels[1].id}, headers=world.admin.headers)
    assert response.status_code == 200, response.text
    assert response.json()["panel_id"] == world.panels[1].id


@pytest.mark.usefixtures("past_draft")
def test_update_juror_outside_draft_keeps_its_panel_and_changes_the_rest(
    client: TestClient, world: f.World
) -> None:
    juror = world.jurors[0]
    url = world.url(f"/jurors/{juror.id}")
    moved = client.patch(
        url, json={"panel_id": world.panels[1].id, "full_name": "Z"}, headers=world.admin.headers
    )
    f.problem(moved, 409, "convention-state")
    body = client.get(url, headers=world.admin.headers).json()
    assert (body["panel_id"], body["full_name"]) == (world.panels[0].id, juror.account.full_name)
    others = {
        "panel_id": world.panels[0].id,
        "full_name": "Z",
        "conflict_opd_ids": [world.opds[1].id],
    }
    kept = client.patch(url, json=others, headers=world.admin.headers)
    assert kept.status_code == 200, kept.text
    assert kept.json()["conflict_opd_ids"] == [world.opds[1].id]


def test_delete_juror_without_sheets_is_204_then_404(
    client: TestClient, session: Session, world: f.World
) -> None:
    juror = world.jurors[2]
    session.add(JurorConflict(juror_id=juror.id, opd_id=world.opds[1].id))
    session.commit()
    url = world.url(f"/jurors/{juror.id}")
    f.assert_deleted(client, url, world.admin)
    session.expunge_all()
    assert session.get(Account, juror.id) is None
    assert (
        session.scalars(select(JurorConflict).where(JurorConflict.juror_id == juror.id)).first()
        is None
    )


def test_delete_juror_with_sheet_is_409_and_keeps_it(
    client: TestClient, session: Session, world: f.World
) -> None:
    juror = world.jurors[0]
    f.make_sheet(session, juror.account, world.entries[0], {"A": 5}, status="draft")
    url = world.url(f"/jurors/{juror.id}")
    f.assert_kept_in_use(client, url, world.admin)
    assert client.get("/api/v1/me", headers=juror.headers).status_code == 200


# --- uniqueness -----------------------------------------------------------------------------


def test_create_juror_with_username_of_other_convention_juror_is_409(
    client: TestClient, session: Session, world: f.World
) -> None:
    other = f.make_world(session, f.SECRET)
    taken = other.jurors[0].account.username
    response = client.post(
        world.url("/jurors"), json=f.juror_body(world, username=taken), headers=world.admin.headers
    )
    f.problem(response, 409, "duplicate")


def test_create_juror_with_admin_username_is_409(client: TestClient, world: f.World) -> None:
    taken = world.admin.account.username
    response = client.post(
        world.url("/jurors"), json=f.juror_body(world, username=taken), headers=world.admin.headers
    )
    f.problem(response, 409, "duplicate")


def test_update_juror_to_taken_username_is_409(client: TestClient, world: f.World) -> None:
    url = world.url(f"/jurors/{world.jurors[0].id}")
    for taken in (world.jurors[1].account.username, world.admin.account.username):
        f.problem(
            client.patch(url, json={"username": taken}, headers=world.admin.headers),
            409,
            "duplicate",
        )
    assert (
        client.get(url, headers=world.admin.headers).json()["username"]
        == world.jurors[0].account.username
    )


def test_update_juror_to_own_username_is_200(client: TestClient, world: f.World) -> None:
    url = world.url(f"/jurors/{world.jurors[0].id}")
    response = client.patch(
        url, json={"username": world.jurors[0].account.username}, headers=world.admin.headers
    )
    assert response.status_code == 200, response.text


# --- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "msg"),
    [
        ("short", "must have at least 10 characters"),
        ("123456789", "must have at least 10 characters"),
        (" " * 12, "must not be only whitespace"),
    ],
)
def test_update_juror_with_short_or_blank_password_is_422(
    client: TestClient, world: f.World, password: str, msg: str
) -> None:
    url = world.url(f"/jurors/{world.jurors[0].id}")
    response = client.patch(url, json={"password": password}, headers=world.admin.headers)
    assert f.problem(response, 422, "validation")["errors"] == [
        {"loc": ["body", "password"], "msg": msg}
    ]
    assert client.get("/api/v1/me", headers=world.jurors[0].headers).status_code == 200


def test_a_password_set_before_the_rule_still_logs_in(
    client: TestClient, session: Session, world: f.World
) -> None:
    from app.security import hash_password

    juror = f.make_juror(session, world.convention, world.panels[0], username="juri.lama")
    juror.password_hash = hash_password("8chars!!")
    session.commit()
    response = client.post(
        "/api/v1/auth/token", data={"username": "juri.lama", "password": "8chars!!"}
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("panel", ["unknown", "foreign", "zero", "huge"])
def test_create_juror_with_unknown_panel_is_422_naming_it(
    client: TestClient, session: Session, world: f.World, panel: str
) -> None:
    panel_id = {
        "unknown": 999_999,
        "foreign": f.make_panel(session, f.make_convention(session)).id,
        "zero": 0,
        "huge": 2**40,
    }[panel]
    response = client.post(
        world.url("/jurors"),
        json=f.juror_body(world, panel_id=panel_id),
        headers=world.admin.headers,
    )
    assert f.names_field(f.problem(response, 422, "validation"), "panel_id")


@pytest.mark.parametrize("opd", ["unknown", "foreign"])
def test_create_juror_with_unknown_conflict_opd_is_422_naming_element(
    client: TestClient, session: Session, world: f.World, opd: str
) -> None:
    bad = 999_999 if opd == "unknown" else f.make_opd(session, f.make_convention(session)).id
    response = client.post(
        world.url("/jurors"),
        json=f.juror_body(world, conflict_opd_ids=[world.opds[0].id, bad]),
        headers=world.admin.headers,
    )
    body = f.problem(response, 422, "validation")
    assert ["body", "conflict_opd_ids", 1] in [error["loc"] for error in body["errors"]]


def test_update_juror_with_unknown_panel_or_opd_is_422(
    client: TestClient, session: Session, world: f.World
) -> None:
    foreign = f.make_world(session, f.SECRET)
    url = world.url(f"/jurors/{world.jurors[0].id}")
    response = client.patch(
        url, json={"panel_id": foreign.panels[0].id}, headers=world.admin.headers
    )
    assert f.names_field(f.problem(response, 422, "validation"), "panel_id")
    response = client.patch(
        url, json={"conflict_opd_ids": [foreign.opds[0].id]}, headers=world.admin.headers
    )
    assert f.names_field(f.problem(response, 422, "validation"), "conflict_opd_ids", 0)


@pytest.mark.parametrize(
    "field", ["username", "password", "full_name", "panel_id", "conflict_opd_ids"]
)
def test_update_juror_with_null_is_422(client: TestClient, world: f.World, field: str) -> None:
    url = world.url(f"/jurors/{world.jurors[0].id}")
    f.problem(client.patch(url, json={field: None}, headers=world.admin.headers), 422, "validation")


# --- ids in the path ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["other-convention", "admin"])
def test_use_non_juror_of_convention_in_path_is_404(
    client: TestClient, session: Session, world: f.World, who: str
) -> None:
    if who == "admin":
        account = world.admin.account
    else:
        account = f.make_world(session, f.SECRET).jurors[0].account
    url = world.url(f"/jurors/{account.id}")
    headers = world.admin.headers
    f.problem(client.get(url, headers=headers), 404, "not-found")
    f.problem(client.patch(url, json={"password": "x" * 12}, headers=headers), 404, "not-found")
    f.problem(client.delete(url, headers=headers), 404, "not-found")
    session.expunge_all()
    assert session.get(Account, account.id) is not None
    assert client.get("/api/v1/me", headers=f.login(account, f.SECRET).headers).status_code == 200


def test_create_juror_in_unknown_convention_is_404(client: TestClient, world: f.World) -> None:
    response = client.post(
        "/api/v1/conventions/999999/jurors", json=f.juror_body(world), headers=world.admin.headers
    )
    f.problem(response, 404, "not-found")
