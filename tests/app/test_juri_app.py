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

from app.routers.pages import COMMON_DIR, COMMON_URL, JURI_DIR, juri_assets
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

ROOT = Path(__file__).resolve().parents[2]
BUDGET = 200_000  # bytes of JavaScript and CSS, before compression


@pytest.fixture(scope="module")
def client() -> TestClient:
    return static_client()


def test_juri_without_slash_redirects_to_the_app(client: TestClient) -> None:
    response = client.get("/juri", follow_redirects=False)
    assert response.status_code == 308
    assert response.headers["location"] == "/juri/"


def test_app_page_is_served_with_a_policy_that_forbids_inline_scripts(client: TestClient) -> None:
    assert_strict_page(client.get("/juri/"), "/juri/js/main.js")


def test_every_file_of_the_app_is_served_with_its_type_and_policy(client: TestClient) -> None:
    types = {
        ".js": "text/javascript; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".svg": "image/svg+xml",
        ".webmanifest": "application/manifest+json",
        ".html": "text/html; charset=utf-8",
    }
    assert_files_served(client, "/juri/", JURI_DIR, juri_assets(), types, rewritten=("sw.js",))


def test_every_module_import_resolves_to_a_served_file(client: TestClient) -> None:
    assert_imports_resolve(client, "/juri/", JURI_DIR)


def test_service_worker_lists_the_shell_and_its_version(client: TestClient) -> None:
    body = client.get("/juri/sw.js").text
    first, rest = body.split("\n", 1)
    assert first.startswith("const SHELL = ") and first.endswith(";")
    shell = json.loads(first.removeprefix("const SHELL = ").removesuffix(";"))
    assert re.fullmatch(r"[0-9a-f]{16}", shell["version"])
    assert "/juri/" in shell["files"] and "/juri/js/main.js" in shell["files"]
    assert "/juri/sw.js" not in shell["files"]
    own = {"/juri/" if name == "index.html" else f"/juri/{name}" for name in juri_assets()}
    shared = {
        f"{COMMON_URL}{p.relative_to(COMMON_DIR).as_posix()}" for p in files_of(COMMON_DIR, JS_CSS)
    }
    assert set(shell["files"]) == (own - {"/juri/sw.js"}) | shared
    assert len(shell["files"]) == len(set(shell["files"]))
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
    weight = sum(p.stat().st_size for p in app_files(JURI_DIR, JS_CSS))
    assert weight < BUDGET, f"JS and CSS weigh {weight} bytes"


def test_app_reaches_nothing_outside_its_origin() -> None:
    paths = app_files(JURI_DIR, (".js", ".css", ".html", ".webmanifest"))
    assert_reaches_nothing_outside(paths, names=(SVG_NAMESPACE,))


def test_package_data_ships_every_static_file() -> None:
    """A wheel carries what pyproject's package-data names: every served file must match."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["app"]
    app_dir = ROOT / "app"
    shipped = {p for pattern in patterns for p in app_dir.glob(pattern) if p.is_file()}
    static = {p for p in (app_dir / "static").rglob("*") if p.is_file()}
    assert static and static <= shipped
