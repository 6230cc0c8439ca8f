"""Public certificate verification (no token): what the printed piagam shows, and whether it
still stands."""

from __future__ import annotations

from fastapi import APIRouter

from app.db import SessionDep
from app.schemas import CertificateVerifyOut
from app.services import awards

router = APIRouter(tags=["public"])

# The PDF route (``/certificates/{code}.pdf``) must be declared before the JSON one below:
# ``{code}`` would otherwise swallow the ``.pdf``.


@router.get("/certificates/{code}", responses={404: {"description": "Unknown code"}})
async def verify_certificate(code: str, session: SessionDep) -> CertificateVerifyOut:
    """Verify a certificate by the code printed on it: valid or revoked, with the recipient,
    innovation, rank, convention and date. Never a NIP."""
    cert, convention = awards.find_by_code(session, code)
    return CertificateVerifyOut.model_validate(awards.verification_dict(cert, convention))
