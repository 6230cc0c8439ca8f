"""The printed certificate: `GET /api/v1/certificates/{code}.pdf`."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import segno
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.orm import Session

from app.models import Certificate
from app.services import certificate_pdf
from app.services.certificate_pdf import file_name, indonesian_date
from tests.app import factories as f
from tests.app.test_awards import certified, first_juror_certificate
from tests.support.browser import scan_qr

A4_LANDSCAPE = (841.89, 595.28)  # points


@pytest.fixture
def certificates(client: TestClient, session: Session, world: f.World) -> list[dict[str, Any]]:
    """Entry 0 won Juara I (OPD, Rina, Budi); entry 1's innovator took part."""
    world.convention.city = "Solok"
    world.convention.signatory_name = "Zul Elfian"
    world.convention.signatory_title = "Wali Kota Solok"
    world.convention.host = "Pemerintah Kota Solok"
    session.commit()
    return certified(client, session, world)


def _pdf(client: TestClient, code: str) -> bytes:
    response = client.get(f"/api/v1/certificates/{code}.pdf")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    return response.content


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def _lines(client: TestClient, code: str) -> list[str]:
    """The lines of text of the certificate's printed page."""
    return _text(_pdf(client, code)).splitlines()


def _qr_matrix(pdf: bytes, page: int = 0) -> list[list[bool]]:
    """The QR code's modules, read back from the page's drawing operators: a black path of
    rectangles in module units (``c r length h re``), one run of dark modules each."""
    content = PdfReader(io.BytesIO(pdf)).pages[page].get_contents()
    assert content is not None
    ops = content.get_data().decode("latin-1")
    block = re.search(r" cm\n0\.000 g\n((?:\d+ \d+ \d+ [\d.]+ re\n)+)f\n", ops)
    assert block is not None, "no QR modules drawn"
    runs = [tuple(int(v) for v in line.split()[:3]) for line in block[1].splitlines()]
    size = max(col + length for col, _row, length in runs)
    grid = [[False] * size for _ in range(size)]
    for col, row, length in runs:
        for c in range(col, col + length):
            grid[row][c] = True
    return grid


def test_pdf_holds_recipient_number_and_details(
    client: TestClient, world: f.World, certificates: list[dict[str, Any]]
) -> None:
    rina = certificates[1]
    assert rina["recipient_name"] == "Rina"
    text = _text(_pdf(client, rina["code"]))
    lines = text.splitlines()
    assert "PIAGAM PENGHARGAAN" in lines
    assert "Rina" in lines
    assert f"Nomor: {rina['number']}" in lines
    assert "JUARA I" in lines
    assert "\u201cFASTREN\u201d" in lines
    assert world.opds[0].name in lines
    assert "dalam Konvensi Inovasi Daerah Kota Solok 2018" in lines
    assert "PEMERINTAH KOTA SOLOK" in lines
    assert f"Solok, {indonesian_date(datetime.now(UTC))}" in lines
    assert "Wali Kota Solok" in lines
    assert "Zul Elfian" in lines
    assert f"http://testserver/verify/{rina['code']}" in lines
    assert "198001012005012001" not in text  # never a NIP
    assert "DICABUT" not in text


def test_pdf_is_one_a4_landscape_page(
    client: TestClient, certificates: list[dict[str, Any]]
) -> None:
    reader = PdfReader(io.BytesIO(_pdf(client, certificates[0]["code"])))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width), 2), round(float(box.height), 2)) == A4_LANDSCAPE
    assert reader.metadata is not None
    cert = certificates[0]
    assert reader.metadata.title == (
        f"Piagam Penghargaan {cert['number']}: {cert['recipient_name']}"
    )


def test_pdf_qr_modules_are_the_verification_url(
    client: TestClient, certificates: list[dict[str, Any]]
) -> None:
    code = certificates[0]["code"]
    expected = segno.make(f"http://testserver/verify/{code}", error="m", micro=False, mask=0)
    assert _qr_matrix(_pdf(client, code)) == [[bool(m) for m in row] for row in expected.matrix]


