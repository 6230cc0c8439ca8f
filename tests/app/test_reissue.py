"""Certificate corrections: a revoked piagam reissued with a new number and code, the names as
they stand now, and every answer and page linking the old one to the new."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AuditEvent
from tests.app import factories as f
from tests.app.test_awards import certified, first_juror_certificate, published
from tests.app.test_logo import png


@pytest.fixture
def issued(client: TestClient, session: Session, world: f.World) -> list[dict[str, Any]]:
    """OPD of entry 0, Rina, Budi (winners, 001 to 003), entry 1's innovator (004)."""
    return certified(client, session, world)


def reissue(client: TestClient, w: f.World, cert_id: int) -> Any:
    return client.post(w.url(f"/certificates/{cert_id}/reissue"), headers=w.admin.headers)


def one(client: TestClient, w: f.World, cert_id: int) -> dict[str, Any]:
    body: dict[str, Any] = client.get(
        w.url(f"/certificates/{cert_id}"), headers=w.admin.headers
    ).json()
    return body


def test_every_certificate_answer_carries_status_and_replaced_by_code(
    client: TestClient, world: f.World, issued: list[dict[str, Any]]
) -> None:
    assert all((c["status"], c["replaced_by_code"]) == ("valid", None) for c in issued)
    assert all(c["replaces_id"] is None for c in issued)
    listed = client.get(world.url("/certificates"), headers=world.admin.headers).json()["items"]
    assert [(c["status"], c["replaced_by_code"]) for c in listed] == [("valid", None)] * 4
    assert one(client, world, issued[0]["id"])["replaced_by_code"] is None
    public = client.get(f"/api/v1/certificates/{issued[0]['code']}").json()
    assert (public["status"], public["replaced_by_code"], public["replaces_id"]) == (
        "valid",
        None,
        None,
    )


def test_a_valid_certificate_is_not_reissued(
    client: TestClient, world: f.World, issued: list[dict[str, Any]]
) -> None:
    problem = f.problem(reissue(client, world, issued[1]["id"]), 409, "convention-state")
    assert "revoke it before reissuing" in problem["detail"]
    listed = client.get(world.url("/certificates"), headers=world.admin.headers).json()
    assert listed["total"] == 4


def test_reissue_gives_a_new_number_and_code_and_links_both_ways(
    client: TestClient, world: f.World, session: Session, issued: list[dict[str, Any]]
) -> None:
    rina = issued[1]
    f.revoke(client, world, rina["id"])
    response = reissue(client, world, rina["id"])
    new = f.created(response, world.url("/certificates"))
    # The next number of the convention (after 004), a new code, the same recipient and award.
    sequence, code, month, year = rina["number"].split("/")
    assert new["number"] == f"005/{code}/{month}/{year}" and sequence == "002"
    assert new["code"] != rina["code"] and len(new["code"]) == 16
    same = ("kind", "recipient_type", "recipient_name", "entry_id", "rank", "award_name")
    assert {k: new[k] for k in same} == {k: rina[k] for k in same}
    assert (new["status"], new["replaces_id"], new["replaced_by_code"]) == (
        "valid",
        rina["id"],
        None,
    )
    old = one(client, world, rina["id"])
    assert (old["status"], old["replaced_by_code"]) == ("revoked", new["code"])
    listed = client.get(world.url("/certificates"), headers=world.admin.headers).json()["items"]
    assert [(c["id"], c["status"], c["replaced_by_code"]) for c in listed] == [
        (issued[0]["id"], "valid", None),
        (rina["id"], "revoked", new["code"]),
        (issued[2]["id"], "valid", None),
        (issued[3]["id"], "valid", None),
        (new["id"], "valid", None),
    ]
    # Anyone holding the old paper learns where the new one is; codes ignore case.
    public_old = client.get(f"/api/v1/certificates/{rina['code'].lower()}").json()
    assert (public_old["status"], public_old["replaced_by_code"]) == ("revoked", new["code"])
    public_new = client.get(f"/api/v1/certificates/{new['code'].lower()}").json()
    assert (public_new["status"], public_new["replaces_id"]) == ("valid", rina["id"])
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "certificate.reissue")
    ).one()
    assert (event.target_id, event.actor_id, event.entry_id) == (
        new["id"],
        world.admin.id,
        rina["entry_id"],
    )
    assert event.before == {"id": rina["id"], "number": rina["number"], "recipient_name": "Rina"}
    assert event.after == {"id": new["id"], "number": new["number"], "recipient_name": "Rina"}


def test_reissue_twice_is_409_and_the_replacement_can_itself_be_replaced(
    client: TestClient, world: f.World, issued: list[dict[str, Any]]
) -> None:
    opd = issued[0]
    f.revoke(client, world, opd["id"])
    first = reissue(client, world, opd["id"]).json()
    problem = f.problem(reissue(client, world, opd["id"]), 409, "convention-state")
    assert first["number"] in problem["detail"]
    f.problem(reissue(client, world, first["id"]), 409, "convention-state")
    f.revoke(client, world, first["id"], "Salah tanggal")
    second = reissue(client, world, first["id"])
    assert second.status_code == 201, second.text
    assert second.json()["replaces_id"] == first["id"]
    assert one(client, world, first["id"])["replaced_by_code"] == second.json()["code"]
    assert one(client, world, opd["id"])["replaced_by_code"] == first["code"]
    numbers = [c["number"][:3] for c in (first, second.json())]
    assert numbers == ["005", "006"]


