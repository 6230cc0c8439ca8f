"""The front door (``/``) and the API reference (``/docs``, ``/redoc``) served with every
asset from this origin: a venue may have a local network and no internet."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE)


def _assets(html: str) -> list[str]:
    return re.findall(r"""(?:src|href)="(/static/[^"]+)\"""", html)


def test_the_landing_page_links_every_door_in_indonesian_with_english(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    html = page.text
    assert '<html lang="id">' in html
    for href in ("/juri/", "/sekretariat/", "/verify", "/docs", "/redoc", "/openapi.json"):
        assert f'href="{href}"' in html, href
    assert "Aplikasi Juri" in html and "The jurors' tablet app" in html
    assert not EXTERNAL.search(html)


def test_docs_and_redoc_load_only_vendored_assets(client: TestClient) -> None:
    for path, expected in (
        ("/docs", {"swagger-ui-bundle.js", "swagger-ui.css", "favicon.svg"}),
        ("/redoc", {"redoc.standalone.js", "favicon.svg"}),
    ):
        page = client.get(path)
        assert page.status_code == 200
        assert "connect-src 'self'" in page.headers["content-security-policy"]
        html = page.text
        assert not EXTERNAL.search(html), path
        assert "fonts.googleapis" not in html and "cdn.jsdelivr" not in html
        assets = _assets(html)
        assert {a.rsplit("/", 1)[1] for a in assets} == expected
        for asset in assets:
            served = client.get(asset)
            assert served.status_code == 200, asset
            assert len(served.content) > 100
    assert "url: '/openapi.json'" in client.get("/docs").text


def test_vendored_files_are_cached_for_a_year_and_answer_304(client: TestClient) -> None:
    path = "/static/vendor/swagger-ui-dist-5.35.0/swagger-ui-bundle.js"
    served = client.get(path)
    assert served.headers["content-type"] == "text/javascript; charset=utf-8"
    assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
    again = client.get(path, headers={"If-None-Match": served.headers["etag"]})
    assert (again.status_code, again.content) == (304, b"")
    css = client.get("/static/vendor/swagger-ui-dist-5.35.0/swagger-ui.css")
    assert css.headers["content-type"] == "text/css; charset=utf-8"
    icon = client.get("/static/favicon.svg")
    assert icon.headers["content-type"] == "image/svg+xml"
    assert icon.headers["cache-control"] == "no-cache"
    # The licences travel with the files.
    licence = client.get("/static/vendor/swagger-ui-dist-5.35.0/swagger-ui-bundle.js.LICENSE.txt")
    assert licence.status_code == 200


def test_unknown_static_files_are_404_problems(client: TestClient) -> None:
    for path in ("/static/nope.js", "/static/juri/app.css", "/static/../app/main.py"):
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["type"] == "/problems/not-found"