def test_pdf_qr_decodes_to_the_verification_url(
    client: TestClient, certificates: list[dict[str, Any]], tmp_path: Path
) -> None:
    """What a phone does: rasterise the page and decode the QR code from the pixels."""
    code = certificates[2]["code"]
    assert scan_qr(_pdf(client, code), tmp_path) == f"http://testserver/verify/{code}"


def test_pdf_titles_by_kind(
    client: TestClient, world: f.World, certificates: list[dict[str, Any]]
) -> None:
    participant = certificates[3]
    assert participant["kind"] == "participant"
    lines = _lines(client, participant["code"])
    assert "PIAGAM PARTISIPASI" in lines
    assert "PESERTA \u00b7 PERINGKAT 2" in lines
    assert participant["recipient_name"] in lines

    juror = first_juror_certificate(client, world)
    lines = _lines(client, juror["code"])
    assert "PIAGAM APRESIASI" in lines
    assert "DEWAN JURI" in lines
    assert juror["recipient_name"] in lines


def test_revoked_pdf_still_prints_marked_revoked(
    client: TestClient, world: f.World, certificates: list[dict[str, Any]]
) -> None:
    cert = certificates[1]
    f.revoke(client, world, cert["id"], "Data salah")
    text = _text(_pdf(client, cert["code"]))
    assert "DICABUT / REVOKED" in text
    assert f"tidak berlaku sejak {indonesian_date(datetime.now(UTC))}" in text
    assert "Rina" in text.splitlines()


def test_pdf_prints_any_name(
    client: TestClient, session: Session, certificates: list[dict[str, Any]]
) -> None:
    name = "Ni Putu Śānti Déwi \u201cAyu\u201d Çelik & <Tim>"
    cert = certificates[1]
    row = session.get(Certificate, cert["id"])
    assert row is not None
    row.recipient_name = name
    session.commit()
    assert name in _lines(client, cert["code"])


def test_pdf_of_an_unknown_code_is_404(client: TestClient) -> None:
    f.problem(client.get("/api/v1/certificates/AAAAAAAAAAAAAAAA.pdf"), 404, "not-found")
    f.problem(client.get("/api/v1/certificates/x.pdf"), 404, "not-found")
    f.problem(client.get(f"/api/v1/certificates/{'A' * 5000}.pdf"), 404, "not-found")


def test_lowercase_code_prints_the_same_certificate(
    client: TestClient, certificates: list[dict[str, Any]]
) -> None:
    cert = certificates[0]
    assert f"Nomor: {cert['number']}" in _lines(client, cert["code"].lower())


def test_pdf_is_served_inline_under_its_number(
    client: TestClient, certificates: list[dict[str, Any]]
) -> None:
    cert = certificates[0]
    response = client.get(f"/api/v1/certificates/{cert['code']}.pdf")
    expected = cert["number"].replace("/", "-") + ".pdf"
    assert response.headers["content-disposition"] == f'inline; filename="{expected}"'


def test_indonesian_dates_are_jakarta_days() -> None:
    assert indonesian_date(datetime(2018, 4, 30, 17, tzinfo=UTC)) == "1 Mei 2018"
    assert indonesian_date(datetime(2018, 8, 17, 3, tzinfo=UTC)) == "17 Agustus 2018"
    assert indonesian_date(datetime(2018, 12, 31, 16, 59, tzinfo=UTC)) == "31 Desember 2018"


def test_file_names_from_letter_numbers() -> None:
    assert file_name("001/KIP-SLK/V/2018") == "001-KIP-SLK-V-2018.pdf"
    assert file_name("../../etc/passwd") == "etc-passwd.pdf"
    assert file_name("12 / Dinas Ü / IX / 2018") == "12-Dinas-IX-2018.pdf"
    assert file_name("///") == "piagam.pdf"


def test_convention_label_names_the_year_once() -> None:
    label = certificate_pdf.convention_label
    assert label("Konvensi Inovasi Daerah Kota Solok 2018", 2018) == (
        "Konvensi Inovasi Daerah Kota Solok 2018"
    )
    assert label("Konvensi Inovasi Daerah", 2019) == "Konvensi Inovasi Daerah Tahun 2019"
