"""A convention's certificates to print: `GET …/certificates.pdf` (one PDF, a page each) and
the streamed `GET …/certificates.zip`."""

from __future__ import annotations

import io
import subprocess
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Certificate
from app.services import certificate_files
from app.sources import Choice, ScriptError, ServerSource
from tests.app import factories as f
from tests.app.test_awards import published
from tests.support.browser import require_tool


@pytest.fixture
def issued(client: TestClient, session: Session, world: f.World) -> list[dict[str, Any]]:
    """Entry 0 won (its OPD, Rina and Budi), entry 1's innovator took part, and the three
    jurors have theirs: seven certificates, in number order."""
    world.convention.city = "Solok"
    session.commit()
    published(client, session, world)
    h = world.admin.headers
    assert client.post(world.url("/awards"), headers=h).status_code == 201
    assert client.post(world.url("/certificates/jurors"), headers=h).status_code == 201
    listed = client.get(world.url("/certificates?limit=100"), headers=h).json()["items"]
    ordered: list[dict[str, Any]] = sorted(listed, key=lambda c: c["number"])
    assert len(ordered) == 7
    return ordered


def _get_pdf(client: TestClient, world: f.World, query: str = "") -> tuple[Any, PdfReader]:
    response = client.get(world.url(f"/certificates.pdf{query}"), headers=world.admin.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    return response, PdfReader(io.BytesIO(response.content))


def _numbers_and_names(reader: PdfReader) -> list[tuple[str, str]]:
    """Each page's number and the name under "diberikan kepada"."""
    found = []
    for page in reader.pages:
        lines = page.extract_text().splitlines()
        number = next(line for line in lines if line.startswith("Nomor: "))
        found.append((number.removeprefix("Nomor: "), lines[lines.index("diberikan kepada") + 1]))
    return found


def test_one_pdf_holds_every_certificate_page_by_page(
    client: TestClient, world: f.World, issued: list[dict[str, Any]], tmp_path: Path
) -> None:
    response, reader = _get_pdf(client, world)
    assert response.headers["x-piagam-count"] == "7"
    assert "content-length" not in response.headers  # streamed as it is made
    assert response.headers["content-disposition"] == (
        f'attachment; filename="piagam-{world.cid}.pdf"'
    )
    assert len(reader.pages) == 7
    assert _numbers_and_names(reader) == [(c["number"], c["recipient_name"]) for c in issued]
    for page, cert in zip(reader.pages, issued, strict=True):
        assert f"http://testserver/verify/{cert['code']}" in page.extract_text().splitlines()
    # The fonts are embedded once for the whole file.
    assert response.content.count(b"/FontFile2") == 4
    # What a phone does, on every page: rasterise it and decode its QR code.
    pdftoppm, zbarimg = require_tool("pdftoppm"), require_tool("zbarimg")
    (tmp_path / "all.pdf").write_bytes(response.content)
    subprocess.run([pdftoppm, "-png", "-r", "100", "all.pdf", "page"], cwd=tmp_path, check=True)
    for n, cert in enumerate(issued, start=1):
        decoded = subprocess.run(
            [zbarimg, "--raw", "-q", f"page-{n}.png"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )
        assert decoded.returncode == 0, decoded.stderr
        assert decoded.stdout.strip() == f"http://testserver/verify/{cert['code']}"


@pytest.mark.parametrize("batch", [2, 7])
def test_certificates_are_read_a_batch_at_a_time(
    client: TestClient,
    world: f.World,
    issued: list[dict[str, Any]],
    batch: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(certificate_files, "READ_BATCH", batch)
    _, reader = _get_pdf(client, world)
    assert _numbers_and_names(reader) == [(c["number"], c["recipient_name"]) for c in issued]
    response = client.get(world.url("/certificates.zip"), headers=world.admin.headers)
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert names == [c["number"].replace("/", "-") + ".pdf" for c in issued]


def test_revoked_certificates_are_left_out_unless_asked_for(
    client: TestClient, world: f.World, issued: list[dict[str, Any]]
) -> None:
    rina = next(c for c in issued if c["recipient_name"] == "Rina")
    f.revoke(client, world, rina["id"])
    response, reader = _get_pdf(client, world)
    assert response.headers["x-piagam-count"] == "6"
    kept = [c for c in issued if c["id"] != rina["id"]]
    assert _numbers_and_names(reader) == [(c["number"], c["recipient_name"]) for c in kept]
    assert "DICABUT" not in "".join(page.extract_text() for page in reader.pages)

    _, reader = _get_pdf(client, world, "?include_revoked=true")
    assert _numbers_and_names(reader) == [(c["number"], c["recipient_name"]) for c in issued]
    revoked_page = reader.pages[issued.index(rina)].extract_text()
    assert "DICABUT / REVOKED" in revoked_page


def test_kind_and_category_choose_the_certificates(
    client: TestClient, session: Session, world: f.World, issued: list[dict[str, Any]]
) -> None:
    response, reader = _get_pdf(client, world, "?kind=juror")
    jurors = [c for c in issued if c["kind"] == "juror"]
    assert _numbers_and_names(reader) == [(c["number"], c["recipient_name"]) for c in jurors]
    assert response.headers["content-disposition"].endswith(f'piagam-{world.cid}-juror.pdf"')
    assert all("PIAGAM APRESIASI" in page.extract_text() for page in reader.pages)

    winners = [c for c in issued if c["kind"] == "winner"]
    for cert in session.scalars(select(Certificate).where(Certificate.kind == "winner")):
        cert.category = "sdm"
    session.commit()
    _, reader = _get_pdf(client, world, "?category=sdm")
    assert _numbers_and_names(reader) == [(c["number"], c["recipient_name"]) for c in winners]
    _, reader = _get_pdf(client, world, "?kind=&category=")  # empty: any
    assert len(reader.pages) == 7
    response = client.get(
        world.url("/certificates.pdf?kind=winner&category=proses"), headers=world.admin.headers
    )
    body = f.problem(response, 404, "not-found")
    assert body["detail"] == (
        f"Convention {world.cid} has no certificate to print with these filters."
    )


def test_before_any_certificate_the_pdf_is_404(client: TestClient, world: f.World) -> None:
    response = client.get(world.url("/certificates.pdf"), headers=world.admin.headers)
    body = f.problem(response, 404, "not-found")
    assert body["detail"] == f"Convention {world.cid} has no certificate to print yet."


def test_bad_filters_are_422_naming_the_field(client: TestClient, world: f.World) -> None:
    h = world.admin.headers
    for query, field in (
        ("kind=pemenang", "kind"),
        ("category=seni", "category"),
        ("include_revoked=maybe", "include_revoked"),
    ):
        response = client.get(world.url(f"/certificates.pdf?{query}"), headers=h)
        body = f.problem(response, 422, "validation")
        assert body["errors"][0]["loc"] == ["query", field]


def test_only_the_secretariat_gets_the_files(
    client: TestClient, session: Session, world: f.World
) -> None:
    other = f.make_world(session, f.SECRET)
    for path in ("/certificates.pdf", "/certificates.zip"):
        f.problem(client.get(world.url(path)), 401, "unauthenticated")
        f.problem(client.get(world.url(path), headers=world.jurors[0].headers), 403, "forbidden")
        f.problem(client.get(other.url(path), headers=world.jurors[0].headers), 404, "not-found")


def test_the_zip_is_streamed_an_entry_at_a_time(
    client: TestClient, world: f.World, issued: list[dict[str, Any]]
) -> None:
    response = client.get(world.url("/certificates.zip"), headers=world.admin.headers)
    assert response.status_code == 200, response.text
    assert "content-length" not in response.headers
    assert response.headers["x-piagam-count"] == "7"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert names == [c["number"].replace("/", "-") + ".pdf" for c in issued]
    moment = datetime(2018, 5, 3, tzinfo=UTC)
    chunks = list(certificate_files.zip_chunks([("a.pdf", b"%PDF-a", moment)] * 3))
    assert len(chunks) == 4  # an entry each, then the central directory
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    assert archive.namelist() == ["a.pdf", "a-2.pdf", "a-3.pdf"]
    assert archive.read("a-3.pdf") == b"%PDF-a"


def test_the_scripts_read_both_files_through_the_api(
    client: TestClient, world: f.World, issued: list[dict[str, Any]]
) -> None:
    """``konvensi certificates --url``: the one-file PDF and the ZIP, each in one request."""
    source = ServerSource("http://testserver", "unused")
    source.client.close()
    source.client = cast(Any, client)  # an httpx client of its own kind, through the app
    client.headers["Authorization"] = world.admin.headers["Authorization"]
    count, chunks = source.certificate_file(world.cid, Choice(kind="juror"))
    reader = PdfReader(io.BytesIO(b"".join(chunks)))
    jurors = [c for c in issued if c["kind"] == "juror"]
    assert count == len(reader.pages) == len(jurors) == 3
    jobs = source.certificate_jobs(world.cid)
    assert [name for name, _job in jobs] == [c["number"].replace("/", "-") + ".pdf" for c in issued]
    assert all(job().startswith(b"%PDF-") for _name, job in jobs)
    with pytest.raises(ScriptError, match=r"certificates\.pdf answered 404: Convention"):
        source.certificate_file(world.cid, Choice(category="proses"))
    source._files[0].close()  # the ZIP's temporary file (the client is the fixture's)