def test_reissue_prints_the_names_as_they_stand_now(
    client: TestClient, world: f.World, issued: list[dict[str, Any]]
) -> None:
    rina, e0 = issued[1], world.entries[0]
    corrected = client.patch(
        world.url(f"/entries/{e0.id}"),
        json={
            "title": "FASTREN: Fasilitator Perencanaan Teladan",
            "innovators": [
                {"name": "Rina Marlina", "nip": "198001012005012001"},
                {"name": "Budi", "nip": "198001012005012002"},
            ],
        },
        headers=world.admin.headers,
    )
    assert corrected.status_code == 200, corrected.text
    # A corrected name keeps its innovator: issuing again issues nothing new.
    again = client.post(world.url("/awards"), headers=world.admin.headers).json()
    assert again["issued_certificates"] == 0
    f.revoke(client, world, rina["id"])
    new = reissue(client, world, rina["id"]).json()
    assert (new["recipient_name"], new["entry_title"]) == (
        "Rina Marlina",
        "FASTREN: Fasilitator Perencanaan Teladan",
    )
    assert one(client, world, rina["id"])["recipient_name"] == "Rina"  # the record stays
    pdf = client.get(f"/api/v1/certificates/{new['code']}.pdf")
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Rina Marlina" in text and f"Nomor: {new['number']}" in text
    assert "FASTREN: Fasilitator Perencanaan Teladan" in text


def test_an_innovator_removed_since_keeps_the_recorded_name(
    client: TestClient, world: f.World, issued: list[dict[str, Any]]
) -> None:
    budi = issued[2]
    client.patch(
        world.url(f"/entries/{world.entries[0].id}"),
        json={"innovators": [{"name": "Rina"}]},
        headers=world.admin.headers,
    )
    f.revoke(client, world, budi["id"])
    assert reissue(client, world, budi["id"]).json()["recipient_name"] == "Budi"


def test_a_juror_certificate_is_reissued_with_the_jurors_name_now(
    client: TestClient, world: f.World, session: Session
) -> None:
    published(client, session, world)
    cert = first_juror_certificate(client, world)
    renamed = client.patch(
        world.url(f"/jurors/{world.jurors[0].id}"),
        json={"full_name": "Prof. Dr. Juri Pertama"},
        headers=world.admin.headers,
    )
    assert renamed.status_code == 200, renamed.text
    f.revoke(client, world, cert["id"])
    new = reissue(client, world, cert["id"]).json()
    assert (new["kind"], new["recipient_type"], new["recipient_name"]) == (
        "juror",
        "juror",
        "Prof. Dr. Juri Pertama",
    )


def test_the_old_verification_page_links_to_the_new_and_back(
    client: TestClient, world: f.World, issued: list[dict[str, Any]]
) -> None:
    rina = issued[1]
    page = client.get(f"/verify/{rina['code']}").text
    assert 'id="replaced-by"' not in page and 'id="replaces"' not in page
    f.revoke(client, world, rina["id"])
    new = reissue(client, world, rina["id"]).json()
    old_page = client.get(f"/verify/{rina['code'].lower()}")
    assert old_page.status_code == 200
    assert 'data-status="revoked"' in old_page.text and "telah diganti" in old_page.text
    assert f'<a href="/verify/{new["code"]}">{new["number"]}</a>' in old_page.text, old_page.text
    new_page = client.get(f"/verify/{new['code']}").text
    assert 'data-status="valid"' in new_page
    assert 'id="replaced-by"' not in new_page
    assert f'<a href="/verify/{rina["code"]}">{rina["number"]}</a>' in new_page


def test_reissue_is_the_secretariats_and_of_its_own_convention(
    client: TestClient, world: f.World, session: Session, issued: list[dict[str, Any]]
) -> None:
    f.revoke(client, world, issued[3]["id"])
    url = world.url(f"/certificates/{issued[3]['id']}/reissue")
    f.problem(client.post(url, headers=world.jurors[0].headers), 403, "forbidden")
    f.problem(client.post(url), 401, "unauthenticated")
    other = f.make_convention(session)
    f.problem(
        client.post(
            f"/api/v1/conventions/{other.id}/certificates/{issued[3]['id']}/reissue",
            headers=world.admin.headers,
        ),
        404,
        "not-found",
    )
    f.problem(reissue(client, world, 999999), 404, "not-found")
    assert one(client, world, issued[3]["id"])["replaced_by_code"] is None


def test_the_printed_piagam_carry_the_logo_and_the_old_one_names_its_replacement(
    client: TestClient, world: f.World, issued: list[dict[str, Any]]
) -> None:
    uploaded = client.put(
        world.url("/logo"),
        content=png(300, 300, mode="RGB"),
        headers={**world.admin.headers, "Content-Type": "image/png"},
    )
    assert uploaded.status_code == 201, uploaded.text
    rina = issued[1]
    f.revoke(client, world, rina["id"])
    new = reissue(client, world, rina["id"]).json()
    old_page = PdfReader(io.BytesIO(client.get(f"/api/v1/certificates/{rina['code']}.pdf").content))
    text = old_page.pages[0].extract_text()
    assert f"diganti piagam berkode {new['code']}" in text
    assert len(list(old_page.pages[0].images)) == 1
    archive = client.get(world.url("/certificates.zip"), headers=world.admin.headers)
    with zipfile.ZipFile(io.BytesIO(archive.content)) as files:
        pages = [PdfReader(io.BytesIO(files.read(n))).pages[0] for n in sorted(files.namelist())]
    assert len(pages) == 5 and all(len(list(p.images)) == 1 for p in pages)
    stamped = [p.extract_text() for p in pages if "diganti piagam berkode" in p.extract_text()]
    assert len(stamped) == 1 and new["code"] in stamped[0]
