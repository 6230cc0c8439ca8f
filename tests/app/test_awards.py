"""Awards, certificates and rewards from published results."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import AuditEvent, Certificate, Innovator
from app.services.certificates import letter_number, new_code
from tests.app import factories as f


def audited(session: Session, action: str) -> int:
    """How many times the audit log holds ``action``."""
    stmt = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    return int(session.scalar(stmt) or 0)


def published(
    client: TestClient,
    session: Session,
    w: f.World,
    *,
    top_n: int = 1,
    award_names: list[str] | None = None,
) -> dict[str, Any]:
    """Entry 0 first (two innovators), entry 1 second, entry 2 without sheets (unranked)."""
    w.convention.top_n = top_n
    if award_names is not None:
        w.convention.award_names = award_names
    session.commit()
    e0, e1, _e2 = w.entries
    e0.innovators[0].name = "Rina"
    e0.innovators.append(Innovator(position=1, name="Budi", nip="198001012005012002"))
    session.commit()
    for juror in w.jurors:
        f.make_sheet(session, juror.account, e0, {"A": 9, "B": 9})
        f.make_sheet(session, juror.account, e1, {"A": 5, "B": 5})
    f.set_status(session, w.convention, "closed")
    response = client.post(
        w.url("/results"), json={"allow_incomplete": True}, headers=w.admin.headers
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def certified(client: TestClient, session: Session, w: f.World) -> list[dict[str, Any]]:
    """``published``, then awards issued: the certificates of entry 0's OPD, Rina and Budi
    (winners) and of entry 1's innovator (taking part), in number order."""
    published(client, session, w)
    response = client.post(w.url("/awards"), headers=w.admin.headers)
    assert response.status_code == 201, response.text
    certs: list[dict[str, Any]] = response.json()["certificates"]
    return certs


def first_juror_certificate(client: TestClient, w: f.World) -> dict[str, Any]:
    """The jurors' certificates issued; the first of them."""
    response = client.post(w.url("/certificates/jurors"), headers=w.admin.headers)
    assert response.status_code == 201, response.text
    listed = client.get(w.url("/certificates?kind=juror&limit=1"), headers=w.admin.headers)
    first: dict[str, Any] = listed.json()["items"][0]
    return first


def test_issue_awards_and_certificates(
    client: TestClient, world: f.World, session: Session
) -> None:
    published(client, session, world)
    response = client.post(world.url("/awards"), headers=world.admin.headers)
    assert response.status_code == 201, response.text
    body = response.json()
    e0, e1, _e2 = world.entries
    assert [(a["entry_id"], a["rank"], a["name"]) for a in body["awards"]] == [
        (e0.id, 1, "Juara I")
    ]
    assert body["awards"][0]["innovators"] == ["Rina", "Budi"]
    certs = body["certificates"]
    assert [
        (c["kind"], c["recipient_type"], c["recipient_name"], c["entry_id"], c["rank"])
        for c in certs
    ] == [
        ("winner", "opd", world.opds[0].name, e0.id, 1),
        ("winner", "innovator", "Rina", e0.id, 1),
        ("winner", "innovator", "Budi", e0.id, 1),
        ("participant", "innovator", e1.innovators[0].name, e1.id, 2),
    ]
    now = datetime.now(UTC)
    for seq, cert in enumerate(certs, start=1):
        assert cert["number"] == letter_number(seq, "KIP-SLK", now)
        assert re.fullmatch(r"[A-Z2-7]{16}", cert["code"])
    assert len({c["code"] for c in certs}) == 4
    assert body["issued_awards"] == 1
    assert body["issued_certificates"] == 4
    assert response.headers["location"] == f"/api/v1/conventions/{world.cid}/awards"


def test_issue_awards_twice_issues_nothing_twice(
    client: TestClient, world: f.World, session: Session
) -> None:
    published(client, session, world)
    first = client.post(world.url("/awards"), headers=world.admin.headers).json()
    again = client.post(world.url("/awards"), headers=world.admin.headers)
    assert again.status_code == 200
    assert again.json()["issued_awards"] == 0
    assert again.json()["issued_certificates"] == 0
    assert again.json()["certificates"] == first["certificates"]
    assert session.scalar(select(func.count()).select_from(Certificate)) == 4


def test_issue_awards_before_results_is_409(client: TestClient, world: f.World) -> None:
    response = client.post(world.url("/awards"), headers=world.admin.headers)
    f.problem(response, 409, "convention-state")


def test_award_names_past_the_list_are_top_n(
    client: TestClient, world: f.World, session: Session
) -> None:
    published(client, session, world, top_n=2, award_names=["Terbaik"])
    body = client.post(world.url("/awards"), headers=world.admin.headers).json()
    assert [a["name"] for a in body["awards"]] == ["Terbaik", "Top 2"]
    assert {c["kind"] for c in body["certificates"]} == {"winner"}


