"""Conventions: CRUD, defaults, validation, the status machine, deletion."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AuditEvent, Convention, Stage
from tests.app import factories as f

URL = "/api/v1/conventions"


def when(value: str) -> datetime:
    return datetime.fromisoformat(value)


# --- create, read, list, update -------------------------------------------------------------


def test_create_convention_answers_201_with_defaults(
    client: TestClient, session: Session, admin: f.Login
) -> None:
    response = client.post(
        URL, json={"name": "Konvensi Solok", "year": 2018}, headers=admin.headers
    )
    body = f.created(response, URL)
    stage = row_stage = session.scalars(
        select(Stage).where(Stage.convention_id == body["id"])
    ).one()
    assert body | {"id": 0, "created_at": "", "updated_at": ""} == {
        "id": 0,
        "name": "Konvensi Solok",
        "year": 2018,
        "host": None,
        "top_n": 10,
        "letter_code": "KONVENSI",
        "award_names": ["Juara I", "Juara II", "Juara III"],
        "zscore_min_sheets": 5,
        "status": "draft",
        "assignment_mode": "all",
        "judging_deadline": None,
        "signatory_name": None,
        "signatory_title": None,
        "city": None,
        "award_scope": "overall",
        "ceremony_date": None,
        "current_stage_id": stage.id,
        "current_stage": {"id": stage.id, "code": "UTAMA", "name": "Penilaian", "kind": "scored"},
        "created_at": "",
        "updated_at": "",
        "warnings": [],
    }
    # Every new convention judges in one stage: UTAMA, scored, weight 1, every panel, all.
    assert (row_stage.code, row_stage.kind, row_stage.weight, row_stage.position) == (
        "UTAMA",
        "scored",
        1.0,
        1,
    )
    assert (row_stage.all_panels, row_stage.advance_rule) == (True, "all")
    assert body["created_at"].endswith(("Z", "+00:00"))
    row = session.get(Convention, body["id"])
    assert row is not None and row.name == "Konvensi Solok" and row.status == "draft"


def test_create_convention_with_every_field_stores_them(client: TestClient, admin: f.Login) -> None:
    data = {
        "name": "Konvensi Inovasi Daerah Kota Solok 2018",
        "year": 2018,
        "host": "Pemerintah Kota Solok",
        "top_n": 5,
        "letter_code": "KIP-SLK",
        "award_names": ["Terbaik I", "Terbaik II"],
        "zscore_min_sheets": 3,
    }
    response = client.post(URL, json=data, headers=admin.headers)
    assert response.status_code == 201, response.text
    assert {k: response.json()[k] for k in data} == data


def test_create_convention_with_status_is_422(client: TestClient, admin: f.Login) -> None:
    response = client.post(
        URL, json={"name": "K", "year": 2018, "status": "closed"}, headers=admin.headers
    )
    body = f.problem(response, 422, "validation")
    assert ["body", "status"] in f.error_locs(body)


def test_read_convention_answers_it(client: TestClient, world: f.World) -> None:
    response = client.get(world.url(), headers=world.admin.headers)
    assert response.status_code == 200, response.text
    assert response.json()["name"] == world.convention.name
    assert response.json()["id"] == world.cid


def test_read_unknown_convention_is_404(client: TestClient, admin: f.Login) -> None:
    f.problem(client.get(f"{URL}/999999", headers=admin.headers), 404, "not-found")


def test_list_conventions_answers_page_by_id(
    client: TestClient, session: Session, admin: f.Login
) -> None:
    made = [f.make_convention(session).id for _ in range(3)]
    response = client.get(URL, headers=admin.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [item["id"] for item in body["items"]] == made
    assert (body["total"], body["limit"], body["offset"]) == (3, 50, 0)


def test_update_convention_changes_fields_and_updated_at(
    client: TestClient, world: f.World
) -> None:
    before = client.get(world.url(), headers=world.admin.headers).json()
    response = client.patch(
        world.url(),
        json={"name": "Nama Baru", "host": None, "top_n": 3, "award_names": ["Emas"]},
        headers=world.admin.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["name"], body["host"], body["top_n"], body["award_names"]) == (
        "Nama Baru",
        None,
        3,
        ["Emas"],
    )
    assert when(body["updated_at"]) > when(before["updated_at"])
    assert body["created_at"] == before["created_at"]
    assert client.get(world.url(), headers=world.admin.headers).json() == body


def test_update_convention_with_empty_body_changes_nothing(
    client: TestClient, world: f.World
) -> None:
    before = client.get(world.url(), headers=world.admin.headers).json()
    response = client.patch(world.url(), json={}, headers=world.admin.headers)
    assert response.status_code == 200, response.text
    assert response.json() == before


@pytest.mark.parametrize("field", ["name", "year", "top_n", "letter_code", "status"])
def test_update_convention_with_null_required_field_is_422(
    client: TestClient, world: f.World, field: str
) -> None:
    response = client.patch(world.url(), json={field: None}, headers=world.admin.headers)
    f.problem(response, 422, "validation")


# --- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400"])
@pytest.mark.parametrize("field", ["year", "top_n", "zscore_min_sheets"])
def test_create_convention_with_non_finite_number_is_422(
    client: TestClient, admin: f.Login, field: str, literal: str
) -> None:
    content = f'{{"name": "K", "year": 2018, "{field}": {literal}}}'
    if field == "year":
        content = f'{{"name": "K", "year": {literal}}}'
    response = client.post(
        URL,
        content=content,
        headers=admin.headers | {"Content-Type": "application/json"},
    )
    body = f.problem(response, 422, "validation")
    assert any(loc[:2] == ["body", field] for loc in f.error_locs(body)), body


def test_create_convention_strips_surrounding_whitespace(
    client: TestClient, admin: f.Login
) -> None:
    response = client.post(URL, json={"name": "  Konvensi  ", "year": 2018}, headers=admin.headers)
    assert response.status_code == 201, response.text
    assert response.json()["name"] == "Konvensi"


# --- the status machine -------------------------------------------------------------------


def move(client: TestClient, world: f.World, status: str) -> Any:
    return client.patch(world.url(), json={"status": status}, headers=world.admin.headers)


@pytest.fixture
def before(
    request: pytest.FixtureRequest, client: TestClient, session: Session, world: f.World
) -> dict[str, Any]:
    """The world's convention as read once moved to the status of the parameter."""
    f.set_status(session, world.convention, request.param)
    return dict(client.get(world.url(), headers=world.admin.headers).json())


