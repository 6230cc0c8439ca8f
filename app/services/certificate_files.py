"""A convention's certificates as files to print: one PDF of them all (a page each, in
certificate-number order) or a ZIP of one PDF each, both made as they are sent.

The certificates are read a few hundred at a time, each batch in a short transaction of its
own, as the file needs them; the rendering holds no connection. Both files come as chunks (a
few pages, or one certificate, each), so a response starts at once and a worker's memory holds
a batch and a chunk, never the file.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from app.db import Database
from app.models import Certificate, Convention
from app.services import certificate_pdf
from app.services.certificate_pdf import Piagam
from app.services.dates import JAKARTA

# Certificates read in one transaction, a batch at a time.
READ_BATCH = 500


@dataclass(frozen=True, slots=True)
class Choice:
    """Which certificates go into a file."""

    kind: str | None = None
    category: str | None = None
    include_revoked: bool = True


def _chosen(convention_id: int, choice: Choice) -> Select[Certificate, str]:
    replacement = aliased(Certificate)
    stmt = (
        select(Certificate, replacement.code)
        .outerjoin(replacement, replacement.replaces_id == Certificate.id)
        .where(Certificate.convention_id == convention_id)
    )
    if choice.kind is not None:
        stmt = stmt.where(Certificate.kind == choice.kind)
    if choice.category is not None:
        stmt = stmt.where(Certificate.category == choice.category)
    if not choice.include_revoked:
        stmt = stmt.where(Certificate.revoked_at.is_(None))
    return stmt


def count(session: Session, convention_id: int, choice: Choice) -> int:
    """How many certificates ``choice`` takes."""
    chosen = _chosen(convention_id, choice).subquery()
    return session.scalar(select(func.count()).select_from(chosen)) or 0


def piagams(
    session: Session, convention: Convention, public_url: str, choice: Choice = Choice()
) -> list[Piagam]:
    """The certificates chosen as printable data, in certificate-number order, with the
    convention's logo and each revoked one's replacement."""
    logo = certificate_pdf.logo_of(session, convention.id)
    stmt = _chosen(convention.id, choice).order_by(Certificate.sequence)
    return [
        certificate_pdf.piagam(cert, convention, public_url, logo=logo, replaced_by_code=code)
        for cert, code in session.execute(stmt)
    ]


def stream(
    db: Database, convention: Convention, public_url: str, choice: Choice = Choice()
) -> Iterator[Piagam]:
    """The same as ``piagams``, read ``READ_BATCH`` at a time as they are taken, each batch
    in a short transaction of its own (by certificate number: a certificate revoked while a
    file is made is printed as it stood when its batch was read)."""
    last: int | None = None
    logo = None
    while True:
        with db.transaction(write=False) as session:
            if last is None:
                logo = certificate_pdf.logo_of(session, convention.id)
                last = -1
            stmt = _chosen(convention.id, choice).where(Certificate.sequence > last)
            rows = session.execute(stmt.order_by(Certificate.sequence).limit(READ_BATCH)).all()
            batch = [
                certificate_pdf.piagam(
                    cert, convention, public_url, logo=logo, replaced_by_code=code
                )
                for cert, code in rows
            ]
        yield from batch
        if len(rows) < READ_BATCH:
            return
        last = rows[-1][0].sequence


def pdf_chunks(items: Iterable[Piagam], title: str | None = None) -> Iterator[bytes]:
    """One PDF of every certificate, a page each."""
    return certificate_pdf.chunks(items, title=title)


class _Sink:
    """Where a ZipFile writes: bytes kept until taken (no seek: ZipFile then writes each
    entry's sizes after its data)."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def write(self, data: bytes) -> int:
        self._buffer += data
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        data = bytes(self._buffer)
        self._buffer.clear()
        return data


def zip_chunks(files: Iterable[tuple[str, bytes, datetime]]) -> Iterator[bytes]:
    """A ZIP of ``(name, pdf, issued_at)``, an entry a chunk; names made unique if two
    collide. PDFs are compressed already: stored as they are."""
    sink = _Sink()
    seen: set[str] = set()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data, moment in files:
            unique, n = name, 1
            while unique in seen:
                n += 1
                unique = name.removesuffix(".pdf") + f"-{n}.pdf"
            seen.add(unique)
            local = moment.astimezone(JAKARTA)
            archive.writestr(zipfile.ZipInfo(unique, date_time=local.timetuple()[:6]), data)
            yield sink.take()
    yield sink.take()


def rendered(items: Iterable[Piagam]) -> Iterator[tuple[str, bytes, datetime]]:
    """Each certificate as its own PDF, named by its number."""
    for item in items:
        yield certificate_pdf.file_name(item.number), certificate_pdf.render(item), item.issued_at
