"""What the two web apps served as files share (issues 14 and 15): the jurors' app at
``/juri/`` and the secretariat's dashboard at ``/sekretariat/`` (each with the modules both
load from ``/static/common/``). Each is a row of ``APPS``; what one app alone does is in
``test_juri_app.py`` and ``test_dashboard.py``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.routers.dashboard import DASHBOARD_DIR, dashboard_assets
from app.routers.pages import JURI_DIR, juri_assets
from tests.app import factories as f
from tests.app.static_apps import (
    JS_CSS,
    SVG_NAMESPACE,
    app_files,
    assert_files_served,
    assert_imports_resolve,
    assert_reaches_nothing_outside,
    assert_strict_page,
)

TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".html": "text/html; charset=utf-8",
}


@dataclass(frozen=True)
class App:
    prefix: str  # "/juri/"
    directory: Path
    assets: Callable[[], Mapping[str, object]]  # what the app serves, by path
    types: dict[str, str]
    budget: int  # bytes of JavaScript and CSS, before compression
    cached: str  # a file to fetch again with its ETag
    unknown: tuple[str, ...]  # paths that are no file of the app
    rewritten: tuple[str, ...] = ()  # files served otherwise than they are on disk


APPS = {
    "juri": App(
        "/juri/",
        JURI_DIR,
        juri_assets,
        TYPES | {".webmanifest": "application/manifest+json"},
        200_000,
        "app.css",
        ("nope.js", "js/", "..%2Fmain.py", "%2e%2e/routers/pages.py"),
        rewritten=("sw.js",),
    ),
    "sekretariat": App(
        "/sekretariat/",
        DASHBOARD_DIR,
        dashboard_assets,
        TYPES,
        150_000,
        "js/main.js",
        (
            "nope.js",
            "js/",
            "..%2Fmain.py",
            "%2e%2e/routers/dashboard.py",
            "js/main.js/",
            "JS/MAIN.JS",
        ),
    ),
}
apps = pytest.mark.parametrize("app", APPS.values(), ids=APPS.keys())


@apps
def test_without_slash_redirects_to_the_app(static: TestClient, app: App) -> None:
    response = static.get(app.prefix.rstrip("/"), follow_redirects=False)
    assert response.status_code == 308
    assert response.headers["location"] == app.prefix


@apps
def test_page_is_served_with_a_policy_that_forbids_inline_and_foreign_code(
    static: TestClient, app: App
) -> None:
    assert_strict_page(static.get(app.prefix), f"{app.prefix}js/main.js")


@apps
def test_every_file_is_served_with_its_type_policy_and_etag(static: TestClient, app: App) -> None:
    assert_files_served(
        static, app.prefix, app.directory, app.assets(), app.types, rewritten=app.rewritten
    )


@apps
def test_every_module_import_resolves_to_a_served_file(static: TestClient, app: App) -> None:
    assert_imports_resolve(static, app.prefix, app.directory)


@apps
def test_unchanged_file_is_a_304_and_a_changed_one_is_sent(static: TestClient, app: App) -> None:
    url = f"{app.prefix}{app.cached}"
    first = static.get(url)
    again = static.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    assert "script-src 'self'" in again.headers["content-security-policy"]
    stale = static.get(url, headers={"If-None-Match": '"0"'})
    assert stale.status_code == 200
    assert stale.content == first.content


@pytest.mark.parametrize(
    "path", [app.prefix + path for app in APPS.values() for path in app.unknown]
)
def test_unknown_file_is_a_404_problem(static: TestClient, path: str) -> None:
    f.problem(static.get(path), 404, "not-found")


@apps
def test_shell_weighs_under_its_budget(app: App) -> None:
    weight = sum(p.stat().st_size for p in app_files(app.directory, JS_CSS))
    assert weight < app.budget, f"JS and CSS weigh {weight} bytes"


@apps
def test_app_reaches_nothing_outside_its_origin(app: App) -> None:
    paths = app_files(app.directory, tuple(app.types))
    assert_reaches_nothing_outside(paths, names=(SVG_NAMESPACE,))
