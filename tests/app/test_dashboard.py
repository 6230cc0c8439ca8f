"""The secretariat's dashboard as files the service serves at ``/sekretariat/`` (issue 15):
headers, policy, ETags, weight, what it may reach. Its behaviour in a browser against a real
server is in ``tests/slow/test_dashboard.py``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.routers.dashboard import DASHBOARD_DIR, dashboard_assets
from tests.app import factories as f
from tests.app.conftest import SECRET

BUDGET = 150_000  # bytes of JavaScript and CSS, before compression
# The one absolute URL a file may hold: the SVG namespace, which is a name, never fetched.
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".html": "text/html; charset=utf-8",
}


@pytest.fixture(scope="module")
def client() -> TestClient:
    """Static files need no database: one app, one engine."""
    return TestClient(create_app(Settings(secret_key=SECRET, database_url="sqlite://")))


def _files(suffixes: tuple[str, ...]) -> list[Path]:
    return sorted(p for p in DASHBOARD_DIR.rglob("*") if p.is_file() and p.suffix in suffixes)


def test_dashboard_without_slash_redirects_to_it(client: TestClient) -> None:
    response = client.get("/sekretariat", follow_redirects=False)
    assert response.status_code == 308
    assert response.headers["location"] == "/sekretariat/"


def test_page_is_served_with_a_policy_that_forbids_inline_and_foreign_code(
    client: TestClient,
) -> None:
    response = client.get("/sekretariat/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    csp = response.headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-cache"
    page = response.text
    assert '<html lang="id">' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts == ['<script type="module" src="/sekretariat/js/main.js">']
    assert "<style" not in page
    assert not re.search(r"\sstyle=|\son[a-z]+=", page)


def test_every_file_is_served_with_its_type_policy_and_etag(client: TestClient) -> None:
    files = _files(tuple(TYPES))
    assert {p.relative_to(DASHBOARD_DIR).as_posix() for p in files} == set(dashboard_assets())
    for path in files:
        name = path.relative_to(DASHBOARD_DIR).as_posix()
        response = client.get(f"/sekretariat/{name}")
        assert response.status_code == 200, name
        assert response.headers["content-type"] == TYPES[path.suffix], name
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert re.fullmatch(r'"[0-9a-f]{32}"', response.headers["etag"]), name
        assert response.content == path.read_bytes(), name


def test_every_module_import_resolves_to_a_served_file(client: TestClient) -> None:
    for path in _files((".js",)):
        for target in re.findall(r'from "(\.{1,2}/[^"]+)"', path.read_text()):
            resolved = (path.parent / target).resolve().relative_to(DASHBOARD_DIR).as_posix()
            assert client.get(f"/sekretariat/{resolved}").status_code == 200, (path.name, target)


def test_unchanged_file_is_a_304_and_a_changed_one_is_sent(client: TestClient) -> None:
    first = client.get("/sekretariat/js/main.js")
    again = client.get("/sekretariat/js/main.js", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    assert "script-src 'self'" in again.headers["content-security-policy"]
    stale = client.get("/sekretariat/js/main.js", headers={"If-None-Match": '"0"'})
    assert stale.status_code == 200
    assert stale.content == first.content


@pytest.mark.parametrize(
    "path",
    [
        "/sekretariat/nope.js",
        "/sekretariat/js/",
        "/sekretariat/..%2Fmain.py",
        "/sekretariat/%2e%2e/routers/dashboard.py",
        "/sekretariat/js/main.js/",
        "/sekretariat/JS/MAIN.JS",
    ],
)
def test_unknown_file_is_a_404_problem(client: TestClient, path: str) -> None:
    f.problem(client.get(path), 404, "not-found")


def test_dashboard_files_are_not_served_as_static_files(client: TestClient) -> None:
    """One address per file: ``/sekretariat/…`` with its policy, not ``/static/…``."""
    f.problem(client.get("/static/sekretariat/index.html"), 404, "not-found")


def test_shell_weighs_under_its_budget() -> None:
    weight = sum(p.stat().st_size for p in _files((".js", ".css")))
    assert weight < BUDGET, f"JS and CSS weigh {weight} bytes"


def test_dashboard_reaches_nothing_outside_its_origin() -> None:
    for path in _files((".js", ".css", ".html", ".svg")):
        text = path.read_text().replace(SVG_NAMESPACE, "")
        assert not re.search(r"https?://|//cdn|@import|url\(\s*['\"]?//", text), path.name
        # Data goes into the page as text, never parsed as HTML or run as code.
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|eval\(|new Function", text), (
            path.name
        )
        assert 'setAttribute("style"' not in text


def test_every_api_call_stays_under_api_v1() -> None:
    """A client of /api/v1 and nothing else: the one fetch() goes through api.js's base."""
    fetches = {p.name for p in _files((".js",)) if "fetch(" in p.read_text()}
    assert fetches == {"api.js"}
    assert 'const BASE = "/api/v1";' in (DASHBOARD_DIR / "js" / "api.js").read_text()


def test_landing_page_links_the_dashboard() -> None:
    landing = DASHBOARD_DIR.parents[1] / "templates" / "site" / "landing.html"
    assert 'href="/sekretariat/"' in landing.read_text()
