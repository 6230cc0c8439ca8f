"""The service's own pages in Debian's Chromium against a real ``konvensi serve``, with
every request to another origin blocked (a venue with a local network and no internet):
``/`` and ``/docs``, ``/redoc``, ``/verify`` and ``/hasil/{cid}`` with its objection form.
Each page passes axe-core (no serious or critical violation); the screenshots of the docs
are written to ``$KONVENSI_SCREENSHOT_DIR`` when set (``docs/screenshots``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.slow.conftest import client, ok, seed_convention
from tests.support.browser import axe_violations
from tests.support.server import Server

REASON = "Inovasi ini sudah diterapkan di kabupaten lain sejak 2015."


@pytest.fixture(scope="module")
def provisional(server: Server) -> int:
    """A convention with provisional results (objections open for 3 days)."""
    convention = seed_convention(server.url, entries=3, jurors=2)
    for juror in convention.jurors:
        with client(server.url, juror.token) as c:
            for n, entry_id in enumerate(convention.entry_ids):
                scores = dict.fromkeys(convention.codes, 9 - n)
                ok(c.put(convention.sheet_url(entry_id), json={"scores": scores, "submit": True}))
    with client(server.url, convention.admin_token) as c:
        ok(c.patch(convention.url(), json={"status": "closed"}))
        ok(c.post(convention.url("/results"), json={"objection_days": 3}), 201)
    return convention.cid


@pytest.fixture
def offline_page(server: Server, browser: Any) -> Iterator[tuple[Any, list[str]]]:
    """A page whose requests to any other origin are blocked and recorded."""
    origin = urlsplit(server.url).netloc
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    blocked: list[str] = []

    def route(request: Any) -> None:
        if urlsplit(request.request.url).netloc == origin or request.request.url.startswith(
            ("data:", "blob:")
        ):
            request.continue_()
        else:
            blocked.append(request.request.url)
            request.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        yield page, blocked
    finally:
        context.close()


def _screenshot(page: Any, name: str, tmp_path: Path) -> None:
    out = Path(os.environ.get("KONVENSI_SCREENSHOT_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / name))


def test_docs_list_every_operation_with_no_internet(
    server: Server, offline_page: tuple[Any, list[str]], tmp_path: Path
) -> None:
    page, blocked = offline_page
    page.goto(f"{server.url}/docs")
    shown = page.locator(".opblock-summary-operation-id")
    shown.first.wait_for()
    operations = len(set(shown.all_inner_texts()))
    with client(server.url) as c:
        spec = ok(c.get("/openapi.json"))
    expected = len({op["operationId"] for ops in spec["paths"].values() for op in ops.values()})
    assert operations == expected
    assert shown.get_by_text("sheets-put_my_sheet", exact=True).count() == 1  # ids shown
    page.get_by_role("heading", name="Konvensi").first.wait_for()
    _screenshot(page, "docs-offline.png", tmp_path)
    page.goto(f"{server.url}/redoc")
    page.get_by_role("heading", name="Put My Sheet").first.wait_for()
    assert blocked == []


def test_pages_pass_axe_and_the_objection_form_works(
    server: Server, provisional: int, offline_page: tuple[Any, list[str]]
) -> None:
    page, blocked = offline_page
    page.goto(f"{server.url}/")
    assert page.get_by_role("link", name="Aplikasi Juri").is_visible()
    assert page.get_by_role("link", name="Konvensi Inovasi").count() >= 1
    assert axe_violations(page) == []
    page.goto(f"{server.url}/verify")
    assert axe_violations(page) == []
    page.get_by_label("Kode verifikasi").fill("ABCDEFGHJKMNP")
    page.get_by_role("button", name="Periksa").click()
    page.wait_for_url(f"{server.url}/verify/ABCDEFGHJKMNP")
    assert "ABCDEFGHJKMNP" in page.inner_text("body")  # the unknown code's page names it
    page.goto(f"{server.url}/hasil/{provisional}")
    assert "SEMENTARA" in page.inner_text("main")
    assert axe_violations(page) == []
    # Sent without the required reason: the browser's own check stops it; filled in, the
    # server's receipt page answers.
    page.get_by_label("Inovasi").select_option(index=1)
    page.get_by_label("Nama").fill("Budi Santoso")
    page.get_by_label("Kontak").fill("budi@example.id")
    page.get_by_label("Alasan").fill(REASON)
    page.get_by_role("button", name="Kirim sanggahan").click()
    page.get_by_role("heading", name="Sanggahan diterima").wait_for()
    receipt = page.locator("code").inner_text()
    assert len(receipt) >= 8
    assert axe_violations(page) == []
    assert blocked == []
