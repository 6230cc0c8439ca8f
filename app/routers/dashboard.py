"""The secretariat's dashboard (``/sekretariat/``): static files served from this origin, a
client of the public API and nothing else (docs/api.md).

Unlike the juror app it has no service worker: it shows live data at the venue and is of no
use offline. Its policy is the juror app's: scripts, styles and fetches of this origin only;
downloads are made from blobs (an ``<a download>`` on an object URL), which is not a fetch.
"""

from __future__ import annotations

import functools
from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from app.routers.pages import Asset, read_assets, serve_app_file
from app.routers.templates import page_headers

router = APIRouter(tags=["public"])

DASHBOARD_DIR = Path(__file__).resolve().parent.parent / "static" / "sekretariat"
DASHBOARD_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
# Revalidated on every load (ETag): a new release shows at the next reload.
_HEADERS = page_headers(DASHBOARD_CSP)


@functools.cache
def dashboard_assets() -> dict[str, Asset]:
    """The dashboard's files by path under ``/sekretariat/``, read once per process."""
    return read_assets(DASHBOARD_DIR)


@router.get("/sekretariat", include_in_schema=False)
async def redirect_to_dashboard() -> RedirectResponse:
    """The dashboard lives at ``/sekretariat/`` (its files' relative base)."""
    return RedirectResponse("/sekretariat/", status_code=308)


@router.get("/sekretariat/{path:path}", include_in_schema=False)
async def read_dashboard_file(path: str, request: Request) -> Response:
    """A file of the secretariat's dashboard; ``/sekretariat/`` is its page."""
    return serve_app_file(dashboard_assets(), path, request, _HEADERS, "The dashboard")
