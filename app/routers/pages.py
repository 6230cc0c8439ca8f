"""Pages outside ``/api/v1``: the verification page a certificate's QR code opens
(``/verify/{code}``), and the jurors' tablet app (``/juri/``).

The verify page lives outside ``/api/v1`` because paper outlives API versions. Plain HTML
for a phone's browser: no JavaScript, autoescaped templates, and a policy that forbids any
script. The juror app is static files (``app/static/juri/``) served from this origin, a
client of the public API and nothing else.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from app import __version__
from app.enums import CertificateKind
from app.errors import NotFound
from app.models import Certificate
from app.routers.deps import SessionDep
from app.routers.templates import PAGE_CSP, page_headers, render
from app.services import certificate_pdf, certificates
from app.services.dates import day_month_year

router = APIRouter(tags=["public"])

# A certificate can be revoked at any time: always ask again (no-cache).
_HEADERS = page_headers(
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
KINDS = {"winner": "Pemenang", "participant": "Peserta", "juror": "Dewan Juri"}
RECIPIENTS = {"opd": "Perangkat Daerah (OPD)", "innovator": "Inovator", "juror": "Juri"}


def _page(template: str, status_code: int, **context: Any) -> HTMLResponse:
    html = render(template, **context)
    return HTMLResponse(html, status_code=status_code, headers=_HEADERS)


def _standing(kind: str, rank: int | None, award_name: str | None) -> str:
    """What the certificate recognises: "Juara I (peringkat 1)", "Peserta (peringkat 7)"."""
    label = award_name if kind == CertificateKind.WINNER and award_name else KINDS.get(kind, kind)
    return f"{label} (peringkat {rank})" if rank is not None else label


def _link(cert: Certificate | None) -> dict[str, str] | None:
    """Another certificate of a reissue, as the page links it: its number and page."""
    if cert is None:
        return None
    return {"number": cert.number, "url": f"/verify/{cert.code}"}


_FORM_HEADERS = page_headers(PAGE_CSP)


@router.get("/verify", include_in_schema=False, response_model=None)
async def read_verify_form(code: str | None = None) -> HTMLResponse | RedirectResponse:
    """A form to type a certificate's code; sent, it leads to ``/verify/{code}``."""
    typed = (code or "").strip().replace(" ", "")
    if typed:
        return RedirectResponse(f"/verify/{quote(typed[:64], safe='')}", status_code=303)
    html = render("site/verify_form.html", version=__version__, empty=code is not None)
    return HTMLResponse(html, headers=_FORM_HEADERS)


@router.get(
    "/verify/{code}",
    response_class=HTMLResponse,
    responses={
        200: {"content": {"text/html": {}}, "description": "The certificate: valid or revoked"},
        404: {"content": {"text/html": {}}, "description": "No certificate has this code"},
    },
)
async def read_verify_page(code: str, session: SessionDep) -> HTMLResponse:
    """The page a certificate's QR code opens: says plainly whether the certificate is valid
    (SAH) or revoked (DICABUT), with its recipient, innovation, rank, convention, date and
    number; a reissued one links to the piagam that replaces it, and the replacement to the
    one it replaces. An unknown code answers a 404 page saying so."""
    try:
        cert, convention = certificates.find_by_code(session, code)
    except NotFound:
        return _page("verify_unknown.html", 404, code=code[:64])
    certificate = {
        "number": cert.number,
        "code": cert.code,
        "kind": cert.kind,
        "title": certificate_pdf.TITLES.get(cert.kind, "SERTIFIKAT").title(),
        "recipient_name": cert.recipient_name,
        "recipient_type": RECIPIENTS.get(cert.recipient_type, cert.recipient_type),
        "standing": _standing(cert.kind, cert.rank, cert.award_name),
        "entry_title": cert.entry_title,
        "opd_name": cert.opd_name if cert.recipient_type != "opd" else None,
        "convention": certificate_pdf.convention_label(convention.name, convention.year),
        # The date the piagam carries: its convention's ceremony, else its day of issue.
        "issued_on": (
            day_month_year(convention.ceremony_date)
            if convention.ceremony_date
            else certificate_pdf.indonesian_date(cert.issued_at)
        ),
        "revoked": cert.revoked_at is not None,
        "revoked_on": (
            certificate_pdf.indonesian_date(cert.revoked_at) if cert.revoked_at else None
        ),
        "revoked_reason": cert.revoked_reason,
        "pdf_url": f"/api/v1/certificates/{cert.code}.pdf",
        "replaced_by": _link(certificates.replacement_of(session, cert)),
        "replaces": _link(session.get(Certificate, cert.replaces_id) if cert.replaces_id else None),
    }
    return _page("verify.html", 200, c=certificate)


# --- the jurors' tablet app ---------------------------------------------------------------

JURI_DIR = Path(__file__).resolve().parent.parent / "static" / "juri"
# What both web apps import (ES modules, the base stylesheet), served as ``/static/common/``.
COMMON_DIR = JURI_DIR.parent / "common"
COMMON_URL = "/static/common/"
JURI_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
# Always revalidated (ETag) when online; the service worker keeps a copy for offline.
_JURI_HEADERS = page_headers(JURI_CSP)
MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".webmanifest": "application/manifest+json",
}


@dataclass(frozen=True, slots=True)
class Asset:
    body: bytes
    media_type: str
    etag: str


def _files(directory: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    """The contents of every servable file under ``directory``, by relative path (none under
    the folders ``skip`` names)."""
    files = {}
    for path in sorted(directory.rglob("*")):
        name = path.relative_to(directory).as_posix()
        if path.is_file() and path.suffix in MEDIA_TYPES and not name.startswith(skip):
            files[name] = path.read_bytes()
    return files


def _asset(name: str, body: bytes) -> Asset:
    return Asset(body, MEDIA_TYPES[Path(name).suffix], f'"{hashlib.sha256(body).hexdigest()[:32]}"')


@functools.cache
def juri_assets() -> dict[str, Asset]:
    """The app's files by path under ``/juri/``, read once per process. The service worker
    gets its shell list and a version (a hash of every other file) prepended, so that any
    change to the app installs a fresh copy on the tablets. The shell includes the modules
    and styles both apps share (``/static/common/``, served by app/routers/site.py)."""
    files = _files(JURI_DIR)
    shell = {
        "/juri/" if name == "index.html" else f"/juri/{name}": body
        for name, body in files.items()
        if name != "sw.js"
    }
    shell |= {f"{COMMON_URL}{name}": body for name, body in _files(COMMON_DIR).items()}
    digest = hashlib.sha256()
    for url, body in shell.items():
        digest.update(url.encode() + b"\0" + body + b"\0")
    manifest = {"version": digest.hexdigest()[:16], "files": list(shell)}
    files["sw.js"] = f"const SHELL = {json.dumps(manifest)};\n".encode() + files["sw.js"]
    return {name: _asset(name, body) for name, body in files.items()}


@router.get("/juri", include_in_schema=False)
async def redirect_to_juri() -> RedirectResponse:
    """The app lives at ``/juri/`` (the service worker's scope)."""
    return RedirectResponse("/juri/", status_code=308)


def serve_asset(asset: Asset, request: Request, headers: dict[str, str]) -> Response:
    """An app's file with its ETag, or a 304 when the browser holds it already."""
    headers = {**headers, "ETag": asset.etag}
    if request.headers.get("if-none-match") == asset.etag:
        return Response(status_code=304, headers=headers)
    return Response(asset.body, media_type=asset.media_type, headers=headers)


def serve_app_file(
    assets: dict[str, Asset], path: str, request: Request, headers: dict[str, str], app: str
) -> Response:
    """The file at ``path`` of a web app (its page, ``index.html``, for the root); 404 when
    ``app`` has no such file."""
    asset = assets.get(path or "index.html")
    if asset is None:
        raise NotFound(f"{app} has no file {path!r}.")
    return serve_asset(asset, request, headers)


def read_assets(directory: Path, skip: tuple[str, ...] = ()) -> dict[str, Asset]:
    """Every servable file under ``directory`` (none under ``skip``) by its relative path,
    with its ETag."""
    return {name: _asset(name, body) for name, body in _files(directory, skip).items()}


@router.get("/juri/{path:path}", include_in_schema=False)
async def read_juri_file(path: str, request: Request) -> Response:
    """A file of the jurors' app; ``/juri/`` is its page."""
    return serve_app_file(juri_assets(), path, request, _JURI_HEADERS, "The juror app")
