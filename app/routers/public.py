"""Public certificate verification (no token): what the printed piagam shows, and whether it
still stands."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from app.routers.deps import SessionDep, problems
from app.schemas import CertificateVerifyOut
from app.services import certificate_pdf, certificates

router = APIRouter(tags=["public"])

# The PDF route (``/certificates/{code}.pdf``) must be declared before the JSON one below:
# ``{code}`` would otherwise swallow the ``.pdf``.


@router.get(
    "/certificates/{code}.pdf",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}, "description": "The printable certificate"},
        **problems(404, 422, 503, s404="`not-found`: unknown code"),
    },
)
def read_certificate_pdf(code: str, session: SessionDep, request: Request) -> Response:
    """The certificate as a printable A4 landscape PDF, its QR code pointing at
    `{KONVENSI_PUBLIC_URL}/verify/{code}`. A revoked certificate still prints, marked
    DICABUT / REVOKED."""
    cert, convention = certificates.find_by_code(session, code)
    data = certificate_pdf.piagam(
        cert,
        convention,
        request.app.state.settings.effective_public_url,
        logo=certificate_pdf.logo_of(session, convention.id),
        replaced_by_code=certificate_pdf.replacement_code(session, cert),
    )
    # A def route (threadpool): rendering takes a while, after the read has ended.
    session.commit()
    return Response(
        certificate_pdf.render(data),
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{certificate_pdf.file_name(data.number)}"',
            "Cache-Control": "no-cache",
        },
    )


@router.get(
    "/certificates/{code}", responses=problems(404, 422, 503, s404="`not-found`: unknown code")
)
async def verify_certificate(code: str, session: SessionDep) -> CertificateVerifyOut:
    """Verify a certificate by the code printed on it: valid or revoked, with the recipient,
    innovation, rank, convention and date. Never a NIP."""
    cert, convention = certificates.find_by_code(session, code)
    return CertificateVerifyOut.model_validate(
        certificates.verification_dict(session, cert, convention)
    )
