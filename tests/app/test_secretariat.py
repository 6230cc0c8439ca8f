"""The ``secretariat`` role: the admin's rights on the conventions of its ``convention_ids``,
nothing on any other (404, as if unknown), and no convention or account creation.

The route-role test (tests/app/test_roles.py) checks every route; these check the answers."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AccountConvention
from tests.app import factories as f
from tests.app.conftest import SECRET


def test_read_me_as_secretariat_names_its_conventions(client: TestClient, session: Session) -> None:
    first, second = f.make_convention(session), f.make_convention(session)
    secretariat = f.login(f.make_secretariat(session, [second, first]), SECRET)
    assert f.read_me(client, secretariat, "secretariat") == {
        "convention_id": None,
        "panel_id": None,
        "convention_ids": sorted([first.id, second.id]),
    }


def test_list_conventions_as_secretariat_answers_only_its_own(
    client: TestClient, session: Session, admin: f.Login
) -> None:
    conventions = [f.make_convention(session) for _ in range(4)]
    secretariat = f.login(f.make_secretariat(session, [conventions[3], conventions[1]]), SECRET)
    mine = [conventions[1].id, conventions[3].id]
    response = client.get("/api/v1/conventions", headers=secretariat.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [item["id"] for item in body["items"]] == mine
    assert (body["total"], body["limit"], body["offset"]) == (2, 50, 0)
    second_page = client.get(
        "/api/v1/conventions", params={"limit": 1, "offset": 1}, headers=secretariat.headers
    ).json()
    assert [item["id"] for item in second_page["items"]] == mine[1:]
    assert second_page["total"] == 2
    everything = client.get("/api/v1/conventions", params={"limit": 500}, headers=admin.headers)
    assert {c.id for c in conventions} <= {item["id"] for item in everything.json()["items"]}


def test_list_conventions_as_secretariat_without_any_is_empty(
    client: TestClient, session: Session
) -> None:
    f.make_convention(session)
    secretariat = f.login(f.make_secretariat(session, []), SECRET)
    response = client.get("/api/v1/conventions", headers=secretariat.headers)
    assert response.status_code == 200, response.text
    assert response.json() == {"items": [], "total": 0, "limit": 50, "offset": 0}


def test_create_convention_as_secretariat_is_403_and_creates_nothing(
    client: TestClient, session: Session, world: f.World
) -> None:
    secretariat = f.login(f.make_secretariat(session, [world.convention]), SECRET)
    response = client.post(
        "/api/v1/conventions",
        json={"name": "Konvensi Lain", "year": 2019},
        headers=secretariat.headers,
    )
    f.problem(response, 403, "forbidden")
    names = client.get("/api/v1/conventions", params={"limit": 500}, headers=world.admin.headers)
    assert "Konvensi Lain" not in {item["name"] for item in names.json()["items"]}


def test_other_convention_is_404_as_an_unknown_one_is(
    client: TestClient, session: Session, world: f.World
) -> None:
    other = f.make_convention(session)
    secretariat = f.login(f.make_secretariat(session, [world.convention]), SECRET)
    unknown_id = other.id + 1000
    for cid in (other.id, unknown_id):
        for path in ("", "/entries", "/jurors", "/ranking"):
            response = client.get(f"/api/v1/conventions/{cid}{path}", headers=secretariat.headers)
            body = f.problem(response, 404, "not-found")
            assert body == {
                "type": "/problems/not-found",
                "title": "Not found",
                "status": 404,
                "detail": f"Convention {cid} not found.",
            }


def test_secretariat_writes_its_convention_as_an_admin_does(
    client: TestClient, session: Session, world: f.World
) -> None:
    secretariat = f.login(f.make_secretariat(session, [world.convention]), SECRET)
    response = client.post(
        world.url("/opds"),
        json={"code": "DISDIK", "name": "Dinas Pendidikan"},
        headers=secretariat.headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["convention_id"] == world.cid
    audit = client.get(world.url("/audit"), params={"limit": 500}, headers=world.admin.headers)
    made = [e for e in audit.json()["items"] if e["action"] == "opd.create"]
    assert made[-1]["actor_username"] == secretariat.account.username


def test_secretariat_reads_innovators_nip_as_an_admin_does(
    client: TestClient, session: Session, world: f.World
) -> None:
    secretariat = f.login(f.make_secretariat(session, [world.convention]), SECRET)
    entry = world.entries[0]
    body = client.get(world.url(f"/entries/{entry.id}"), headers=secretariat.headers).json()
    assert body["innovators"][0]["nip"] == "198001012005012001"
    juror_view = client.get(world.url(f"/entries/{entry.id}"), headers=world.jurors[0].headers)
    assert "nip" not in juror_view.json()["innovators"][0]


def test_secretariat_writing_a_sheet_is_403_on_its_convention_and_404_on_another(
    client: TestClient, session: Session, world: f.World
) -> None:
    f.set_status(session, world.convention, "judging")
    other = f.make_convention(session, status="judging")
    secretariat = f.login(f.make_secretariat(session, [world.convention]), SECRET)
    entry = world.entries[0]
    mine = client.put(
        world.url(f"/jurors/me/sheets/{entry.id}"), json={"scores": {}}, headers=secretariat.headers
    )
    f.problem(mine, 403, "forbidden")
    theirs = client.put(
        f"/api/v1/conventions/{other.id}/jurors/me/sheets/{entry.id}",
        json={"scores": {}},
        headers=secretariat.headers,
    )
    assert f.problem(theirs, 404, "not-found")["detail"] == f"Convention {other.id} not found."


def test_deleting_a_convention_removes_it_from_the_secretariats(
    client: TestClient, session: Session, admin: f.Login
) -> None:
    kept, gone = f.make_convention(session), f.make_convention(session)
    secretariat = f.login(f.make_secretariat(session, [kept, gone]), SECRET)
    response = client.delete(f"/api/v1/conventions/{gone.id}", headers=admin.headers)
    assert response.status_code == 204, response.text
    me = client.get("/api/v1/me", headers=secretariat.headers).json()
    assert me["convention_ids"] == [kept.id]
    rows = session.scalars(
        select(AccountConvention.convention_id).where(
            AccountConvention.account_id == secretariat.id
        )
    ).all()
    assert rows == [kept.id]
