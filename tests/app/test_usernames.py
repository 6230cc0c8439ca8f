"""Usernames are one name ignoring case, across every role, and log in ignoring case."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.app import factories as f
from tests.app.conftest import SECRET


def juror_body(world: f.World, username: str) -> dict[str, Any]:
    return {
        "username": username,
        "password": "rahasia-panjang",
        "full_name": "Juri Baru",
        "panel_id": world.panels[0].id,
    }


@pytest.mark.parametrize("taken", ["juror", "admin", "secretariat"])
def test_create_juror_with_a_name_taken_ignoring_case_is_409(
    client: TestClient, session: Session, world: f.World, taken: str
) -> None:
    names = {
        "juror": world.jurors[0].account.username,
        "admin": world.admin.account.username,
        "secretariat": f.make_secretariat(session, []).username,
    }
    response = client.post(
        world.url("/jurors"),
        json=juror_body(world, names[taken].upper()),
        headers=world.admin.headers,
    )
    assert "ignoring case" in f.problem(response, 409, "duplicate")["detail"]
    listed = client.get(world.url("/jurors"), headers=world.admin.headers).json()
    assert listed["total"] == 3


def test_rename_juror_to_another_name_ignoring_case_is_409_and_to_its_own_is_200(
    client: TestClient, world: f.World
) -> None:
    first, second = world.jurors[0], world.jurors[1]
    url = world.url(f"/jurors/{first.id}")
    clash = client.patch(
        url, json={"username": second.account.username.upper()}, headers=world.admin.headers
    )
    f.problem(clash, 409, "duplicate")
    mine = first.account.username.upper()
    response = client.patch(url, json={"username": mine}, headers=world.admin.headers)
    assert response.status_code == 200, response.text
    assert response.json()["username"] == mine


@pytest.mark.parametrize("which", ["admin", "juror"])
def test_log_in_ignores_case(client: TestClient, world: f.World, which: str) -> None:
    login = world.admin if which == "admin" else world.jurors[0]
    for typed in (login.account.username.upper(), login.account.username.title()):
        response = client.post(
            "/api/v1/auth/token", data={"username": typed, "password": f.PASSWORD}
        )
        assert response.status_code == 200, response.text
        claims = jwt.decode(response.json()["access_token"], SECRET, algorithms=["HS256"])
        assert claims["sub"] == str(login.id)