def test_letter_number_uses_jakarta_month_in_roman() -> None:
    # 30 April 2018, 20:00 UTC is already 1 May in Jakarta (UTC+7).
    assert (
        letter_number(1, "KIP-SLK", datetime(2018, 4, 30, 20, tzinfo=UTC)) == "001/KIP-SLK/V/2018"
    )
    assert (
        letter_number(12, "KIP-SLK", datetime(2018, 12, 31, 18, tzinfo=UTC)) == "012/KIP-SLK/I/2019"
    )
    assert letter_number(1234, "X", datetime(2018, 9, 1, tzinfo=UTC)) == "1234/X/IX/2018"


def test_codes_are_random_base32_of_80_bits() -> None:
    codes = {new_code() for _ in range(1000)}
    assert len(codes) == 1000
    assert all(re.fullmatch(r"[A-Z2-7]{16}", c) for c in codes)


def test_public_verification_shows_no_nip(
    client: TestClient, world: f.World, session: Session
) -> None:
    published(client, session, world)
    certs = client.post(world.url("/awards"), headers=world.admin.headers).json()["certificates"]
    response = client.get(f"/api/v1/certificates/{certs[1]['code']}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["recipient_name"] == "Rina"
    assert body["status"] == "valid"
    assert body["convention"] == {"id": world.cid, "name": world.convention.name, "year": 2018}
    assert body["convention_name"] == world.convention.name
    assert body["convention_year"] == 2018
    assert "198001012005012001" not in response.text
    assert "nip" not in response.text
    lower = client.get(f"/api/v1/certificates/{certs[1]['code'].lower()}")
    assert lower.json()["number"] == certs[1]["number"]
    f.problem(client.get("/api/v1/certificates/AAAAAAAAAAAAAAAA"), 404, "not-found")


def test_revoke_keeps_record_and_verification_says_revoked(
    client: TestClient, world: f.World, session: Session
) -> None:
    published(client, session, world)
    cert = client.post(world.url("/awards"), headers=world.admin.headers).json()["certificates"][0]
    url = world.url(f"/certificates/{cert['id']}/revoke")
    f.problem(
        client.post(url, json={"reason": "x"}, headers=world.jurors[0].headers), 403, "forbidden"
    )
    f.problem(client.post(url, json={}, headers=world.admin.headers), 422, "validation")
    response = client.post(url, json={"reason": "Data salah"}, headers=world.admin.headers)
    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    assert response.json()["revoked_reason"] == "Data salah"
    public = client.get(f"/api/v1/certificates/{cert['code']}").json()
    assert public["status"] == "revoked"
    assert public["revoked_reason"] == "Data salah"
    listed = client.get(world.url("/certificates"), headers=world.admin.headers).json()
    assert listed["total"] == 4
    assert audited(session, "certificate.revoke") == 1


def test_list_certificates_filters(client: TestClient, world: f.World, session: Session) -> None:
    published(client, session, world)
    client.post(world.url("/awards"), headers=world.admin.headers)
    opd = client.get(
        world.url("/certificates?recipient_type=opd"), headers=world.admin.headers
    ).json()
    assert [c["kind"] for c in opd["items"]] == ["winner"]
    participants = client.get(
        world.url("/certificates?kind=participant"), headers=world.admin.headers
    ).json()
    assert participants["total"] == 1
    bad = client.get(world.url("/certificates?kind=gold"), headers=world.admin.headers)
    f.problem(bad, 422, "validation")


def test_juror_certificates_on_request(
    client: TestClient, world: f.World, session: Session
) -> None:
    """From final results only, as every certificate (409 before, nothing issued)."""
    early = client.post(world.url("/certificates/jurors"), headers=world.admin.headers)
    body = f.problem(early, 409, "convention-state")
    assert (
        body["detail"] == "Results are not published yet; publish them before issuing certificates."
    )
    none = client.get(world.url("/certificates"), headers=world.admin.headers).json()
    assert none["total"] == 0
    published(client, session, world)
    first = client.post(world.url("/certificates/jurors"), headers=world.admin.headers)
    assert first.status_code == 201
    assert first.json() == {"issued_certificates": 3}
    again = client.post(world.url("/certificates/jurors"), headers=world.admin.headers)
    assert again.status_code == 200
    assert again.json() == {"issued_certificates": 0}
    listed = client.get(world.url("/certificates?kind=juror"), headers=world.admin.headers)
    assert [c["recipient_type"] for c in listed.json()["items"]] == ["juror"] * 3


@pytest.fixture
def award_id(client: TestClient, world: f.World, session: Session) -> int:
    published(client, session, world)
    body = client.post(world.url("/awards"), headers=world.admin.headers).json()
    return int(body["awards"][0]["id"])


def test_rewards_lifecycle(
    client: TestClient, world: f.World, award_id: int, session: Session
) -> None:
    cash = {
        "award_id": award_id,
        "recipient_type": "opd",
        "recipient_name": "BAPPEDA",
        "kind": "cash",
        "amount_idr": 10_000_000,
        "description": "Uang pembinaan",
    }
    reward = f.create(client, world, "/rewards", cash)
    assert (reward["status"], reward["amount_idr"], reward["delivered_at"]) == (
        "planned",
        10_000_000,
        None,
    )
    plaque = {
        "award_id": award_id,
        "recipient_type": "innovator",
        "recipient_name": "Rina",
        "kind": "plaque",
    }
    assert (
        client.post(world.url("/rewards"), json=plaque, headers=world.admin.headers).status_code
        == 201
    )
    delivered = client.patch(
        world.url(f"/rewards/{reward['id']}"),
        json={"status": "delivered"},
        headers=world.admin.headers,
    )
    assert delivered.status_code == 200
    assert delivered.json()["status"] == "delivered"
    assert delivered.json()["delivered_by"] == world.admin.id
    assert delivered.json()["delivered_at"] is not None
    totals = client.get(world.url("/rewards/totals"), headers=world.admin.headers).json()
    assert totals["count"] == 2
    assert totals["amount_idr"] == 10_000_000
    assert totals["by_kind"]["cash"] == {"count": 1, "amount_idr": 10_000_000}
    assert totals["by_status"]["planned"] == {"count": 1, "amount_idr": 0}
    assert audited(session, "reward.deliver") == 1
    f.problem(
        client.delete(world.url(f"/rewards/{reward['id']}"), headers=world.admin.headers),
        409,
        "convention-state",
    )


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"amount_idr": -1}, "amount_idr"),
        ({"amount_idr": 1.5}, "amount_idr"),
        ({"amount_idr": "1000"}, "amount_idr"),
        ({"kind": "voucher"}, "kind"),
        ({"recipient_type": "juror"}, "recipient_type"),
        ({"award_id": 999999}, "award_id"),
    ],
)
def test_reward_bad_input_is_422(
    client: TestClient, world: f.World, award_id: int, change: dict[str, Any], loc: str
) -> None:
    body = {
        "award_id": award_id,
        "recipient_type": "opd",
        "recipient_name": "BAPPEDA",
        "kind": "cash",
        "amount_idr": 1000,
        **change,
    }
    problem = f.problem(
        client.post(world.url("/rewards"), json=body, headers=world.admin.headers),
        422,
        "validation",
    )
    assert any(loc in e["loc"] for e in problem["errors"])


