"""The jurors' app as files the service serves at ``/juri/`` (issue 14): headers, policy,
weight, what it may reach. The app's behaviour in a browser is in
``tests/slow/test_juri_app.py``; its arithmetic in ``test_juri_scoring.py``."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.routers.pages import JURI_DIR, juri_assets
from tests.app import factories as f
from tests.app.conftest import SECRET

ROOT = Path(__file__).resolve().parents[2]
BUDGET = 200_000  # bytes of JavaScript and CSS, before compression


@pytest.fixture(scope="module")
def client() -> TestClient:
    """Static files need no database: one app, one engine."""
    return TestClient(create_app(Settings(secret_key=SECRET, database_url="sqlite://")))


def _files(suffixes: tuple[str, ...]) -> list[Path]:
    return sorted(p for p in JURI_DIR.rglob("*") if p.is_file() and p.suffix in suffixes)


def test_juri_without_slash_redirects_to_the_app(client: TestClient) -> None:
    response = client.get("/juri", follow_redirects=False)
    assert response.status_code == 308
    assert response.headers["location"] == "/juri/"


def test_app_page_is_served_with_a_policy_that_forbids_inline_scripts(client: TestClient) -> None:
    response = client.get("/juri/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    csp = response.headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    page = response.text
    assert '<html lang="id">' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    # Every script is a file of this origin; no inline script, style or handler.
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts == ['<script type="module" src="/juri/js/main.js">']
    assert "<style" not in page
    assert not re.search(r"\sstyle=|\son[a-z]+=", page)


def test_every_file_of_the_app_is_served_with_its_type_and_policy(client: TestClient) -> None:
    types = {
        ".js": "text/javascript; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".svg": "image/svg+xml",
        ".webmanifest": "application/manifest+json",
        ".html": "text/html; charset=utf-8",
    }
    files = _files(tuple(types))
    assert {p.relative_to(JURI_DIR).as_posix() for p in files} == set(juri_assets())
    for path in files:
        name = path.relative_to(JURI_DIR).as_posix()
        response = client.get(f"/juri/{name}")
        assert response.status_code == 200, name
        assert response.headers["content-type"] == types[path.suffix], name
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["cache-control"] == "no-cache"
        if name != "sw.js":
            assert response.content == path.read_bytes(), name


def test_every_module_import_resolves_to_a_served_file(client: TestClient) -> None:
    for path in _files((".js",)):
        for target in re.findall(r'from "(\.{1,2}/[^"]+)"', path.read_text()):
            resolved = (path.parent / target).resolve().relative_to(JURI_DIR).as_posix()
            assert client.get(f"/juri/{resolved}").status_code == 200, (path.name, target)


def test_service_worker_lists_the_shell_and_its_version(client: TestClient) -> None:
    body = client.get("/juri/sw.js").text
    first, rest = body.split("\n", 1)
    assert first.startswith("const SHELL = ") and first.endswith(";")
    shell = json.loads(first.removeprefix("const SHELL = ").removesuffix(";"))
    assert re.fullmatch(r"[0-9a-f]{16}", shell["version"])
    assert "/juri/" in shell["files"] and "/juri/js/main.js" in shell["files"]
    assert "/juri/sw.js" not in shell["files"]
    assert len(shell["files"]) == len(juri_assets()) - 1
    for url in shell["files"]:
        assert client.get(url).status_code == 200, url
    assert rest == (JURI_DIR / "sw.js").read_text()


def test_unchanged_file_is_a_304(client: TestClient) -> None:
    first = client.get("/juri/app.css")
    again = client.get("/juri/app.css", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    stale = client.get("/juri/app.css", headers={"If-None-Match": '"0"'})
    assert stale.status_code == 200


@pytest.mark.parametrize(
    "path", ["/juri/nope.js", "/juri/js/", "/juri/..%2Fmain.py", "/juri/%2e%2e/routers/pages.py"]
)
def test_unknown_file_is_a_404_problem(client: TestClient, path: str) -> None:
    f.problem(client.get(path), 404, "not-found")


def test_shell_weighs_under_its_budget() -> None:
    weight = sum(p.stat().st_size for p in _files((".js", ".css")))
    assert weight < BUDGET, f"JS and CSS weigh {weight} bytes"


def test_app_reaches_nothing_outside_its_origin() -> None:
    for path in _files((".js", ".css", ".html", ".webmanifest")):
        text = path.read_text()
        assert not re.search(r"https?://|//cdn|@import", text), path.name
        # Data goes into the page as text, never parsed as HTML or run as code.
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|eval\(|new Function", text), (
            path.name
        )
        assert 'setAttribute("style"' not in text


def test_package_data_ships_every_static_file() -> None:
    """A wheel carries what pyproject's package-data names: every served file must match."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["app"]
    app_dir = ROOT / "app"
    shipped = {p for pattern in patterns for p in app_dir.glob(pattern) if p.is_file()}
    static = {p for p in (app_dir / "static").rglob("*") if p.is_file()}
    assert static and static <= shipped
