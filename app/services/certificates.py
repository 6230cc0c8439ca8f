"""Certificates (piagam): issuing them in sequence, verifying, revoking and reissuing.

Certificate numbers follow the naskah-dinas style ``001/KIP-SLK/V/2018``: sequence, the
convention's letter code, the month of issue in Asia/Jakarta in Roman numerals, the year of
issue. The verification code is random (80 bits, base32) and unique across conventions.
"""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields, replace
from datetime import date, datetime
from operator import attrgetter
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.enums import CertificateKind, CertificateStatus, RecipientType, Role
from app.errors import ConventionState, NotFound
from app.models import Account, Certificate, Convention, Entry, Innovator, Opd, utcnow
from app.security import Principal
from app.services import audit, results
from app.services.common import get_in_convention, list_in_convention

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

    @classmethod
    def of(cls, cert: Certificate) -> Planned:
        """What ``cert`` was issued as (its reissue starts from it)."""
        return cls(**{field.name: getattr(cert, field.name) for field in fields(cls)})


TARGET = audit.Target("certificate", entry=attrgetter("entry_id"))


def _next_sequence(session: Session, convention_id: int) -> int:
    current = session.scalar(
        select(func.max(Certificate.sequence)).where(Certificate.convention_id == convention_id)
    )
    return (current or 0) + 1


def _unused_code(session: Session, used: set[str]) -> str:
    code = new_code()
    while (
        code in used
        or session.scalar(select(Certificate.id).where(Certificate.code == code)) is not None
    ):
        code = new_code()
    used.add(code)
    return code


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
        code = _unused_code(session, used_codes)
        session.add(_numbered(convention, sequence + offset, issued_at, code, planned))
    session.flush()
    return len(todo)


def _numbered(
    convention: Convention,
    sequence: int,
    issued_at: datetime,
    code: str,
    planned: Planned,
    **more: Any,
) -> Certificate:
    """The certificate ``planned`` as the convention's ``sequence``-th, issued at ``issued_at``."""
    number = letter_number(sequence, convention.letter_code, issued_at, convention.ceremony_date)
    return Certificate(
        convention_id=convention.id,
        sequence=sequence,
        number=number,
        code=code,
        issued_at=issued_at,
        **asdict(planned),
        **more,
    )


def issue_juror_certificates(session: Session, principal: Principal, convention: Convention) -> int:
    """Certificates of appreciation for every juror of the convention (idempotent), from
    final results only, as every certificate: numbered after the winners and participants."""
    results.final_result(session, convention.id, "certificates")
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
        after = {"certificates": issued}
        TARGET.record_all(session, principal, "certificates.jurors", convention.id, after=after)
    return issued


def replacements(session: Session, certs: Iterable[Certificate]) -> dict[int, str]:
    """The code of the certificate that replaces each of ``certs`` that was reissued."""
    ids = [c.id for c in certs if c.revoked_at is not None]
    if not ids:
        return {}
    return {
        replaces_id: code
        for replaces_id, code in session.execute(
            select(Certificate.replaces_id, Certificate.code).where(
                Certificate.replaces_id.in_(ids)
            )
        )
        if replaces_id is not None
    }


def certificate_dicts(session: Session, certs: Iterable[Certificate]) -> list[dict[str, Any]]:
    """``certificate_dict`` of each, with the code of its replacement (one query)."""
    certs = list(certs)
    replaced = replacements(session, certs)
    return [certificate_dict(c, replaced.get(c.id)) for c in certs]


def certificate_dict(cert: Certificate, replaced_by_code: str | None = None) -> dict[str, Any]:
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
        "replaces_id": cert.replaces_id,
        "replaced_by_code": replaced_by_code,
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
    return list_in_convention(
        session,
        Certificate,
        convention_id,
        limit,
        offset,
        kind=kind,
        recipient_type=recipient_type,
    )


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


def replacement_of(session: Session, cert: Certificate) -> Certificate | None:
    """The certificate that replaces ``cert``, if it was reissued."""
    return session.scalar(select(Certificate).where(Certificate.replaces_id == cert.id))


def verification_dict(
    session: Session, cert: Certificate, convention: Convention
) -> dict[str, Any]:
    replacement = replacement_of(session, cert)
    body = certificate_dict(cert, replacement.code if replacement else None)
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
        after = {"number": cert.number, "reason": reason}
        TARGET.record(session, principal, "certificate.revoke", cert, after=after)
    return cert


def _names_now(session: Session, cert: Certificate) -> tuple[str, str | None, str | None]:
    """The recipient's name, the entry's title and its OPD's name as they stand now; what
    the certificate recorded where the recipient or entry no longer exists."""
    name, title, opd_name = cert.recipient_name, cert.entry_title, cert.opd_name
    if cert.entry_id is not None:
        row = session.execute(
            select(Entry.title, Opd.name)
            .join(Opd, Opd.id == Entry.opd_id)
            .where(Entry.id == cert.entry_id)
        ).one_or_none()
        if row is not None:
            title, opd_name = row
    kind, _, key = cert.recipient_key.partition(":")
    current: str | None = None
    if kind == RecipientType.OPD:
        current = opd_name
    elif kind == RecipientType.INNOVATOR and key.isdigit():
        current = session.scalar(
            select(Innovator.name).where(
                Innovator.id == int(key), Innovator.entry_id == cert.entry_id
            )
        )
    elif kind == RecipientType.JUROR and key.isdigit():
        current = session.scalar(
            select(Account.full_name).where(
                Account.id == int(key), Account.convention_id == cert.convention_id
            )
        )
    return current or name, title, opd_name


def reissue(
    session: Session, principal: Principal, convention: Convention, cert: Certificate
) -> Certificate:
    """A new certificate for the recipient of a revoked one that has no replacement yet: the
    next number, a new code, the names as they stand now, the same kind, rank and award.
    Anything else is 409 ``convention-state``."""
    # One writer at a time per convention: numbers are a sequence (as when issuing awards).
    session.execute(select(Convention.id).where(Convention.id == convention.id).with_for_update())
    session.refresh(cert)
    if cert.revoked_at is None:
        raise ConventionState(f"Certificate {cert.number} is valid; revoke it before reissuing it.")
    replacement = replacement_of(session, cert)
    if replacement is not None:
        raise ConventionState(
            f"Certificate {cert.number} was already reissued as {replacement.number}; "
            "revoke that one to reissue again."
        )
    name, title, opd_name = _names_now(session, cert)
    issued_at = utcnow()
    sequence = _next_sequence(session, convention.id)
    planned = replace(Planned.of(cert), recipient_name=name, entry_title=title, opd_name=opd_name)
    code = _unused_code(session, set())
    new = _numbered(
        convention,
        sequence,
        issued_at,
        code,
        planned,
        generation=cert.generation + 1,
        replaces_id=cert.id,
    )
    session.add(new)
    session.flush()
    before = {"id": cert.id, "number": cert.number, "recipient_name": cert.recipient_name}
    after = {"id": new.id, "number": new.number, "recipient_name": new.recipient_name}
    TARGET.record(session, principal, "certificate.reissue", new, before=before, after=after)
    return new
