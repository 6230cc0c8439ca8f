"""The secretariat's dashboard as files the service serves at ``/sekretariat/`` (issue 15):
headers, policy, ETags, weight, what it may reach. Its behaviour in a browser against a real
server is in ``tests/slow/test_dashboard.py``."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from app.routers.dashboard import DASHBOARD_DIR, dashboard_assets
from app.routers.pages import COMMON_DIR
from tests.app import factories as f
from tests.app.static_apps import (
    JS_CSS,
    SVG_NAMESPACE,
    app_files,
    assert_files_served,
    assert_imports_resolve,
    assert_reaches_nothing_outside,
    assert_strict_page,
    files_of,
    static_client,
)

BUDGET = 150_000  # bytes of JavaScript and CSS, before compression
TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".html": "text/html; charset=utf-8",
}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return static_client()


def test_dashboard_without_slash_redirects_to_it(client: TestClient) -> None:
    response = client.get("/sekretariat", follow_redirects=False)
    assert response.status_code == 308
    assert response.headers["location"] == "/sekretariat/"


def test_page_is_served_with_a_policy_that_forbids_inline_and_foreign_code(
    client: TestClient,
) -> None:
    assert_strict_page(client.get("/sekretariat/"), "/sekretariat/js/main.js")


def test_every_file_is_served_with_its_type_policy_and_etag(client: TestClient) -> None:
    assert_files_served(client, "/sekretariat/", DASHBOARD_DIR, dashboard_assets(), TYPES)


def test_every_module_import_resolves_to_a_served_file(client: TestClient) -> None:
    assert_imports_resolve(client, "/sekretariat/", DASHBOARD_DIR)


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
    weight = sum(p.stat().st_size for p in app_files(DASHBOARD_DIR, JS_CSS))
    assert weight < BUDGET, f"JS and CSS weigh {weight} bytes"


def test_dashboard_reaches_nothing_outside_its_origin() -> None:
    paths = app_files(DASHBOARD_DIR, (".js", ".css", ".html", ".svg"))
    assert_reaches_nothing_outside(paths, names=(SVG_NAMESPACE,))


def test_every_api_call_stays_under_api_v1() -> None:
    """A client of /api/v1 and nothing else: the one fetch() goes through the shared api.js's
    base, which the dashboard's api.js calls."""
    fetches = {p for p in app_files(DASHBOARD_DIR, (".js",)) if "fetch(" in p.read_text()}
    assert fetches == {COMMON_DIR / "api.js"}
    assert 'const BASE = "/api/v1";' in (COMMON_DIR / "api.js").read_text()
    assert 'from "/static/common/api.js";' in (DASHBOARD_DIR / "js" / "api.js").read_text()


def test_landing_page_links_the_dashboard() -> None:
    landing = DASHBOARD_DIR.parents[1] / "templates" / "site" / "landing.html"
    assert 'href="/sekretariat/"' in landing.read_text()


# --- the routes the dashboard calls exist -------------------------------------------------------

CALL = re.compile(
    r"api\.(getAll|get|post|patch|del|fetchFile|upload)\(\s*(api\.conv\(ctx\.cid,\s*)?([`\"])(.*?)\3"
    r"(\)?\s*,[^;\n]*?\"PUT\")?"
)
# The files of "Unduhan", fetched by api.fetchFile(api.conv(ctx.cid, d.path)).
DOWNLOAD = re.compile(r"\{\s*path:\s*([`\"])(/.*?)\1")
METHODS = {"get": "get", "getAll": "get", "fetchFile": "get", "post": "post", "patch": "patch"}
METHODS |= {"del": "delete", "upload": "post"}


def dashboard_calls() -> set[tuple[str, str]]:
    """(method, path template) of every call the dashboard's scripts write out: its path as
    the OpenAPI schema names it, ``{}`` for each parameter, the query left off."""
    calls = set()
    for path in files_of(DASHBOARD_DIR, (".js",)):
        source = path.read_text()
        found = [(name, conv, text, put) for name, conv, _q, text, put in CALL.findall(source)]
        found += [("fetchFile", "conv", text, "") for _q, text in DOWNLOAD.findall(source)]
        for name, conv, text, put in found:
            if not text.startswith("/"):
                continue  # api.js's own helpers, on a path they are given
            route = re.sub(r"\$\{[^}]*\}", "{}", text)
            route = re.split(r"[?$`]", route)[0]
            route = re.sub(r"(?<=[^/]){}.*$", "", route)  # `/x.pdf${query}`: the query
            prefix = "/api/v1/conventions/{}" if conv else "/api/v1"
            calls.add(("put" if put else METHODS[name], prefix + route))
    return calls


def test_every_route_the_dashboard_calls_is_in_the_api() -> None:
    """A route renamed or mistyped in a script fails here, not at the venue: each call the
    scripts write out is a route and method of the OpenAPI schema."""
    schema = static_client().get("/openapi.json").json()
    # `{cid}` matches any one segment, `…/exports/{kind}.{fmt}` any `…/exports/x.y`.
    routes = [
        (method, re.compile(re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(path))))
        for path, item in schema["paths"].items()
        for method in item
    ]
    calls = dashboard_calls()
    # The screens of 1.1: the piagam's corrections, logo and sample, and the accounts.
    for call in [
        ("get", "/api/v1/conventions/{}/certificates"),
        ("post", "/api/v1/conventions/{}/certificates/{}/revoke"),
        ("post", "/api/v1/conventions/{}/certificates/{}/reissue"),
        ("get", "/api/v1/conventions/{}/certificates/preview.pdf"),
        ("get", "/api/v1/conventions/{}/certificates.pdf"),
        ("put", "/api/v1/conventions/{}/logo"),
        ("delete", "/api/v1/conventions/{}/logo"),
        ("get", "/api/v1/accounts"),
        ("post", "/api/v1/accounts"),
        ("patch", "/api/v1/accounts/{}"),
    ]:
        assert call in calls, call
    assert len(calls) > 30
    unknown = [
        (method, path)
        for method, path in sorted(calls)
        if not any(m == method and route.fullmatch(path) for m, route in routes)
    ]
    assert unknown == []
