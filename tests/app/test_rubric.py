"""Criteria and panels: CRUD, uniqueness, validation, and changes only in draft."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.models import Criterion, Panel
from tests.app import factories as f

CRITERION = f.CRITERION_BODY


# --- criteria ---------------------------------------------------------------------------------


def test_create_criterion_answers_201_with_defaults(
    client: TestClient, session: Session, world: f.World
) -> None:
    body = f.create(client, world, "/criteria", CRITERION)
    assert body == {
        "id": body["id"],
        "convention_id": world.cid,
        "stage_id": world.convention.stages[0].id,
        "code": "KEBARUAN",
        "name": "Kebaruan",
        "description": None,
        "weight": 25.0,
        "min_score": 0.0,
        "max_score": 10.0,
        "step": None,
        "tie_break_rank": None,
    }
    row = session.get(Criterion, body["id"])
    assert row is not None and (row.code, row.weight) == ("KEBARUAN", 25.0)


def test_create_criterion_with_all_fields_stores_them(client: TestClient, world: f.World) -> None:
    data = CRITERION | {
        "description": "Seberapa baru",
        "min_score": 1,
        "max_score": 10,
        "step": 0.5,
        "tie_break_rank": 2,
    }
    response = client.post(world.url("/criteria"), json=data, headers=world.admin.headers)
    assert response.status_code == 201, response.text
    assert {k: response.json()[k] for k in data} == data


def test_list_criteria_answers_them_by_id(client: TestClient, world: f.World) -> None:
    response = client.get(world.url("/criteria"), headers=world.admin.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [c["code"] for c in body["items"]] == ["A", "B"]
    assert body["total"] == 2


def test_update_criterion_changes_fields(client: TestClient, world: f.World) -> None:
    criterion = world.criteria[1]
    response = client.patch(
        world.url(f"/criteria/{criterion.id}"),
        json={"name": "Dampak", "weight": 2.5, "tie_break_rank": 2, "description": "x"},
        headers=world.admin.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["name"], body["weight"], body["tie_break_rank"], body["code"]) == (
        "Dampak",
        2.5,
        2,
        "B",
    )
    assert (
        client.get(world.url(f"/criteria/{criterion.id}"), headers=world.admin.headers).json()
        == body
    )


def test_update_criterion_clears_nullable_fields(client: TestClient, world: f.World) -> None:
    criterion = world.criteria[0]
    response = client.patch(
        world.url(f"/criteria/{criterion.id}"),
        json={"tie_break_rank": None, "step": None, "description": None},
        headers=world.admin.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["tie_break_rank"] is None


def test_delete_criterion_is_204_then_404(
    client: TestClient, session: Session, world: f.World
) -> None:
    url = world.url(f"/criteria/{world.criteria[1].id}")
    f.assert_deleted(client, url, world.admin)
    session.expunge_all()
    assert session.get(Criterion, world.criteria[1].id) is None


def test_create_criterion_with_taken_code_is_409(client: TestClient, world: f.World) -> None:
    response = client.post(
        world.url("/criteria"), json=CRITERION | {"code": "A"}, headers=world.admin.headers
    )
    f.problem(response, 409, "duplicate")


def test_create_criterion_with_code_of_other_convention_is_201(
    client: TestClient, session: Session, world: f.World
) -> None:
    other = f.make_convention(session)
    f.make_criterion(session, other, code="KEBARUAN", tie_break_rank=1)
    response = client.post(
        world.url("/criteria"), json=CRITERION | {"tie_break_rank": 2}, headers=world.admin.headers
    )
    assert response.status_code == 201, response.text


def test_create_criterion_with_taken_tie_break_rank_is_409(
    client: TestClient, world: f.World
) -> None:
    response = client.post(
        world.url("/criteria"), json=CRITERION | {"tie_break_rank": 1}, headers=world.admin.headers
    )
    f.problem(response, 409, "duplicate")


def test_update_criterion_to_taken_code_or_rank_is_409(client: TestClient, world: f.World) -> None:
    url = world.url(f"/criteria/{world.criteria[1].id}")
    f.problem(client.patch(url, json={"code": "A"}, headers=world.admin.headers), 409, "duplicate")
    f.problem(
        client.patch(url, json={"tie_break_rank": 1}, headers=world.admin.headers),
        409,
        "duplicate",
    )
    body = client.get(url, headers=world.admin.headers).json()
    assert (body["code"], body["tie_break_rank"]) == ("B", None)


def test_update_criterion_to_its_own_code_is_200(client: TestClient, world: f.World) -> None:
    url = world.url(f"/criteria/{world.criteria[0].id}")
    response = client.patch(
        url, json={"code": "A", "tie_break_rank": 1}, headers=world.admin.headers
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999"])
@pytest.mark.parametrize("field", ["weight", "min_score", "max_score", "step"])
def test_create_criterion_with_non_finite_number_is_422(
    client: TestClient, world: f.World, field: str, literal: str
) -> None:
    content = f'{{"code": "X", "name": "X", "weight": 1, "max_score": 10, "{field}": {literal}}}'
    response = client.post(
        world.url("/criteria"),
        content=content,
        headers=world.admin.headers | {"Content-Type": "application/json"},
    )
    assert f.names_field(f.problem(response, 422, "validation"), field)


@pytest.mark.parametrize(("low", "high"), [(10, 10), (10, 5), (0, 0), (-1, -2)])
def test_create_criterion_with_max_not_above_min_is_422_naming_max(
    client: TestClient, world: f.World, low: float, high: float
) -> None:
    response = client.post(
        world.url("/criteria"),
        json=CRITERION | {"min_score": low, "max_score": high},
        headers=world.admin.headers,
    )
    assert f.names_field(f.problem(response, 422, "validation"), "max_score")


@pytest.mark.parametrize(
    ("field", "value"), [("max_score", 0), ("min_score", 10), ("min_score", 11)]
)
def test_update_criterion_one_bound_past_the_other_is_422_naming_it(
    client: TestClient, world: f.World, field: str, value: float
) -> None:
    criterion = world.criteria[0]  # 0..10
    url = world.url(f"/criteria/{criterion.id}")
    response = client.patch(url, json={field: value}, headers=world.admin.headers)
    assert f.names_field(f.problem(response, 422, "validation"), field)
    body = client.get(url, headers=world.admin.headers).json()
    assert (body["min_score"], body["max_score"]) == (0.0, 10.0)


def test_update_criterion_both_bounds_is_200(client: TestClient, world: f.World) -> None:
    url = world.url(f"/criteria/{world.criteria[0].id}")
    response = client.patch(
        url, json={"min_score": 20, "max_score": 30}, headers=world.admin.headers
    )
    assert response.status_code == 200, response.text
    assert (response.json()["min_score"], response.json()["max_score"]) == (20.0, 30.0)


@pytest.mark.parametrize("field", ["code", "name", "weight", "min_score", "max_score"])
def test_update_criterion_with_null_required_field_is_422(
    client: TestClient, world: f.World, field: str
) -> None:
    url = world.url(f"/criteria/{world.criteria[0].id}")
    f.problem(client.patch(url, json={field: None}, headers=world.admin.headers), 422, "validation")


@pytest.mark.usefixtures("past_draft")
def test_change_criteria_outside_draft_is_409(client: TestClient, world: f.World) -> None:
    headers = world.admin.headers
    url = world.url(f"/criteria/{world.criteria[0].id}")
    f.problem(
        client.post(world.url("/criteria"), json=CRITERION, headers=headers),
        409,
        "convention-state",
    )
    f.problem(client.patch(url, json={"weight": 9}, headers=headers), 409, "convention-state")
    f.problem(client.delete(url, headers=headers), 409, "convention-state")
    body = client.get(url, headers=headers).json()
    assert body["weight"] == 3.0
    assert client.get(world.url("/criteria"), headers=headers).json()["total"] == 2


# --- panels -----------------------------------------------------------------------------------


def test_create_panel_answers_201_with_default_weight(
    client: TestClient, session: Session, world: f.World
) -> None:
    body = f.create(client, world, "/panels", {"name": "LAN RI"})
    assert body == {"id": body["id"], "convention_id": world.cid, "name": "LAN RI", "weight": 1.0}
    assert session.get(Panel, body["id"]) is not None


def test_update_panel_changes_name_and_weight(client: TestClient, world: f.World) -> None:
    url = world.url(f"/panels/{world.panels[0].id}")
    response = client.patch(
        url, json={"name": "KemenPAN-RB", "weight": 2}, headers=world.admin.headers
    )
    assert response.status_code == 200, response.text
    assert (response.json()["name"], response.json()["weight"]) == ("KemenPAN-RB", 2.0)
    assert client.get(url, headers=world.admin.headers).json() == response.json()


def test_create_panel_with_taken_name_is_409(client: TestClient, world: f.World) -> None:
    response = client.post(world.url("/panels"), json={"name": "K"}, headers=world.admin.headers)
    f.problem(response, 409, "duplicate")


def test_update_panel_to_taken_name_is_409(client: TestClient, world: f.World) -> None:
    url = world.url(f"/panels/{world.panels[1].id}")
    f.problem(client.patch(url, json={"name": "K"}, headers=world.admin.headers), 409, "duplicate")
    assert client.get(url, headers=world.admin.headers).json()["name"] == "L"


def test_create_panel_with_name_of_other_convention_is_201(
    client: TestClient, session: Session, world: f.World
) -> None:
    f.make_panel(session, f.make_convention(session), name="LAN")
    response = client.post(world.url("/panels"), json={"name": "LAN"}, headers=world.admin.headers)
    assert response.status_code == 201, response.text


@pytest.mark.usefixtures("past_draft")
def test_change_panels_outside_draft_is_409(
    client: TestClient, session: Session, world: f.World
) -> None:
    empty = f.make_panel(session, world.convention)
    headers = world.admin.headers
    url = world.url(f"/panels/{empty.id}")
    f.problem(
        client.post(world.url("/panels"), json={"name": "N"}, headers=headers),
        409,
        "convention-state",
    )
    f.problem(client.patch(url, json={"weight": 3}, headers=headers), 409, "convention-state")
    f.problem(client.delete(url, headers=headers), 409, "convention-state")
    assert client.get(url, headers=headers).json()["weight"] == 1.0


# --- ids of another convention ------------------------------------------------------------


@pytest.mark.parametrize("collection", ["criteria", "panels"])
def test_use_id_of_other_convention_in_path_is_404(
    client: TestClient, session: Session, world: f.World, collection: str
) -> None:
    other = f.make_world(session, f.SECRET)
    item = (other.criteria if collection == "criteria" else other.panels)[1]
    url = world.url(f"/{collection}/{item.id}")
    headers = world.admin.headers
    f.problem(client.get(url, headers=headers), 404, "not-found")
    f.problem(client.patch(url, json={"name": "Z"}, headers=headers), 404, "not-found")
    f.problem(client.delete(url, headers=headers), 404, "not-found")
    assert client.get(other.url(f"/{collection}/{item.id}"), headers=headers).json()["name"] != "Z"
