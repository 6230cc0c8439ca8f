"""Debian's Chromium through Playwright, for the tests of the pages and the two web apps: one
launcher, axe-core, and the base of the apps' page objects (a browser context and its page,
with script and policy errors collected)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Fifteen seconds cover a sync on a busy 2-core machine; a real failure waits this long once.
WAIT_MS = 15_000


def require(what: str, present: bool) -> None:
    """Skip when a tool is missing here; fail in CI, which must run every test."""
    if present:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing, and CI=true: CI must run this test")
    pytest.skip(f"{what} is not installed")


def require_tool(name: str) -> str:
    path = shutil.which(name)
    require(name, path is not None)
    assert path is not None
    return path


def scan_qr(pdf: bytes, folder: Path) -> str:
    """What a phone does: rasterise a PDF's page in ``folder`` and decode its QR code."""
    pdftoppm, zbarimg = require_tool("pdftoppm"), require_tool("zbarimg")
    (folder / "piagam.pdf").write_bytes(pdf)
    subprocess.run(
        [pdftoppm, "-png", "-r", "150", "-singlefile", "piagam.pdf", "page"],
        cwd=folder,
        check=True,
    )
    decoded = subprocess.run(
        [zbarimg, "--raw", "-q", "page.png"], cwd=folder, capture_output=True, text=True
    )
    assert decoded.returncode == 0, decoded.stderr
    return decoded.stdout.strip()


@contextmanager
def chromium() -> Iterator[Any]:
    """A running headless Chromium (skipped here, failed in CI, when it or Playwright is
    missing)."""
    require("chromium (apt-get install chromium)", os.path.exists(CHROMIUM))
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require("playwright (pip install playwright)", False)
        raise
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def axe_source() -> str:
    manifest = json.loads((ROOT / "vendor.lock.json").read_text())
    axe = next(p for p in manifest["packages"] if p["name"] == "axe-core")
    dest: str = axe["dest"]
    return (ROOT / dest / "axe.min.js").read_text()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on ``page`` as it is."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated, not injected as a <script>: the page's CSP forbids inline scripts.
        page.evaluate(axe_source())
    result: dict[str, Any] = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


class AppPage:
    """One device on a web app: a browser context and its page. Console errors are kept in
    ``errors`` (a test ends with none) but those matching ``EXPECTED``, which the app's own
    situation explains (a refused request, a server that is down)."""

    EXPECTED = r"Failed to load resource"

    def __init__(
        self, browser: Any, base_url: str, viewport: dict[str, int], **context: Any
    ) -> None:
        self.base_url = base_url
        self.context = browser.new_context(viewport=viewport, locale="id-ID", **context)
        self.page = self.context.new_page()
        self.page.set_default_timeout(WAIT_MS)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        self.page.on("console", self._console)

    def _console(self, message: Any) -> None:
        # A policy violation or a script error is a failure.
        if message.type == "error" and not re.search(self.EXPECTED, message.text):
            self.errors.append(message.text)

    def close(self) -> None:
        self.context.close()

    def axe(self) -> list[dict[str, Any]]:
        """axe-core's serious and critical violations on the screen as it is."""
        return axe_violations(self.page)


P = TypeVar("P", bound=AppPage)


@contextmanager
def devices(page: type[P], browser: Any, base_url: str) -> Iterator[Callable[..., P]]:
    """New devices (browser contexts) of the ``page`` object, on ``base_url`` unless given
    another; on leaving, every one is closed and none may have logged an error."""
    made: list[P] = []

    def new(url: str | None = None, **opts: Any) -> P:
        device = page(browser, url or base_url, **opts)
        made.append(device)
        return device

    yield new
    errors = [error for device in made for error in device.errors]
    for device in made:
        device.close()
    assert errors == []
