"""The service's own front door: the landing page (``/``), the API reference (``/docs``,
``/redoc``) with Swagger UI and ReDoc served from this origin, and those vendored assets.

A venue may have a local network and no internet: nothing here loads from another origin.
The vendored files come from the npm registry, pinned in ``vendor.lock.json`` and fetched by
``scripts/vendor.py``; they are read once per process and served with a long cache, their
paths carrying the version.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from app import __version__
from app.errors import NotFound
from app.models import Convention, Result
from app.routers.deps import SessionDep
from app.routers.pages import Asset, read_assets, serve_asset
from app.routers.templates import PAGE_CSP, page_headers, render

router = APIRouter(include_in_schema=False)

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
SWAGGER = "/static/vendor/swagger-ui-dist-5.35.0"
REDOC = "/static/vendor/redoc-2.5.4/bundles/redoc.standalone.js"
FAVICON = "/static/favicon.svg"

# Swagger UI and ReDoc start with an inline script; they fetch /openapi.json and nothing
# else (ReDoc's search runs in a worker made from a blob).
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


@functools.cache
def static_files() -> dict[str, Asset]:
    """Every servable file under ``app/static`` except the juror app and the dashboard
    (served by their own routers), by path."""
    return read_assets(STATIC_DIR, skip=("juri/", "sekretariat/"))


@router.get("/static/{path:path}")
async def read_static_file(path: str, request: Request) -> Response:
    """A vendored asset (its path names its version: cached for a year) or the favicon."""
    found = static_files().get(path)
    if found is None:
        raise NotFound(f"No static file {path!r}.")
    cache = "public, max-age=31536000, immutable" if path.startswith("vendor/") else "no-cache"
    return serve_asset(
        found, request, {"Cache-Control": cache, "X-Content-Type-Options": "nosniff"}
    )


def _docs_page(make: Callable[..., HTMLResponse], **options: Any) -> HTMLResponse:
    """The reference as Swagger UI or ReDoc (``make``) shows it, with the docs' policy."""
    page = make(openapi_url="/openapi.json", title="Konvensi API", **options)
    page.headers.update(page_headers(DOCS_CSP, cache=None))
    return page


@router.get("/docs")
async def read_swagger_ui() -> HTMLResponse:
    """Swagger UI: try every route from the browser (the lock button logs in)."""
    return _docs_page(
        get_swagger_ui_html,
        swagger_js_url=f"{SWAGGER}/swagger-ui-bundle.js",
        swagger_css_url=f"{SWAGGER}/swagger-ui.css",
        swagger_favicon_url=FAVICON,
        swagger_ui_parameters={"persistAuthorization": True, "displayOperationId": True},
    )


@router.get("/redoc")
async def read_redoc() -> HTMLResponse:
    """ReDoc: the same reference as one readable page."""
    return _docs_page(
        get_redoc_html, redoc_js_url=REDOC, redoc_favicon_url=FAVICON, with_google_fonts=False
    )


@router.get("/")
async def read_landing_page(session: SessionDep) -> HTMLResponse:
    """The front door: what this service is and where to go, in Indonesian with English;
    and the conventions whose results are published (``/hasil/{cid}``)."""
    published = session.execute(
        select(Convention.id, Convention.name, Convention.year, Result.status)
        .join(Result, Result.convention_id == Convention.id)
        .order_by(Convention.year.desc(), Convention.id.desc())
        .limit(50)
    ).all()
    page = render("site/landing.html", version=__version__, published=published)
    return HTMLResponse(page, headers=page_headers(PAGE_CSP, cache=None))
