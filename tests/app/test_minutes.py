"""The minutes of the jury's decision (berita acara): the PDF's text, through the API and the
``konvensi berita-acara`` command."""

from __future__ import annotations

import io
from datetime import date

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.orm import Session

from app.services.minutes import Minutes, render
from tests.app import factories as f


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def published(client: TestClient, session: Session, w: f.World) -> None:
    w.convention.city = "Solok"
    w.convention.top_n = 2
    w.convention.ceremony_date = date(2018, 5, 9)
    for i, entry in enumerate(w.entries):
        for juror in w.jurors:
            f.make_sheet(session, juror.account, entry, {"A": 9 - 2 * i, "B": 9 - 2 * i})
    f.set_status(session, w.convention, "closed")
    response = client.post(w.url("/results"), headers=w.admin.headers)
    assert response.status_code == 201, response.text


def test_minutes_name_the_date_place_method_ranking_and_jurors(
    client: TestClient, world: f.World, session: Session
) -> None:
    f.problem(
        client.get(world.url("/berita-acara.pdf"), headers=world.admin.headers), 404, "not-found"
    )
    published(client, session, world)
    response = client.get(world.url("/berita-acara.pdf"), headers=world.admin.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    text = text_of(response.content)
    assert "BERITA ACARA" in text and "PENETAPAN HASIL PENILAIAN" in text
    assert "Rabu, 9 Mei 2018" in text
    assert "Solok" in text and "rata-rata (mean)" in text
    e0, e1, e2 = world.entries
    # The ranking down to top_n = 2, scores with 2 decimals.
    assert str(e0.acronym) in text and "90.00" in text and "Juara I" in text
    assert str(e1.acronym) in text and "70.00" in text and "Juara II" in text
    assert str(e2.acronym) not in text
    for juror in world.jurors:
        assert juror.account.full_name in text
    assert "Panel K" in text and "Panel L" in text
    f.problem(
        client.get(world.url("/berita-acara.pdf"), headers=world.jurors[0].headers),
        403,
        "forbidden",
    )


def test_minutes_list_the_disqualified_and_how_each_objection_was_decided(
    client: TestClient, world: f.World, session: Session
) -> None:
    e0, e1, _e2 = world.entries
    for i, entry in enumerate(world.entries):
        for juror in world.jurors:
            f.make_sheet(session, juror.account, entry, {"A": 9 - 2 * i, "B": 9 - 2 * i})
    f.set_status(session, world.convention, "closed")
    response = client.post(
        world.url("/results"), json={"objection_days": 5}, headers=world.admin.headers
    )
    assert response.status_code == 201, response.text
    receipts = []
    for entry in (e0, e1):
        body = {
            "entry_id": entry.id,
            "name": "Budi Rahasia",
            "contact": "budi@example.id",
            "reason": "Inovasi ini sudah diterapkan di daerah lain sejak 2015.",
        }
        filed = client.post(world.url("/objections"), json=body)
        assert filed.status_code == 201, filed.text
        receipts.append(filed.json())
    resolved = client.patch(
        world.url(f"/objections/{receipts[0]['id']}"),
        # A tab and a character the fonts lack: drawn as a space and "?", never a blank.
        json={"status": "upheld", "resolution": "Terbukti\tplagiat 字"},
        headers=world.admin.headers,
    )
    assert resolved.status_code == 200, resolved.text
    disqualified = client.patch(
        world.url(f"/entries/{e0.id}"),
        json={"disqualified": True, "disqualification_reason": "Plagiat karya OPD lain"},
        headers=world.admin.headers,
    )
    assert disqualified.status_code == 200, disqualified.text
    response = client.get(world.url("/berita-acara.pdf"), headers=world.admin.headers)
    assert response.status_code == 200, response.text
    text = text_of(response.content)
    assert "Inovasi yang didiskualifikasi" in text
    assert "Plagiat karya OPD lain" in text
    assert "Sanggahan" in text
    assert receipts[0]["receipt"] in text and receipts[1]["receipt"] in text
    assert "diterima" in text and "belum diputus" in text
    assert "Terbukti plagiat ?" in text
    # The objector is never named.
    assert "Budi Rahasia" not in text and "budi@example.id" not in text


def test_minutes_without_disqualified_or_objections_have_neither_section(
    client: TestClient, world: f.World, session: Session
) -> None:
    published(client, session, world)
    text = text_of(client.get(world.url("/berita-acara.pdf"), headers=world.admin.headers).content)
    assert "didiskualifikasi" not in text and "Sanggahan" not in text


def test_a_receipt_stays_on_one_line_at_its_widest() -> None:
    # Receipts are 12 base32 characters; a wrapped one cannot be read back to the objector.
    widest = "W" * 12
    data = Minutes(
        convention_name="Konvensi",
        host=None,
        city="Solok",
        day=date(2018, 5, 9),
        method="mean",
        final=True,
        top_n=1,
        sections=[(None, [])],
        jurors=[],
        objections=((widest, "INV1", "ditolak", "Tidak terbukti"),),
    )
    assert f"{widest} INV1 ditolak Tidak terbukti" in text_of(render(data)).splitlines()
