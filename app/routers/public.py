"""Public certificate verification (no token): what the printed piagam shows, and whether it
still stands."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from app.routers.deps import PublicUrl, SessionDep, client_address, download, file_answer, problems
from app.schemas import CertificateVerifyOut
from app.services import certificate_pdf, certificates, piagam_serving

router = APIRouter(tags=["public"])

# The PDF route (``/certificates/{code}.pdf``) must be declared before the JSON one below:
# ``{code}`` would otherwise swallow the ``.pdf``.


def _serving(request: Request) -> tuple[piagam_serving.Renderer, piagam_serving.AddressLimiter]:
    """This worker's cache, renderer and limiter of public PDFs, made on first use."""
    state = request.app.state
    found = getattr(state, "piagam_serving", None)
    if found is None:
        settings = state.settings
        cache = piagam_serving.PdfCache(settings.piagam_cache_mb * 1024 * 1024)
        found = (
            piagam_serving.Renderer(cache),
            piagam_serving.AddressLimiter(settings.piagam_rate_per_minute),
        )
        state.piagam_serving = found
    return found


@router.get(
    "/certificates/{code}.pdf",
    response_class=Response,
    responses={
        **file_answer("The printable certificate", "application/pdf"),
        304: {"description": "Not modified: the `ETag` sent in `If-None-Match` is current"},
        **problems(
            404,
            422,
            429,
            503,
            s404="`not-found`: unknown code",
            s429="`rate-limited`: too many PDFs from one address "
            "(`KONVENSI_PIAGAM_RATE_PER_MINUTE`)",
            s503="`unavailable`: the database is down, or too many PDFs are being drawn at once",
        ),
    },
)
async def read_certificate_pdf(
    code: str, session: SessionDep, request: Request, public_url: PublicUrl
) -> Response:
    """The certificate as a printable A4 landscape PDF, its QR code pointing at
    `{KONVENSI_PUBLIC_URL}/verify/{code}`. A revoked certificate still prints, marked
    DICABUT / REVOKED.

    Rendered once per state of the certificate (revoked, replaced, its names, the
    convention's piagam settings and logo, the public URL) and served from a cache after;
    the `ETag` names that state (`If-None-Match` → 304). At most
    `KONVENSI_PIAGAM_RATE_PER_MINUTE` requests a minute from one address (429 with
    `Retry-After`)."""
    renderer, limiter = _serving(request)
    limiter.take(client_address(request))
    cert, convention = certificates.find_by_code(session, code)
    data = certificate_pdf.piagam(
        cert,
        convention,
        public_url,
        logo=certificate_pdf.logo_of(session, convention.id),
        replaced_by_code=certificate_pdf.replacement_code(session, cert),
    )
    session.commit()  # the read is over: no connection is held while rendering
    key = piagam_serving.cache_key(data)
    headers = {
        "ETag": piagam_serving.etag(key),
        # Revocation must show at once: a client may keep it, and asks again each time.
        "Cache-Control": "no-cache",
    }
    if piagam_serving.matches(request.headers.get("if-none-match"), headers["ETag"]):
        return Response(status_code=304, headers=headers)
    body = await renderer.pdf(key, data)
    name = certificate_pdf.file_name(data.number)
    return download(body, "application/pdf", name, inline=True, headers=headers)


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
