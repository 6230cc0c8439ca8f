"""Entries: CRUD with innovators, references, NIP, what a juror sees, deletion in use."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Assignment, Entry, Innovator, Recusal
from tests.app import factories as f

NIP = f.NIP


def test_create_entry_answers_201_with_innovators(
    client: TestClient, session: Session, world: f.World
) -> None:
    body = f.create(client, world, "/entries", f.entry_body(world))
    assert {k: body[k] for k in ("convention_id", "opd_id", "title", "acronym", "category")} == {
        "convention_id": world.cid,
        "opd_id": world.opds[1].id,
        "title": "Lahir Pulang OK",
        "acronym": "LANGKOK",
        "category": "proses",
    }
    assert body["innovators"] == [
        {"name": "Rina Marlina", "nip": NIP},
        {"name": "Tim Dukcapil", "nip": None},
    ]
    rows = session.scalars(
        select(Innovator).where(Innovator.entry_id == body["id"]).order_by(Innovator.position)
    ).all()
    assert [(r.position, r.name, r.nip) for r in rows] == [
        (0, "Rina Marlina", NIP),
        (1, "Tim Dukcapil", None),
    ]


def test_create_entry_with_only_required_fields_has_defaults(
    client: TestClient, world: f.World
) -> None:
    data = {"title": "T", "opd_id": world.opds[0].id, "category": "sdm"}
    response = client.post(world.url("/entries"), json=data, headers=world.admin.headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["acronym"], body["summary"], body["innovators"]) == (None, None, [])


@pytest.mark.parametrize(
    "category", ["teknologi", "produk", "proses", "sdm", "metode", "konseptual", "hubungan"]
)
def test_create_entry_in_each_category_is_201(
    client: TestClient, world: f.World, category: str
) -> None:
    response = client.post(
        world.url("/entries"),
        json=f.entry_body(world, category=category),
        headers=world.admin.headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["category"] == category


@pytest.mark.parametrize(
    "nip",
    [
        "19800101200501200",
        "1980010120050120011",
        "19800101200501200A",
        "198001012005 01200",
        "",
        198001012005012001,
        "١٩٨٠٠١٠١٢٠٠٥٠١٢٠٠١",
    ],
)
def test_create_entry_with_bad_nip_is_422_naming_it(
    client: TestClient, world: f.World, nip: Any
) -> None:
    innovators = [{"name": "A"}, {"name": "B", "nip": nip}]
    response = client.post(
        world.url("/entries"),
        json=f.entry_body(world, innovators=innovators),
        headers=world.admin.headers,
    )
    assert f.names_field(f.problem(response, 422, "validation"), "innovators", 1, "nip")


@pytest.mark.parametrize("opd_id", [999_999, 0, -1, 2**31, 2**63])
def test_create_entry_with_unknown_opd_is_422_naming_it(
    client: TestClient, world: f.World, opd_id: int
) -> None:
    response = client.post(
        world.url("/entries"), json=f.entry_body(world, opd_id=opd_id), headers=world.admin.headers
    )
    assert f.names_field(f.problem(response, 422, "validation"), "opd_id")


def test_create_entry_with_opd_of_other_convention_is_422(
    client: TestClient, session: Session, world: f.World
) -> None:
    foreign = f.make_opd(session, f.make_convention(session))
    response = client.post(
        world.url("/entries"),
        json=f.entry_body(world, opd_id=foreign.id),
        headers=world.admin.headers,
    )
    assert f.names_field(f.problem(response, 422, "validation"), "opd_id")
    assert session.scalars(select(Entry).where(Entry.opd_id == foreign.id)).first() is None


def test_update_entry_replaces_innovators(
    client: TestClient, session: Session, world: f.World
) -> None:
    entry = world.entries[0]
    url = world.url(f"/entries/{entry.id}")
    response = client.patch(
        url,
        json={"title": "FASTREN 2", "innovators": [{"name": "Baru", "nip": NIP}], "acronym": None},
        headers=world.admin.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["title"], body["acronym"]) == ("FASTREN 2", None)
    assert body["innovators"] == [{"name": "Baru", "nip": NIP}]
    session.expire_all()  # the row is updated in place (its id, and its piagam, stay)
    rows = session.scalars(select(Innovator).where(Innovator.entry_id == entry.id)).all()
    assert [(r.name, r.position) for r in rows] == [("Baru", 0)]
    assert client.get(url, headers=world.admin.headers).json() == body


def test_update_entry_without_innovators_keeps_them(client: TestClient, world: f.World) -> None:
    url = world.url(f"/entries/{world.entries[0].id}")
    before = client.get(url, headers=world.admin.headers).json()["innovators"]
    response = client.patch(url, json={"summary": "baru"}, headers=world.admin.headers)
    assert response.status_code == 200, response.text
    assert response.json()["innovators"] == before != []


def test_update_entry_with_empty_innovators_clears_them(client: TestClient, world: f.World) -> None:
    url = world.url(f"/entries/{world.entries[0].id}")
    response = client.patch(url, json={"innovators": []}, headers=world.admin.headers)
    assert response.status_code == 200, response.text
    assert response.json()["innovators"] == []


def test_update_entry_opd_in_draft_is_200(client: TestClient, world: f.World) -> None:
    url = world.url(f"/entries/{world.entries[0].id}")
    response = client.patch(url, json={"opd_id": world.opds[1].id}, headers=world.admin.headers)
    assert response.status_code == 200, response.text
    assert client.get(url, headers=world.admin.headers).json()["opd_id"] == world.opds[1].id


@pytest.mark.usefixtures("past_draft")
def test_update_entry_outside_draft_keeps_its_opd_and_changes_the_rest(
    client: TestClient, world: f.World
) -> None:
    url = world.url(f"/entries/{world.entries[0].id}")
    moved = client.patch(
        url, json={"opd_id": world.opds[1].id, "title": "Z"}, headers=world.admin.headers
    )
    f.problem(moved, 409, "convention-state")
    body = client.get(url, headers=world.admin.headers).json()
    assert (body["opd_id"], body["title"]) == (world.opds[0].id, "FASTREN")
    kept = client.patch(
        url, json={"opd_id": world.opds[0].id, "title": "Z"}, headers=world.admin.headers
    )
    assert kept.status_code == 200, kept.text
    assert kept.json()["title"] == "Z"


def test_update_entry_to_unknown_opd_is_422(
    client: TestClient, session: Session, world: f.World
) -> None:
    foreign = f.make_opd(session, f.make_convention(session))
    url = world.url(f"/entries/{world.entries[0].id}")
    for opd_id in (foreign.id, 999_999):
        response = client.patch(url, json={"opd_id": opd_id}, headers=world.admin.headers)
        assert f.names_field(f.problem(response, 422, "validation"), "opd_id")


@pytest.mark.parametrize("field", ["title", "opd_id", "category", "innovators"])
def test_update_entry_with_null_required_field_is_422(
    client: TestClient, world: f.World, field: str
) -> None:
    url = world.url(f"/entries/{world.entries[0].id}")
    f.problem(client.patch(url, json={field: None}, headers=world.admin.headers), 422, "validation")


def test_delete_unused_entry_is_204_then_404(
    client: TestClient, session: Session, world: f.World
) -> None:
    entry = world.entries[2]
    url = world.url(f"/entries/{entry.id}")
    f.assert_deleted(client, url, world.admin)
    session.expunge_all()
    assert session.scalars(select(Innovator).where(Innovator.entry_id == entry.id)).first() is None


@pytest.mark.parametrize("reference", ["sheet", "assignment", "recusal"])
def test_delete_entry_in_use_is_409_and_keeps_it(
    client: TestClient, session: Session, world: f.World, reference: str
) -> None:
    entry = world.entries[0]
    juror = world.jurors[0].account
    if reference == "sheet":
        f.make_sheet(session, juror, entry, {"A": 5}, status="draft")
    elif reference == "assignment":
        session.add(Assignment(juror_id=juror.id, entry_id=entry.id, convention_id=world.cid))
        session.commit()
    else:
        session.add(Recusal(juror_id=juror.id, entry_id=entry.id))
        session.commit()
    url = world.url(f"/entries/{entry.id}")
    f.assert_kept_in_use(client, url, world.admin)


# --- what a juror sees --------------------------------------------------------------------


def test_read_entry_as_juror_hides_nip(client: TestClient, world: f.World) -> None:
    url = world.url(f"/entries/{world.entries[0].id}")
    response = client.get(url, headers=world.jurors[0].headers)
    assert response.status_code == 200, response.text
    assert response.json()["innovators"] == [{"name": world.entries[0].innovators[0].name}]
    assert "nip" not in response.text
    assert NIP not in response.text


def test_list_entries_as_juror_hides_nip(client: TestClient, world: f.World) -> None:
    response = client.get(world.url("/entries"), headers=world.jurors[0].headers)
    assert response.status_code == 200, response.text
    assert len(response.json()["items"]) == 3
    assert all(item["innovators"] for item in response.json()["items"])
    assert "nip" not in response.text
    assert NIP not in response.text


def test_read_entry_as_admin_shows_nip(client: TestClient, world: f.World) -> None:
    url = world.url(f"/entries/{world.entries[0].id}")
    response = client.get(url, headers=world.admin.headers)
    assert response.json()["innovators"] == [
        {"name": world.entries[0].innovators[0].name, "nip": NIP}
    ]
    listed = client.get(world.url("/entries"), headers=world.admin.headers).json()["items"]
    assert listed[0]["innovators"][0]["nip"] == NIP


def test_list_entries_as_juror_with_no_innovators_has_no_nip_key(
    client: TestClient, session: Session, world: f.World
) -> None:
    f.make_entry(session, world.convention, world.opds[0], innovators=[])
    response = client.get(world.url("/entries"), headers=world.jurors[0].headers)
    assert "nip" not in response.text


def test_list_entries_filters_by_opd_and_category(
    client: TestClient, session: Session, world: f.World
) -> None:
    f.make_entry(session, world.convention, world.opds[1], category="sdm")
    headers = world.admin.headers
    by_opd = client.get(world.url(f"/entries?opd_id={world.opds[0].id}"), headers=headers).json()
    assert [e["id"] for e in by_opd["items"]] == [world.entries[0].id, world.entries[2].id]
    by_category = client.get(world.url("/entries?category=sdm"), headers=headers).json()
    assert by_category["total"] == 1
    f.problem(client.get(world.url("/entries?category=bogus"), headers=headers), 422, "validation")


def test_use_entry_of_other_convention_in_path_is_404(
    client: TestClient, session: Session, world: f.World
) -> None:
    other = f.make_world(session, f.SECRET)
    entry = other.entries[2]
    url = world.url(f"/entries/{entry.id}")
    headers = world.admin.headers
    f.problem(client.get(url, headers=headers), 404, "not-found")
    f.problem(client.patch(url, json={"title": "Z"}, headers=headers), 404, "not-found")
    f.problem(client.delete(url, headers=headers), 404, "not-found")
    assert client.get(other.url(f"/entries/{entry.id}"), headers=headers).json()["title"] == "Tiga"


def test_update_entry_corrects_innovators_in_place_by_position(
    client: TestClient, session: Session, world: f.World
) -> None:
    entry = world.entries[0]
    url = world.url(f"/entries/{entry.id}")
    first = session.scalars(select(Innovator.id).where(Innovator.entry_id == entry.id)).one()
    grown = client.patch(
        url,
        json={"innovators": [{"name": "Rina M."}, {"name": "Dua"}]},
        headers=world.admin.headers,
    )
    assert grown.status_code == 200, grown.text
    session.expire_all()
    rows = session.execute(
        select(Innovator.id, Innovator.name, Innovator.position)
        .where(Innovator.entry_id == entry.id)
        .order_by(Innovator.position)
    ).all()
    assert [(r.name, r.position) for r in rows] == [("Rina M.", 0), ("Dua", 1)]
    assert rows[0].id == first  # corrected, not replaced
    shrunk = client.patch(url, json={"innovators": [{"name": "Rina"}]}, headers=world.admin.headers)
    assert shrunk.json()["innovators"] == [{"name": "Rina", "nip": None}]
    session.expire_all()
    assert session.execute(
        select(Innovator.id, Innovator.name).where(Innovator.entry_id == entry.id)
    ).all() == [(first, "Rina")]
