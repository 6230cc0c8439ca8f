"""Pagination: every list route takes ?limit= (1..500, default 50) and ?offset=, by id."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.config import Settings
from app.main import create_app
from tests.app import factories as f
from tests.app.conftest import SECRET
from tests.app.routes import Endpoint, endpoints
from tests.app.test_roles import fill

LIST_ENDPOINTS = [
    e
    for e in endpoints(create_app(Settings(secret_key=SECRET, database_url="sqlite://")))
    if e.is_list
]
LISTS = [pytest.param(e, id=str(e)) for e in LIST_ENDPOINTS]
BAD_PAGING = ["limit=0", "limit=501", "limit=-1", "limit=x", "limit=1.5", "offset=-1", "offset=x"]


def caller(endpoint: Endpoint, world: f.World) -> f.Login:
    return world.jurors[0] if endpoint.access == "juror" else world.admin


def test_list_routes_include_the_foundation_lists() -> None:
    paths = {e.path for e in LIST_ENDPOINTS}
    for collection in ("criteria", "panels", "opds", "entries", "jurors"):
        assert f"/api/v1/conventions/{{cid}}/{collection}" in paths
    assert "/api/v1/conventions" in paths


@pytest.mark.parametrize("endpoint", LISTS)
def test_list_without_paging_uses_limit_50_offset_0(
    client: TestClient, world: f.World, endpoint: Endpoint
) -> None:
    response = client.get(fill(endpoint, world), headers=caller(endpoint, world).headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert {"items", "total", "limit", "offset"} <= set(body)
    assert (body["limit"], body["offset"]) == (50, 0)
    assert len(body["items"]) == min(body["total"], 50)


@pytest.mark.parametrize("endpoint", LISTS)
def test_list_with_bad_paging_is_422_naming_it(
    client: TestClient, world: f.World, endpoint: Endpoint
) -> None:
    for query in BAD_PAGING:
        url = f"{fill(endpoint, world)}?{query}"
        response = client.get(url, headers=caller(endpoint, world).headers)
        body = f.problem(response, 422, "validation")
        name = query.split("=")[0]
        assert ["query", name] in [error["loc"] for error in body["errors"]], (query, body)


@pytest.mark.parametrize("endpoint", LISTS)
def test_list_with_limit_at_bounds_is_200(
    client: TestClient, world: f.World, endpoint: Endpoint
) -> None:
    for limit in (1, 500):
        response = client.get(
            f"{fill(endpoint, world)}?limit={limit}&offset=0",
            headers=caller(endpoint, world).headers,
        )
        assert response.status_code == 200, response.text
        assert response.json()["limit"] == limit
        assert len(response.json()["items"]) <= limit


# --- values and order, on the lists with factories ------------------------------------------

Maker = Callable[[Session, f.World], Any]

MAKERS: dict[str, Maker] = {
    "": lambda s, _w: f.make_convention(s),
    "/criteria": lambda s, w: f.make_criterion(s, w.convention),
    "/panels": lambda s, w: f.make_panel(s, w.convention),
    "/opds": lambda s, w: f.make_opd(s, w.convention),
    "/entries": lambda s, w: f.make_entry(s, w.convention, w.opds[0]),
    "/jurors": lambda s, w: f.make_juror(s, w.convention, w.panels[0]),
}


def list_url(world: f.World, collection: str) -> str:
    return "/api/v1/conventions" if collection == "" else world.url(collection)


@pytest.mark.parametrize("collection", list(MAKERS))
def test_list_pages_through_all_items_by_id(
    client: TestClient, session: Session, world: f.World, collection: str
) -> None:
    for _ in range(55):
        MAKERS[collection](session, world)
    headers = world.admin.headers
    first = client.get(list_url(world, collection), headers=headers).json()
    total = first["total"]
    assert total >= 55
    assert len(first["items"]) == 50
    seen: list[int] = []
    for offset in range(0, total, 7):
        page = client.get(f"{list_url(world, collection)}?limit=7&offset={offset}", headers=headers)
        body = page.json()
        assert (body["total"], body["limit"], body["offset"]) == (total, 7, offset)
        seen += [item["id"] for item in body["items"]]
    assert seen == sorted(seen)
    assert len(seen) == len(set(seen)) == total
    assert [item["id"] for item in first["items"]] == seen[:50]


@pytest.mark.parametrize("collection", list(MAKERS))
def test_list_with_offset_past_end_is_empty(
    client: TestClient, world: f.World, collection: str
) -> None:
    response = client.get(f"{list_url(world, collection)}?offset=1000", headers=world.admin.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["items"] == []
    assert body["offset"] == 1000
    assert body["total"] >= 1


@pytest.mark.parametrize("collection", list(MAKERS))
def test_list_counts_only_own_convention(
    client: TestClient, session: Session, world: f.World, collection: str
) -> None:
    before = client.get(list_url(world, collection), headers=world.admin.headers).json()["total"]
    other = f.make_world(session, SECRET)
    for _ in range(2):
        MAKERS[collection](session, other)
    after = client.get(list_url(world, collection), headers=world.admin.headers).json()
    expected = before + 3 if collection == "" else before  # conventions: other world's and 2 more
    assert after["total"] == expected
    if collection:
        assert {item["convention_id"] for item in after["items"]} == {world.cid}
