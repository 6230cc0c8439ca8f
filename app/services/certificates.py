"""Certificates (piagam): issuing them in sequence, verifying and revoking.

Certificate numbers follow the naskah-dinas style ``001/KIP-SLK/V/2018``: sequence, the
convention's letter code, the month of issue in Asia/Jakarta in Roman numerals, the year of
issue. The verification code is random (80 bits, base32) and unique across conventions.
"""

from __future__ import annotations

import base64
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.enums import CertificateKind, CertificateStatus, RecipientType, Role
from app.errors import NotFound
from app.models import Account, Certificate, Convention, utcnow
from app.security import Principal
from app.services import audit
from app.services.common import get_in_convention, paginate

JAKARTA = ZoneInfo("Asia/Jakarta")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def letter_number(
    sequence: int, letter_code: str, issued_at: datetime, ceremony_date: date | None = None
) -> str:
    """``001/KIP-SLK/V/2018``: the month and year are the ceremony's when the convention sets
    its date, else those of the day of issue in Asia/Jakarta."""
    day = ceremony_date or issued_at.astimezone(JAKARTA).date()
    return f"{sequence:03d}/{letter_code}/{ROMAN[day.month - 1]}/{day.year}"


def new_code() -> str:
    """80 random bits as 16 base32 characters (no padding, no ambiguity of case)."""
    return base64.b32encode(secrets.token_bytes(10)).decode()


_BASE32 = re.compile(r"[A-Z2-7]+")


def normalise_code(code: str) -> str:
    return code.strip().upper()


@dataclass(frozen=True, slots=True)
class Planned:
    """A certificate to issue, in sequence order."""

    kind: str
    recipient_type: str
    recipient_key: str
    recipient_name: str
    entry_id: int | None
    juror_id: int | None
    rank: int | None
    award_name: str | None
    entry_title: str | None
    opd_name: str | None
    category: str | None = None


def _next_sequence(session: Session, convention_id: int) -> int:
    current = session.scalar(
        select(func.max(Certificate.sequence)).where(Certificate.convention_id == convention_id)
    )
    return (current or 0) + 1


def issue_planned(session: Session, convention: Convention, plan: list[Planned]) -> int:
    """Issue the planned certificates that do not exist yet; returns how many."""
    existing = {
        (kind, key)
        for kind, key in session.execute(
            select(Certificate.kind, Certificate.recipient_key).where(
                Certificate.convention_id == convention.id
            )
        )
    }
    todo = [p for p in plan if (p.kind, p.recipient_key) not in existing]
    if not todo:
        return 0
    issued_at = utcnow()
    sequence = _next_sequence(session, convention.id)
    used_codes: set[str] = set()
    for offset, planned in enumerate(todo):
        code = new_code()
        while (
            code in used_codes
            or session.scalar(select(Certificate.id).where(Certificate.code == code)) is not None
        ):
            code = new_code()
        used_codes.add(code)
        seq = sequence + offset
        session.add(
            Certificate(
                convention_id=convention.id,
                sequence=seq,
                number=letter_number(
                    seq, convention.letter_code, issued_at, convention.ceremony_date
                ),
                code=code,
                kind=planned.kind,
                recipient_type=planned.recipient_type,
                recipient_key=planned.recipient_key,
                recipient_name=planned.recipient_name,
                entry_id=planned.entry_id,
                juror_id=planned.juror_id,
                rank=planned.rank,
                category=planned.category,
                award_name=planned.award_name,
                entry_title=planned.entry_title,
                opd_name=planned.opd_name,
                issued_at=issued_at,
            )
        )
    session.flush()
    return len(todo)


def issue_juror_certificates(session: Session, principal: Principal, convention: Convention) -> int:
    """Certificates of appreciation for every juror of the convention (idempotent)."""
    jurors = session.execute(
        select(Account.id, Account.full_name)
        .where(Account.convention_id == convention.id, Account.role == Role.JUROR)
        .order_by(Account.id)
    ).all()
    plan = [
        Planned(
            CertificateKind.JUROR,
            RecipientType.JUROR,
            f"juror:{juror_id}",
            name,
            None,
            juror_id,
            None,
            None,
            None,
            None,
        )
        for juror_id, name in jurors
    ]
    issued = issue_planned(session, convention, plan)
    if issued:
        audit.record(
            session,
            actor=principal,
            action="certificates.jurors",
            target_type="certificate",
            target_id=None,
            convention_id=convention.id,
            after={"certificates": issued},
        )
    return issued


def certificate_dict(cert: Certificate) -> dict[str, Any]:
    return {
        "id": cert.id,
        "number": cert.number,
        "code": cert.code,
        "kind": cert.kind,
        "recipient_type": cert.recipient_type,
        "recipient_name": cert.recipient_name,
        "entry_id": cert.entry_id,
        "rank": cert.rank,
        "category": cert.category,
        "issued_at": cert.issued_at,
        "award_name": cert.award_name,
        "entry_title": cert.entry_title,
        "opd_name": cert.opd_name,
        "status": CertificateStatus.REVOKED
        if cert.revoked_at is not None
        else CertificateStatus.VALID,
        "revoked_at": cert.revoked_at,
        "revoked_reason": cert.revoked_reason,
    }


def list_certificates(
    session: Session,
    convention_id: int,
    *,
    kind: str | None,
    recipient_type: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Certificate], int]:
    stmt = select(Certificate).where(Certificate.convention_id == convention_id)
    if kind is not None:
        stmt = stmt.where(Certificate.kind == kind)
    if recipient_type is not None:
        stmt = stmt.where(Certificate.recipient_type == recipient_type)
    return paginate(session, stmt.order_by(Certificate.id), limit, offset)


def get_certificate(session: Session, convention_id: int, certificate_id: int) -> Certificate:
    return get_in_convention(session, Certificate, convention_id, certificate_id, "Certificate")


def find_by_code(session: Session, code: str) -> tuple[Certificate, Convention]:
    code = normalise_code(code)
    # Only a base32 string can be a code; anything else (a NUL, which PostgreSQL cannot even
    # compare) is unknown without asking the database.
    row = (
        session.execute(
            select(Certificate, Convention)
            .join(Convention, Convention.id == Certificate.convention_id)
            .where(Certificate.code == code)
        ).one_or_none()
        if 13 <= len(code) <= 32 and _BASE32.fullmatch(code)
        else None
    )
    if row is None:
        raise NotFound("No certificate has this verification code.")
    return row[0], row[1]


def verification_dict(cert: Certificate, convention: Convention) -> dict[str, Any]:
    body = certificate_dict(cert)
    body["convention"] = {"id": convention.id, "name": convention.name, "year": convention.year}
    body["convention_name"] = convention.name
    body["convention_year"] = convention.year
    return body


def revoke(session: Session, principal: Principal, cert: Certificate, reason: str) -> Certificate:
    """Revoke a certificate: it stays on record and verification says so."""
    if cert.revoked_at is None:
        cert.revoked_at = utcnow()
        cert.revoked_reason = reason
        session.flush()
        audit.record(
            session,
            actor=principal,
            action="certificate.revoke",
            target_type="certificate",
            target_id=cert.id,
            convention_id=cert.convention_id,
            entry_id=cert.entry_id,
            after={"number": cert.number, "reason": reason},
        )
    return cert
