"""A sample piagam before anything is issued: ``GET …/certificates/preview.pdf?kind=``."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
import segno
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import AuditEvent, Certificate
from app.services.certificates import letter_number
from app.services.preview import SAMPLE_CODE
from tests.app import factories as f
from tests.app.test_certificate_pdf import _qr_matrix
from tests.app.test_logo import png


@pytest.fixture
def settings_set(world: f.World, session: Session) -> f.World:
    world.convention.city = "Solok"
    world.convention.signatory_name = "Zul Elfian"
    world.convention.signatory_title = "Wali Kota Solok"
    world.convention.ceremony_date = date(2018, 5, 9)
    world.convention.top_n = 3
    world.convention.award_names = ["Terbaik I", "Terbaik II"]
    session.commit()
    return world


def preview(client: TestClient, w: f.World, kind: str | None) -> str:
    query = "" if kind is None else f"?kind={kind}"
    response = client.get(w.url(f"/certificates/preview.pdf{query}"), headers=w.admin.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    name = kind or "winner"
    assert response.headers["content-disposition"] == f'inline; filename="contoh-piagam-{name}.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


@pytest.mark.parametrize("kind", ["winner", None])
def test_a_winner_sample_prints_the_settings_with_placeholder_names(
    client: TestClient, settings_set: f.World, session: Session, kind: str | None
) -> None:
    text = preview(client, settings_set, kind)
    for expected in (
        "PIAGAM PENGHARGAAN",
        "Nama Inovator (Contoh)",
        "TERBAIK I",
        "Judul Inovasi (Contoh)",
        "Nama Perangkat Daerah (Contoh)",
        # Sequence 000: no real piagam has it; the month and year are the ceremony's.
        "Nomor: 000/KIP-SLK/V/2018",
        "Zul Elfian",
        "Wali Kota Solok",
        "Konvensi Inovasi Daerah Kota Solok 2018",
        f"http://testserver/verify/{SAMPLE_CODE}",
    ):
        assert expected in text, expected
    # Nothing was issued, numbered or recorded.
    assert session.scalar(select(func.count()).select_from(Certificate)) == 0
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_a_participant_sample_is_ranked_just_past_the_awards(
    client: TestClient, settings_set: f.World
) -> None:
    text = preview(client, settings_set, "participant")
    assert "PIAGAM PARTISIPASI" in text
    assert "PERINGKAT 4" in text
    assert "Nama Inovator (Contoh)" in text and "TERBAIK" not in text


def test_a_juror_sample_names_a_juror_and_no_innovation(
    client: TestClient, settings_set: f.World
) -> None:
    text = preview(client, settings_set, "juror")
    assert "PIAGAM APRESIASI" in text and "DEWAN JURI" in text
    assert "Nama Juri (Contoh)" in text
    assert "Judul Inovasi" not in text


def test_without_a_ceremony_date_the_number_is_of_today(client: TestClient, world: f.World) -> None:
    assert f"Nomor: {letter_number(0, 'KIP-SLK', datetime.now(UTC))}" in preview(
        client, world, "winner"
    )


def test_the_sample_qr_code_verifies_nothing(client: TestClient, world: f.World) -> None:
    response = client.get(world.url("/certificates/preview.pdf"), headers=world.admin.headers)
    expected = segno.make(f"http://testserver/verify/{SAMPLE_CODE}", error="m", micro=False, mask=0)
    assert _qr_matrix(response.content) == [[bool(m) for m in row] for row in expected.matrix]
    f.problem(client.get(f"/api/v1/certificates/{SAMPLE_CODE}"), 404, "not-found")


def test_an_unknown_kind_is_422_naming_it(client: TestClient, world: f.World) -> None:
    response = client.get(
        world.url("/certificates/preview.pdf?kind=pemenang"), headers=world.admin.headers
    )
    assert f.problem(response, 422, "validation")["errors"][0]["loc"] == ["query", "kind"]


def test_only_the_secretariat_previews(client: TestClient, world: f.World) -> None:
    url = world.url("/certificates/preview.pdf")
    f.problem(client.get(url, headers=world.jurors[0].headers), 403, "forbidden")
    f.problem(client.get(url), 401, "unauthenticated")
    f.problem(
        client.get(
            "/api/v1/conventions/999999/certificates/preview.pdf", headers=world.admin.headers
        ),
        404,
        "not-found",
    )


def test_the_sample_prints_the_convention_logo(client: TestClient, world: f.World) -> None:
    url = world.url("/certificates/preview.pdf")
    without = PdfReader(io.BytesIO(client.get(url, headers=world.admin.headers).content))
    assert list(without.pages[0].images) == []
    uploaded = client.put(
        world.url("/logo"),
        content=png(400, 200, mode="RGB"),
        headers={**world.admin.headers, "Content-Type": "image/png"},
    )
    assert uploaded.status_code == 201, uploaded.text
    page = PdfReader(io.BytesIO(client.get(url, headers=world.admin.headers).content)).pages[0]
    [logo] = list(page.images)
    assert logo.image is not None and logo.image.size[0] / logo.image.size[1] == 2
