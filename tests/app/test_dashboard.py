"""The secretariat's dashboard as files the service serves at ``/sekretariat/`` (issue 15):
what it alone does; what it shares with the jurors' app (headers, policy, ETags, weight, what
it may reach) is in ``test_static_apps.py``. Its behaviour in a browser against a real server
is in ``tests/slow/test_dashboard.py``."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from app.routers.dashboard import DASHBOARD_DIR
from app.routers.pages import COMMON_DIR
from tests.app import factories as f
from tests.app.static_apps import app_files, files_of


def test_dashboard_files_are_not_served_as_static_files(static: TestClient) -> None:
    """One address per file: ``/sekretariat/…`` with its policy, not ``/static/…``."""
    f.problem(static.get("/static/sekretariat/index.html"), 404, "not-found")


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


def test_every_route_the_dashboard_calls_is_in_the_api(static: TestClient) -> None:
    """A route renamed or mistyped in a script fails here, not at the venue: each call the
    scripts write out is a route and method of the OpenAPI schema."""
    schema = static.get("/openapi.json").json()
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