def test_cash_reward_needs_amount(client: TestClient, world: f.World, award_id: int) -> None:
    body = {"award_id": award_id, "recipient_type": "opd", "recipient_name": "X", "kind": "cash"}
    f.problem(
        client.post(world.url("/rewards"), json=body, headers=world.admin.headers),
        422,
        "validation",
    )


@pytest.mark.usefixtures("award_id")
def test_awards_routes_refuse_jurors(client: TestClient, world: f.World) -> None:
    for method, path in (
        ("post", "/awards"),
        ("get", "/awards"),
        ("get", "/certificates"),
        ("post", "/certificates/jurors"),
        ("get", "/rewards"),
        ("get", "/rewards/totals"),
        ("post", "/rewards"),
    ):
        response = getattr(client, method)(world.url(path), headers=world.jurors[0].headers)
        f.problem(response, 403, "forbidden")


def test_first_issue_is_201_even_when_nothing_is_awarded(
    client: TestClient, world: f.World, session: Session
) -> None:
    f.set_status(session, world.convention, "closed")
    published = client.post(
        world.url("/results"), json={"allow_incomplete": True}, headers=world.admin.headers
    )
    assert published.status_code == 201
    first = client.post(world.url("/awards"), headers=world.admin.headers)
    assert first.status_code == 201, first.text
    assert first.json()["awards"] == []
    again = client.post(world.url("/awards"), headers=world.admin.headers)
    assert again.status_code == 200


def test_public_certificate_carries_its_id(
    client: TestClient, world: f.World, session: Session
) -> None:
    published(client, session, world)
    cert = client.post(world.url("/awards"), headers=world.admin.headers).json()["certificates"][0]
    body = client.get(f"/api/v1/certificates/{cert['code']}").json()
    assert body["id"] == cert["id"]
    assert body["number"] == cert["number"]


def test_empty_filters_mean_any(client: TestClient, world: f.World, session: Session) -> None:
    published(client, session, world)
    client.post(world.url("/awards"), headers=world.admin.headers)
    response = client.get(
        world.url("/certificates?kind=&recipient_type=opd"), headers=world.admin.headers
    )
    assert response.status_code == 200, response.text
    assert [c["recipient_type"] for c in response.json()["items"]] == ["opd"]
    both = client.get(
        world.url("/certificates?kind=winner&recipient_type="), headers=world.admin.headers
    )
    assert both.json()["total"] == 3


def test_cash_reward_without_amount_names_the_field(
    client: TestClient, world: f.World, award_id: int
) -> None:
    body = {"award_id": award_id, "recipient_type": "opd", "recipient_name": "X", "kind": "cash"}
    problem = f.problem(
        client.post(world.url("/rewards"), json=body, headers=world.admin.headers),
        422,
        "validation",
    )
    assert problem["errors"] == [
        {"loc": ["body", "amount_idr"], "msg": "required for a cash reward"}
    ]
