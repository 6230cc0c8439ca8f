"""The public page a certificate's QR code opens: `GET /verify/{code}`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy.orm import Session

from app.models import Innovator
from app.services.certificate_pdf import indonesian_date
from tests.app import factories as f
from tests.app.live import HOSTILE_NAME, LiveServer
from tests.app.test_awards import certified, first_juror_certificate, published
from tests.support.browser import require, scan_qr

if TYPE_CHECKING:
    from playwright.sync_api import Dialog

EVIL_TITLE = '<b>Bold</b> & "quoted" \'); DROP TABLE entry;--'


@pytest.fixture
def certificates(client: TestClient, session: Session, world: f.World) -> list[dict[str, Any]]:
    return certified(client, session, world)


def _page(client: TestClient, code: str, status: int = 200) -> str:
    response = client.get(f"/verify/{code}")
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "script-src" not in response.headers["content-security-policy"]
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert '<html lang="id">' in response.text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in response.text
    assert "<script" not in response.text.lower()
    return response.text


def test_verify_page_says_valid_with_the_details(
    client: TestClient, world: f.World, certificates: list[dict[str, Any]]
) -> None:
    rina = certificates[1]
    page = _page(client, rina["code"])
    assert 'data-status="valid"' in page
    assert "<h1>SAH</h1>" in page
    assert "VALID" in page
    assert "DICABUT" not in page
    assert '<p class="recipient" id="recipient">Rina</p>' in page
    assert '<dd id="standing">Juara I (peringkat 1)</dd>' in page
    assert '<dd id="entry">FASTREN</dd>' in page
    assert f"<dd>{world.opds[0].name}</dd>" in page
    assert '<dd id="convention">Konvensi Inovasi Daerah Kota Solok 2018</dd>' in page
    assert f'<dd id="date">{indonesian_date(datetime.now(UTC))}</dd>' in page
    assert f'<dd id="number">{rina["number"]}</dd>' in page
    assert f'href="/api/v1/certificates/{rina["code"]}.pdf"' in page
    assert "198001012005012001" not in page  # never a NIP


def test_verify_page_of_a_participant_and_an_opd(
    client: TestClient, world: f.World, certificates: list[dict[str, Any]]
) -> None:
    participant = _page(client, certificates[3]["code"])
    assert '<dd id="standing">Peserta (peringkat 2)</dd>' in participant
    opd = _page(client, certificates[0]["code"])
    assert f'id="recipient">{world.opds[0].name}</p>' in opd
    assert "<dd>Perangkat Daerah (OPD)</dd>" in opd


def test_verify_page_says_revoked(
    client: TestClient, world: f.World, certificates: list[dict[str, Any]]
) -> None:
    cert = certificates[1]
    f.revoke(client, world, cert["id"], "Nama <salah>")
    page = _page(client, cert["code"])
    assert 'data-status="revoked"' in page
    assert "<h1>DICABUT</h1>" in page
    assert "REVOKED" in page
    assert "<h1>SAH</h1>" not in page
    today = indonesian_date(datetime.now(UTC))
    assert f"Dicabut pada {today}. Alasan: Nama &lt;salah&gt;" in page


def test_verify_page_of_an_unknown_code_is_404(client: TestClient) -> None:
    page = _page(client, "AAAAAAAAAAAAAAAA", status=404)
    assert 'data-status="unknown"' in page
    assert "TIDAK DIKENAL" in page
    assert "<code>AAAAAAAAAAAAAAAA</code>" in page


def test_verify_page_escapes_the_code_in_the_url(client: TestClient) -> None:
    page = _page(client, "%3Cimg%20src%3Dx%20onerror%3D%22alert(1)%22%3E", status=404)
    assert "<code>&lt;img src=x onerror=&#34;alert(1)&#34;&gt;</code>" in page
    assert "<img" not in page


def test_verify_page_escapes_html_and_sql_in_names(
    client: TestClient, session: Session, world: f.World
) -> None:
    world.entries[0].title = EVIL_TITLE
    world.entries[0].innovators.append(Innovator(position=5, name=HOSTILE_NAME))
    session.commit()
    published(client, session, world)
    certs = client.post(world.url("/awards"), headers=world.admin.headers).json()["certificates"]
    hostile = next(c for c in certs if c["recipient_name"] == HOSTILE_NAME)
    page = _page(client, hostile["code"])
    assert f'<p class="recipient" id="recipient">{escape(HOSTILE_NAME)}</p>' in page
    assert f'<dd id="entry">{escape(EVIL_TITLE)}</dd>' in page
    assert "<b>Bold</b>" not in page
    # The SQL was data: the certificate and the entry are still there.
    again = client.get(f"/api/v1/certificates/{hostile['code']}")
    assert again.json()["recipient_name"] == HOSTILE_NAME
    assert again.json()["entry_title"] == EVIL_TITLE


@pytest.mark.usefixtures("certificates")
def test_verify_page_of_a_juror_certificate(client: TestClient, world: f.World) -> None:
    juror = first_juror_certificate(client, world)
    page = _page(client, juror["code"])
    assert '<dd id="standing">Dewan Juri</dd>' in page
    assert '<p class="kind">Piagam Apresiasi</p>' in page
    assert 'id="entry"' not in page


def test_verify_page_is_outside_the_api_and_public(
    client: TestClient, certificates: list[dict[str, Any]]
) -> None:
    code = certificates[0]["code"]
    assert client.get(f"/verify/{code}").status_code == 200
    f.problem(client.get(f"/api/v1/verify/{code}"), 404, "not-found")
    assert client.get(f"/verify/{code.lower()}").status_code == 200


# --- in a real browser, against a real server ---------------------------------------------


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A phone-sized page with JavaScript off, as the page promises to need none."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        java_script_enabled=False,
        locale="id-ID",
    )
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.mark.slow
def test_scanned_qr_opens_a_valid_page_in_chromium(
    server: LiveServer, phone: Any, tmp_path: Path
) -> None:
    """The whole path of a phone: decode the QR code of the printed PDF, open its address."""
    cert = server.data["valid"]
    pdf = httpx.get(f"{server.url}/api/v1/certificates/{cert['code']}.pdf", timeout=30)
    assert pdf.status_code == 200
    scanned = scan_qr(pdf.content, tmp_path)
    assert scanned == f"{server.url}/verify/{cert['code']}"

    response = phone.goto(scanned)
    assert response.status == 200
    assert phone.locator("html").get_attribute("lang") == "id"
    assert phone.locator("#status h1").inner_text() == "SAH"
    assert phone.locator("#recipient").inner_text() == "Rina Marlina"
    assert phone.locator("#standing").inner_text() == "Juara I (peringkat 1)"
    assert phone.locator("#entry").inner_text() == "Fasilitator Perencanaan Teladan"
    assert phone.locator("#convention").inner_text() == "Konvensi Inovasi Daerah Kota Solok 2018"
    assert phone.locator("#number").inner_text() == cert["number"]
    assert "198001012005012001" not in phone.content()
    # Fits a phone: nothing wider than the screen.
    box = phone.locator("main").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    phone.screenshot(path=str(tmp_path / "verify-valid.png"), full_page=True)
    assert (tmp_path / "verify-valid.png").stat().st_size > 10_000


@pytest.mark.slow
def test_revoked_and_unknown_codes_in_chromium(server: LiveServer, phone: Any) -> None:
    revoked = server.data["revoked"]
    response = phone.goto(f"{server.url}/verify/{revoked['code']}")
    assert response.status == 200
    assert phone.locator("#status h1").inner_text() == "DICABUT"
    assert "REVOKED" in phone.locator("#status").inner_text()
    assert "Alasan: Data keliru" in phone.locator("#revoked").inner_text()

    response = phone.goto(f"{server.url}/verify/AAAAAAAAAAAAAAAA")
    assert response.status == 404
    assert phone.locator("#status h1").inner_text() == "TIDAK DIKENAL"


@pytest.mark.slow
def test_hostile_names_render_as_text_in_chromium(server: LiveServer, browser: Any) -> None:
    """With JavaScript on, a name made of markup shows as text and runs nothing."""
    context = browser.new_context(java_script_enabled=True)
    page = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        response = page.goto(f"{server.url}/verify/{server.data['hostile']['code']}")
        assert response.status == 200
        assert page.locator("#recipient").inner_text() == HOSTILE_NAME
        assert page.locator("script").count() == 0
        assert dialogs == []
    finally:
        context.close()


def test_missing_tools_skip_here_and_fail_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        require("chromium", False)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        require("chromium", False)
    require("chromium", True)
