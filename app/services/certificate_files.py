"""A convention's certificates as files to print: one PDF of them all (a page each, in
certificate-number order) or a ZIP of one PDF each, both made as they are sent.

The data is read first, in one short transaction; the rendering that follows holds no
connection. Both files come as chunks (a few pages, or one certificate, each), so a response
starts at once and a worker's memory holds a chunk, never the file.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.models import Certificate, Convention
from app.services import certificate_pdf
from app.services.certificate_pdf import Piagam
from app.services.dates import JAKARTA


def piagams(
    session: Session,
    convention: Convention,
    public_url: str,
    *,
    kind: str | None = None,
    category: str | None = None,
    include_revoked: bool = True,
) -> list[Piagam]:
    """The convention's certificates as printable data, in certificate-number order, with
    its logo and each revoked one's replacement."""
    logo = certificate_pdf.logo_of(session, convention.id)
    replacement = aliased(Certificate)
    stmt = (
        select(Certificate, replacement.code)
        .outerjoin(replacement, replacement.replaces_id == Certificate.id)
        .where(Certificate.convention_id == convention.id)
        .order_by(Certificate.sequence)
    )
    if kind is not None:
        stmt = stmt.where(Certificate.kind == kind)
    if category is not None:
        stmt = stmt.where(Certificate.category == category)
    if not include_revoked:
        stmt = stmt.where(Certificate.revoked_at.is_(None))
    return [
        certificate_pdf.piagam(cert, convention, public_url, logo=logo, replaced_by_code=code)
        for cert, code in session.execute(stmt)
    ]


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
