"""Who may call what, for every route the app has (classified in tests/app/routes.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy.orm import Session

from app.config import Settings
from app.main import create_app
from tests.app import factories as f
from tests.app.conftest import SECRET
from tests.app.routes import ACCOUNTS_1_1, CONTRACT_1_1, FOUNDATION, Endpoint, endpoints

ENDPOINTS = endpoints(create_app(Settings(secret_key=SECRET, database_url="sqlite://")))


def _of(*access: str, with_cid: bool = False) -> list[Any]:
    return [
        pytest.param(e, id=str(e))
        for e in ENDPOINTS
        if e.access in access and (not with_cid or "cid" in e.params)
    ]


def fill(endpoint: Endpoint, world: f.World) -> str:
    """The endpoint's path with the ids of ``world``'s resources."""
    values: dict[str, object] = {
        "cid": world.cid,
        "criterion_id": world.criteria[0].id,
        "panel_id": world.panels[0].id,
        "opd_id": world.opds[0].id,
        "entry_id": world.entries[0].id,
        "juror_id": world.jurors[0].id,
        "sid": world.convention.stages[0].id,
        "code": "AAAAAAAAAAAAAAAA",
        "kind": "opds",
        **world.extra,
    }
    path = endpoint.path
    for name in endpoint.params:
        path = path.replace(f"{{{name}}}", str(values.get(name, 1)))
    return path


def call(client: TestClient, endpoint: Endpoint, world: f.World, login: f.Login | None) -> Response:
    headers = login.headers if login else {}
    body: dict[str, Any] | None = {} if endpoint.method in ("POST", "PUT", "PATCH") else None
    return client.request(endpoint.method, fill(endpoint, world), json=body, headers=headers)


@pytest.fixture
def other(session: Session) -> f.World:
    """Another convention with one of each resource: all a path needs."""
    convention = f.make_convention(session)
    panel = f.make_panel(session, convention)
    opd = f.make_opd(session, convention)
    return f.World(
        convention=convention,
        admin=f.login(f.make_admin(session), SECRET),
        criteria=[f.make_criterion(session, convention)],
        panels=[panel],
        opds=[opd],
        entries=[f.make_entry(session, convention, opd)],
        jurors=[f.login(f.make_juror(session, convention, panel), SECRET)],
    )


@pytest.fixture
def secretariats(session: Session, world: f.World, other: f.World) -> tuple[f.Login, f.Login]:
    """A secretariat managing ``world``'s convention, and one managing only ``other``'s."""
    mine = f.login(f.make_secretariat(session, [world.convention]), SECRET)
    theirs = f.login(f.make_secretariat(session, [other.convention]), SECRET)
    # The account routes' {account_id}: a secretariat's, that an admin may change or delete.
    world.extra["account_id"] = theirs.id
    return mine, theirs


def test_route_table_classifies_every_route() -> None:
    unknown = [str(e) for e in ENDPOINTS if e.access == "unknown"]
    assert not unknown, f"routes no rule of tests/app/routes.py classifies: {unknown}"
    missing = FOUNDATION - {(e.method, e.path) for e in ENDPOINTS}
    assert not missing, f"foundation routes that disappeared: {sorted(missing)}"
    named = {(e.method, e.path): e.access for e in ENDPOINTS if (e.method, e.path) in CONTRACT_1_1}
    assert named == dict.fromkeys(CONTRACT_1_1, "admin"), named
    accounts = {
        (e.method, e.path): e.access for e in ENDPOINTS if (e.method, e.path) in ACCOUNTS_1_1
    }
    assert accounts == ACCOUNTS_1_1, accounts


def served(response: Response) -> None:
    """Neither refused on access (the convention itself 404 included) nor a server error: a
    call may still fail on its body, or on a resource the world lacks."""
    assert response.status_code not in (401, 403), response.text
    assert response.status_code < 500, response.text
    if response.status_code == 404:
        assert not re.fullmatch(r"Convention \d+ not found\.", response.json()["detail"])


@pytest.mark.parametrize(
    "endpoint", _of("any", "read", "admin", "admin-only", "juror", "public", "login")
)
def test_call_is_refused_to_wrong_caller_and_served_to_right_one(
    client: TestClient,
    world: f.World,
    other: f.World,
    secretariats: tuple[f.Login, f.Login],
    endpoint: Endpoint,
) -> None:
    """401 without a token; 404 for a juror or a secretariat on a convention not theirs; 403
    for the wrong role (a secretariat on what is an admin's alone); then the right callers are
    served, a secretariat on its own convention as an admin is. Refusals come first: they
    change nothing."""
    juror = world.jurors[0]
    mine, theirs = secretariats
    if endpoint.access in ("public", "login"):
        response = call(client, endpoint, world, None)
        assert response.status_code not in (401, 403), response.text
        assert response.status_code < 500, response.text
        return
    response = call(client, endpoint, world, None)
    f.problem(response, 401, "unauthenticated")
    assert response.headers["www-authenticate"] == "Bearer"
    if "cid" in endpoint.params:
        for outsider, convention in ((juror, other), (mine, other), (theirs, world)):
            body = f.problem(call(client, endpoint, convention, outsider), 404, "not-found")
            assert body["detail"] == f"Convention {convention.cid} not found.", body
    if endpoint.access == "admin":
        f.problem(call(client, endpoint, world, juror), 403, "forbidden")
        response = call(client, endpoint, world, mine)
        served(response)
        if endpoint.is_list and "cid" not in endpoint.params:  # GET /conventions
            assert [item["id"] for item in response.json()["items"]] == [world.cid]
            assert response.json()["total"] == 1
        served(call(client, endpoint, world, world.admin))
    elif endpoint.access == "admin-only":
        f.problem(call(client, endpoint, world, juror), 403, "forbidden")
        f.problem(call(client, endpoint, world, mine), 403, "forbidden")
        served(call(client, endpoint, world, world.admin))
    elif endpoint.access == "juror":
        f.problem(call(client, endpoint, world, world.admin), 403, "forbidden")
        f.problem(call(client, endpoint, world, mine), 403, "forbidden")
        # The convention is a draft: a juror's call may fail on state, never on access.
        served(call(client, endpoint, world, juror))
    elif endpoint.access == "any":
        for login in (world.admin, mine, juror):
            response = call(client, endpoint, world, login)
            served(response)
            if endpoint.method == "GET":
                assert response.status_code == 200, response.text
                assert response.json()["id"] == login.id
    else:
        for login in (world.admin, mine, juror):
            response = call(client, endpoint, world, login)
            assert response.status_code == 200, response.text
            body = response.json()
            if endpoint.is_list:
                assert body["total"] >= 1
                assert {item["convention_id"] for item in body["items"]} == {world.cid}
            else:
                assert body.get("convention_id", body["id"]) == world.cid
