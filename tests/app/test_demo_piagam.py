"""The demo's Solok convention of May 2018: its piagam and minutes are of May 2018, whatever
day the demo runs."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.orm import Session

from app.services import demo
from app.services.demo import solok as solok_data
from tests.app import factories as f


@dataclass(frozen=True)
class Solok:
    cid: int
    headers: dict[str, str]  # the admin's

    def url(self, path: str = "") -> str:
        return f"/api/v1/conventions/{self.cid}{path}"


@pytest.fixture
def solok(client: TestClient, session: Session, admin: f.Login) -> Solok:
    """The demo loaded, judging closed and the results published and final (the fourth
    juror's drafts left unsubmitted, as the demo has them)."""
    loaded = demo.load(session, lambda _password: f.password_hash(), with_admin=False)
    session.commit()
    solok = Solok(loaded.convention_id, admin.headers)
    closed = client.patch(solok.url(), json={"status": "closed"}, headers=solok.headers)
    assert closed.status_code == 200, closed.text
    published = client.post(
        solok.url("/results"), json={"allow_incomplete": True}, headers=solok.headers
    )
    assert published.status_code == 201, published.text
    return solok


def test_the_solok_demo_has_its_may_2018_ceremony_date(client: TestClient, solok: Solok) -> None:
    convention = client.get(solok.url(), headers=solok.headers).json()
    assert (convention["ceremony_date"], convention["letter_code"]) == ("2018-05-09", "KIP-SLK")


def test_the_solok_demos_piagam_are_numbered_in_may_2018(client: TestClient, solok: Solok) -> None:
    issued = client.post(solok.url("/awards"), headers=solok.headers)
    assert issued.status_code == 201, issued.text
    certs: list[dict[str, Any]] = issued.json()["certificates"]
    assert len(certs) == 3 * 2 + 6  # three winners (OPD and team), six participants
    assert [c["number"] for c in certs] == [
        f"{n:03d}/KIP-SLK/V/2018" for n in range(1, len(certs) + 1)
    ]
    # Later certificates too: the jurors' and a reissue.
    client.post(solok.url("/certificates/jurors"), headers=solok.headers)
    listed = client.get(solok.url("/certificates?kind=juror"), headers=solok.headers).json()[
        "items"
    ]
    assert [c["number"] for c in listed] == [f"{n:03d}/KIP-SLK/V/2018" for n in range(13, 17)]
    first = certs[0]["id"]
    client.post(
        solok.url(f"/certificates/{first}/revoke"),
        json={"reason": "Salah cetak"},
        headers=solok.headers,
    )
    again = client.post(solok.url(f"/certificates/{first}/reissue"), headers=solok.headers)
    assert again.json()["number"] == "017/KIP-SLK/V/2018"
    pdf = client.get(f"/api/v1/certificates/{again.json()['code']}.pdf").content
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Nomor: 017/KIP-SLK/V/2018" in text
    assert re.search(r"Solok, \d+ \w+ \d{4}", text)


def test_the_solok_demos_minutes_are_dated_on_the_ceremony(
    client: TestClient, solok: Solok
) -> None:
    response = client.get(solok.url("/berita-acara.pdf"), headers=solok.headers)
    assert response.status_code == 200, response.text
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Rabu, 9 Mei 2018" in text
    assert "FASTREN" in text
    for _username, full_name, _panel in solok_data.JURORS:
        assert full_name in text


def test_the_solok_demos_verification_page_carries_the_ceremony_date(
    client: TestClient, solok: Solok
) -> None:
    certs = client.post(solok.url("/awards"), headers=solok.headers).json()
    page = client.get(f"/verify/{certs['certificates'][0]['code']}")
    assert page.status_code == 200
    assert '<dd id="date">9 Mei 2018</dd>' in page.text