@pytest.mark.parametrize(
    ("before", "to"),
    [("draft", "judging"), ("judging", "closed"), ("closed", "judging")],
    indirect=["before"],
)
def test_move_convention_allowed_is_200(
    client: TestClient, session: Session, world: f.World, before: dict[str, Any], to: str
) -> None:
    response = move(client, world, to)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == to
    assert when(response.json()["updated_at"]) > when(before["updated_at"])
    session.expire_all()
    assert session.get(Convention, world.cid).status == to  # type: ignore[union-attr]
    event = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.convention_id == world.cid, AuditEvent.action == "convention.status")
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event is not None
    assert (event.before, event.after) == ({"status": before["status"]}, {"status": to})


@pytest.mark.parametrize(
    ("before", "to"),
    [("draft", "closed"), ("judging", "draft"), ("closed", "draft")],
    indirect=["before"],
)
def test_move_convention_forbidden_is_409(
    client: TestClient, world: f.World, before: dict[str, Any], to: str
) -> None:
    f.problem(move(client, world, to), 409, "convention-state")
    assert client.get(world.url(), headers=world.admin.headers).json() == before


def test_move_convention_forbidden_changes_no_other_field(
    client: TestClient, world: f.World
) -> None:
    response = client.patch(
        world.url(), json={"status": "closed", "name": "Ganti"}, headers=world.admin.headers
    )
    f.problem(response, 409, "convention-state")
    assert (
        client.get(world.url(), headers=world.admin.headers).json()["name"] == world.convention.name
    )


@pytest.mark.parametrize("before", ["draft", "judging", "closed"], indirect=True)
def test_move_convention_to_same_status_is_200_and_changes_nothing(
    client: TestClient, session: Session, world: f.World, before: dict[str, Any]
) -> None:
    events = len(session.scalars(select(AuditEvent.id)).all())
    response = move(client, world, before["status"])
    assert response.status_code == 200, response.text
    assert response.json() == before
    assert len(session.scalars(select(AuditEvent.id)).all()) == events


def test_move_convention_to_same_status_after_publication_is_200(
    client: TestClient, session: Session, world: f.World
) -> None:
    f.set_status(session, world.convention, "closed")
    f.make_result(session, world.convention)
    assert move(client, world, "closed").status_code == 200


@pytest.mark.parametrize("status", ["open", "", "DRAFT", 1, None])
def test_move_convention_to_unknown_status_is_422(
    client: TestClient, world: f.World, status: Any
) -> None:
    body = f.problem(move(client, world, status), 422, "validation")
    assert any(loc[:2] == ["body", "status"] for loc in f.error_locs(body)) or status is None


def test_reopen_convention_after_publication_is_409(
    client: TestClient, session: Session, world: f.World
) -> None:
    f.set_status(session, world.convention, "closed")
    f.make_result(session, world.convention)
    f.problem(move(client, world, "judging"), 409, "convention-state")
    assert client.get(world.url(), headers=world.admin.headers).json()["status"] == "closed"


def test_reopen_convention_publication_of_another_does_not_block(
    client: TestClient, session: Session, world: f.World
) -> None:
    other = f.make_convention(session, status="closed")
    f.make_result(session, other)
    f.set_status(session, world.convention, "closed")
    assert move(client, world, "judging").status_code == 200


# --- delete -----------------------------------------------------------------------------------


def test_delete_empty_convention_is_204_then_404(
    client: TestClient, session: Session, admin: f.Login
) -> None:
    convention = f.make_convention(session)
    response = client.delete(f"{URL}/{convention.id}", headers=admin.headers)
    assert response.status_code == 204, response.text
    assert response.content == b""
    f.problem(client.get(f"{URL}/{convention.id}", headers=admin.headers), 404, "not-found")
    f.problem(client.delete(f"{URL}/{convention.id}", headers=admin.headers), 404, "not-found")


@pytest.mark.parametrize("kind", ["criterion", "panel", "opd", "entry", "juror"])
def test_delete_convention_in_use_is_409_and_deletes_nothing(
    client: TestClient, session: Session, admin: f.Login, kind: str
) -> None:
    convention = f.make_convention(session)
    if kind == "criterion":
        f.make_criterion(session, convention)
    elif kind == "panel":
        f.make_panel(session, convention)
    elif kind == "opd":
        f.make_opd(session, convention)
    elif kind == "entry":
        f.make_entry(session, convention, f.make_opd(session, convention))
    else:
        f.make_juror(session, convention, f.make_panel(session, convention))
    f.problem(client.delete(f"{URL}/{convention.id}", headers=admin.headers), 409, "in-use")
    assert client.get(f"{URL}/{convention.id}", headers=admin.headers).status_code == 200
