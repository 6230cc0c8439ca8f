"""The jurors' app as files the service serves at ``/juri/`` (issue 14): what it alone does;
what it shares with the dashboard (headers, policy, weight, what it may reach) is in
``test_static_apps.py``. The app's behaviour in a browser is in ``tests/slow/test_juri_app.py``;
its arithmetic in ``test_juri_scoring.py``."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from fastapi.testclient import TestClient

from app.routers.pages import COMMON_DIR, COMMON_URL, JURI_DIR, juri_assets
from tests.app.static_apps import JS_CSS, files_of

ROOT = Path(__file__).resolve().parents[2]


def test_service_worker_lists_the_shell_and_its_version(static: TestClient) -> None:
    body = static.get("/juri/sw.js").text
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
        assert static.get(url).status_code == 200, url
    assert rest == (JURI_DIR / "sw.js").read_text()


def test_package_data_ships_every_static_file() -> None:
    """A wheel carries what pyproject's package-data names: every served file must match."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["app"]
    app_dir = ROOT / "app"
    shipped = {p for pattern in patterns for p in app_dir.glob(pattern) if p.is_file()}
    static = {p for p in (app_dir / "static").rglob("*") if p.is_file()}
    assert static and static <= shipped
