"""The service's own front door: the landing page (``/``), the API reference (``/docs``,
``/redoc``) with Swagger UI and ReDoc served from this origin, and those vendored assets.

A venue may have a local network and no internet: nothing here loads from another origin.
The vendored files come from the npm registry, pinned in ``vendor.lock.json`` and fetched by
``scripts/vendor.py``; they are read once per process and served with a long cache, their
paths carrying the version.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from app import __version__
from app.errors import NotFound
from app.models import Convention, Result
from app.routers.deps import SessionDep
from app.routers.templates import render

router = APIRouter(include_in_schema=False)

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
SWAGGER = "/static/vendor/swagger-ui-dist-5.35.0"
REDOC = "/static/vendor/redoc-2.5.4/bundles/redoc.standalone.js"
FAVICON = "/static/favicon.svg"

_MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
}
# Swagger UI and ReDoc start with an inline script; they fetch /openapi.json and nothing
# else (ReDoc's search runs in a worker made from a blob).
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
PAGE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


@functools.cache
def static_files() -> dict[str, tuple[bytes, str, str]]:
    """Every servable file under ``app/static`` except the juror app and the dashboard
    (served by their own routers): path → (body, media type, ETag)."""
    files: dict[str, tuple[bytes, str, str]] = {}
    for path in sorted(STATIC_DIR.rglob("*")):
        relative = path.relative_to(STATIC_DIR).as_posix()
        if (
            not path.is_file()
            or relative.startswith(("juri/", "sekretariat/"))
            or path.suffix not in _MEDIA_TYPES
        ):
            continue
        body = path.read_bytes()
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        files[relative] = (body, _MEDIA_TYPES[path.suffix], etag)
    return files


@router.get("/static/{path:path}")
async def read_static_file(path: str, request: Request) -> Response:
    """A vendored asset (its path names its version: cached for a year) or the favicon."""
    found = static_files().get(path)
    if found is None:
        raise NotFound(f"No static file {path!r}.")
    body, media_type, etag = found
    cache = "public, max-age=31536000, immutable" if path.startswith("vendor/") else "no-cache"
    headers = {"ETag": etag, "Cache-Control": cache, "X-Content-Type-Options": "nosniff"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def _with_policy(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = DOCS_CSP
    page.headers["X-Content-Type-Options"] = "nosniff"
    page.headers["Referrer-Policy"] = "no-referrer"
    return page


@router.get("/docs")
async def read_swagger_ui() -> HTMLResponse:
    """Swagger UI: try every route from the browser (the lock button logs in)."""
    return _with_policy(
        get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Konvensi API",
            swagger_js_url=f"{SWAGGER}/swagger-ui-bundle.js",
            swagger_css_url=f"{SWAGGER}/swagger-ui.css",
            swagger_favicon_url=FAVICON,
            swagger_ui_parameters={"persistAuthorization": True, "displayOperationId": True},
        )
    )


@router.get("/redoc")
async def read_redoc() -> HTMLResponse:
    """ReDoc: the same reference as one readable page."""
    return _with_policy(
        get_redoc_html(
            openapi_url="/openapi.json",
            title="Konvensi API",
            redoc_js_url=REDOC,
            redoc_favicon_url=FAVICON,
            with_google_fonts=False,
        )
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
    return HTMLResponse(
        page,
        headers={
            "Content-Security-Policy": PAGE_CSP,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )
