"""The public verification page a certificate's QR code opens: ``/verify/{code}``.

It lives outside ``/api/v1`` because paper outlives API versions. Plain HTML for a phone's
browser: no JavaScript, autoescaped templates, and a policy that forbids any script.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader

from app.enums import CertificateKind
from app.errors import NotFound
from app.routers.deps import SessionDep
from app.services import certificate_pdf, certificates

router = APIRouter(tags=["public"])

_templates = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent.parent / "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # A certificate can be revoked at any time: always ask again.
    "Cache-Control": "no-cache",
}
KINDS = {"winner": "Pemenang", "participant": "Peserta", "juror": "Dewan Juri"}
RECIPIENTS = {"opd": "Perangkat Daerah (OPD)", "innovator": "Inovator", "juror": "Juri"}


def _page(template: str, status_code: int, **context: Any) -> HTMLResponse:
    html = _templates.get_template(template).render(**context)
    return HTMLResponse(html, status_code=status_code, headers=_HEADERS)


def _standing(kind: str, rank: int | None, award_name: str | None) -> str:
    """What the certificate recognises: "Juara I (peringkat 1)", "Peserta (peringkat 7)"."""
    label = award_name if kind == CertificateKind.WINNER and award_name else KINDS.get(kind, kind)
    return f"{label} (peringkat {rank})" if rank is not None else label


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
    number. An unknown code answers a 404 page saying so."""
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
        "issued_on": certificate_pdf.indonesian_date(cert.issued_at),
        "revoked": cert.revoked_at is not None,
        "revoked_on": (
            certificate_pdf.indonesian_date(cert.revoked_at) if cert.revoked_at else None
        ),
        "revoked_reason": cert.revoked_reason,
        "pdf_url": f"/api/v1/certificates/{cert.code}.pdf",
    }
    return _page("verify.html", 200, c=certificate)
