"""OPDs: CRUD, unique codes, validation, and deletion while referred to."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.models import Opd
from tests.app import factories as f

OPD = f.OPD_BODY


def test_create_opd_answers_201_with_location(
    client: TestClient, session: Session, world: f.World
) -> None:
    body = f.create(client, world, "/opds", OPD)
    assert body == {"id": body["id"], "convention_id": world.cid} | OPD
    row = session.get(Opd, body["id"])
    assert row is not None and row.code == "DISKOMINFO"


def test_list_opds_answers_them_by_id(client: TestClient, world: f.World) -> None:
    body = client.get(world.url("/opds"), headers=world.admin.headers).json()
    assert [o["code"] for o in body["items"]] == ["BAPPEDA", "DINKES"]
    assert body["total"] == 2


def test_update_opd_changes_code_and_name(client: TestClient, world: f.World) -> None:
    url = world.url(f"/opds/{world.opds[1].id}")
    response = client.patch(
        url, json={"code": "DINKES-2", "name": "Dinas Kesehatan Kota"}, headers=world.admin.headers
    )
    assert response.status_code == 200, response.text
    assert (response.json()["code"], response.json()["name"]) == (
        "DINKES-2",
        "Dinas Kesehatan Kota",
    )
    assert client.get(url, headers=world.admin.headers).json() == response.json()


@pytest.mark.usefixtures("past_draft")
def test_update_opd_outside_draft_is_200(client: TestClient, world: f.World) -> None:
    url = world.url(f"/opds/{world.opds[1].id}")
    response = client.patch(url, json={"name": "Dinas Kesehatan"}, headers=world.admin.headers)
    assert response.status_code == 200, response.text


def test_create_opd_with_taken_code_is_409(client: TestClient, world: f.World) -> None:
    response = client.post(
        world.url("/opds"), json={"code": "BAPPEDA", "name": "X"}, headers=world.admin.headers
    )
    f.problem(response, 409, "duplicate")


def test_update_opd_to_taken_code_is_409(client: TestClient, world: f.World) -> None:
    url = world.url(f"/opds/{world.opds[1].id}")
    f.problem(
        client.patch(url, json={"code": "BAPPEDA"}, headers=world.admin.headers), 409, "duplicate"
    )
    assert client.get(url, headers=world.admin.headers).json()["code"] == "DINKES"


def test_update_opd_to_its_own_code_is_200(client: TestClient, world: f.World) -> None:
    url = world.url(f"/opds/{world.opds[1].id}")
    assert (
        client.patch(url, json={"code": "DINKES"}, headers=world.admin.headers).status_code == 200
    )


def test_create_opd_with_code_of_other_convention_is_201(
    client: TestClient, session: Session, world: f.World
) -> None:
    f.make_opd(session, f.make_convention(session), code="DISKOMINFO")
    response = client.post(world.url("/opds"), json=OPD, headers=world.admin.headers)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("field", ["code", "name"])
def test_update_opd_with_null_is_422(client: TestClient, world: f.World, field: str) -> None:
    url = world.url(f"/opds/{world.opds[1].id}")
    f.problem(client.patch(url, json={field: None}, headers=world.admin.headers), 422, "validation")


def test_use_opd_of_other_convention_in_path_is_404(
    client: TestClient, session: Session, world: f.World
) -> None:
    foreign = f.make_opd(session, f.make_convention(session))
    url = world.url(f"/opds/{foreign.id}")
    headers = world.admin.headers
    f.problem(client.get(url, headers=headers), 404, "not-found")
    f.problem(client.patch(url, json={"name": "Z"}, headers=headers), 404, "not-found")
    f.problem(client.delete(url, headers=headers), 404, "not-found")
    session.expunge_all()
    row = session.get(Opd, foreign.id)
    assert row is not None and row.name != "Z"
