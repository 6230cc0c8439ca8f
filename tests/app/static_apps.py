"""What the two web apps served as static files (``/juri/``, ``/sekretariat/``) share as a
contract: a page under a strict policy, every file with its type, module imports that resolve
(the shared modules of ``/static/common/`` too), and no reach outside the origin."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from app.routers.pages import COMMON_DIR, COMMON_URL

JS_CSS = (".js", ".css")
# The one absolute URL a file may hold: the SVG namespace, which is a name, never fetched.
SVG_NAMESPACE = "http://www.w3.org/2000/svg"


def files_of(directory: Path, suffixes: tuple[str, ...]) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file() and p.suffix in suffixes)


def assert_strict_page(response: Any, main_js: str) -> None:
    """The app's page: HTML under a policy that allows this origin's files only, revalidated on
    every load, with one module script and no inline script, style or handler."""
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    csp = response.headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    for name in ("default-src", "script-src", "style-src", "connect-src"):
        assert directives[name] == "'self'", name
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
    assert scripts == [f'<script type="module" src="{main_js}">']
    assert "<style" not in page
    assert not re.search(r"\sstyle=|\son[a-z]+=", page)


def assert_files_served(
    client: TestClient,
    prefix: str,
    directory: Path,
    served: Mapping[str, object],
    types: Mapping[str, str],
    *,
    rewritten: tuple[str, ...] = (),
) -> None:
    """Every file of ``types``' kinds under ``directory`` is what the app serves (``served``),
    at ``prefix`` + its path, with its type, the policy, a strong ETag and revalidation; its
    bytes as they are on disk (but the ``rewritten`` ones)."""
    files = files_of(directory, tuple(types))
    assert {p.relative_to(directory).as_posix() for p in files} == set(served)
    for path in files:
        name = path.relative_to(directory).as_posix()
        response = client.get(f"{prefix}{name}")
        assert response.status_code == 200, name
        assert response.headers["content-type"] == types[path.suffix], name
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["cache-control"] == "no-cache"
        assert re.fullmatch(r'"[0-9a-f]{32}"', response.headers["etag"]), name
        if name not in rewritten:
            assert response.content == path.read_bytes(), name


def app_files(directory: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """An app's own files and the ones both apps share (``/static/common/``)."""
    return files_of(directory, suffixes) + files_of(COMMON_DIR, suffixes)


def assert_imports_resolve(client: TestClient, prefix: str, directory: Path) -> None:
    """Every ``import … from "./x.js"`` of the app's modules and of the shared ones names a
    served file: relative to the module, or this origin's path (``/static/common/x.js``)."""
    for base, url in ((directory, prefix), (COMMON_DIR, COMMON_URL)):
        for path in files_of(base, (".js",)):
            for target in re.findall(r'from "(\.{0,2}/[^"]+)"', path.read_text()):
                if target.startswith("/"):
                    resolved = target
                else:
                    resolved = url + (path.parent / target).resolve().relative_to(base).as_posix()
                assert client.get(resolved).status_code == 200, (path.name, target)


def assert_reaches_nothing_outside(paths: list[Path], *, names: tuple[str, ...] = ()) -> None:
    """No file loads anything of another origin (``names``: absolute URLs that are names, never
    fetched), and data goes into the page as text, never parsed as HTML or run as code."""
    for path in paths:
        text = path.read_text()
        for name in names:
            text = text.replace(name, "")
        assert not re.search(r"https?://|//cdn|@import|url\(\s*['\"]?//", text), path.name
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|eval\(|new Function", text), (
            path.name
        )
        assert 'setAttribute("style"' not in text
