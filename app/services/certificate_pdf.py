"""The printed certificate (piagam): A4 landscape, one page, with a QR code of its public
verification page.

``render`` is pure (a ``Piagam`` in, PDF bytes out); ``render_many`` writes many as one PDF,
a page each, its fonts embedded once, streaming (``chunks`` yields it batch by batch).
``piagam`` gathers a certificate's data. The fonts are vendored in ``app/fonts`` (DejaVu, see
its LICENSE) so that any name prints, on any machine, without system fonts. The page itself
is drawn by ``app.services.certificate_page``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Certificate, Convention, ConventionLogo
from app.services.certificate_page import (
    PAGE_H,
    PAGE_W,
    REVOKED,
    TITLES,
    Fonts,
    convention_label,
    draw,
)
from app.services.dates import indonesian_date
from app.services.kept import Kept
from app.services.pdf import Document, Page
from app.services.pdf.truetype import load

__all__ = [
    "FONT_DIR",
    "REVOKED",
    "TITLES",
    "Logo",
    "Piagam",
    "chunks",
    "convention_label",
    "file_name",
    "indonesian_date",
    "piagam",
    "render",
    "render_many",
    "verify_url",
]

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
_FONT_FILES = {
    ("Serif", ""): "DejaVuSerif.ttf",
    ("Serif", "B"): "DejaVuSerif-Bold.ttf",
    ("Serif", "I"): "DejaVuSerif-Italic.ttf",
    ("Sans", ""): "DejaVuSans.ttf",
}
# Pages drawn between two chunks of a streamed document: some 50 KB.
BATCH = 16


@dataclass(frozen=True, slots=True)
class Logo:
    """The convention's logo: a PNG, and its SHA-256 (which names it in caches)."""

    png: bytes = field(repr=False)
    sha256: str


@dataclass(frozen=True, slots=True)
class Piagam:
    """Everything one certificate prints."""

    kind: str
    recipient_type: str
    recipient_name: str
    number: str
    code: str
    convention_name: str
    convention_year: int
    host: str | None
    city: str | None
    signatory_name: str | None
    signatory_title: str | None
    entry_title: str | None
    opd_name: str | None
    rank: int | None
    award_name: str | None
    issued_at: datetime
    revoked_at: datetime | None
    verify_url: str
    # The date printed under the city: the ceremony's, else the day of issue (Asia/Jakarta).
    ceremony_date: date | None = None
    logo: Logo | None = None
    # A revoked certificate's replacement (a reissue), named on its stamp.
    replaced_by_code: str | None = None


def verify_url(public_url: str, code: str) -> str:
    """The public page a certificate's QR code opens."""
    return f"{public_url.rstrip('/')}/verify/{code}"


_logos: Kept[str, Logo] = Kept(8)


def logo_of(session: Session, convention_id: int) -> Logo | None:
    """The convention's logo, if it has one. Its hash is read each time, its PNG only when
    this process has not kept it (the last few logos are kept)."""
    where = ConventionLogo.convention_id == convention_id
    sha = session.scalar(select(ConventionLogo.sha256).where(where))
    if sha is None:
        return None
    found = _logos.get(sha)
    if found is not None:
        return found
    png = session.scalar(select(ConventionLogo.png).where(where))
    if png is None:  # removed in between
        return None
    return _logos.keep(sha, Logo(png, sha))


def replacement_code(session: Session, cert: Certificate) -> str | None:
    """The code of the certificate reissued in place of ``cert``, if any."""
    return session.scalar(select(Certificate.code).where(Certificate.replaces_id == cert.id))


def piagam(
    cert: Certificate,
    convention: Convention,
    public_url: str,
    *,
    logo: Logo | None = None,
    replaced_by_code: str | None = None,
) -> Piagam:
    return Piagam(
        kind=cert.kind,
        recipient_type=cert.recipient_type,
        recipient_name=cert.recipient_name,
        number=cert.number,
        code=cert.code,
        convention_name=convention.name,
        convention_year=convention.year,
        host=convention.host,
        city=convention.city,
        signatory_name=convention.signatory_name,
        signatory_title=convention.signatory_title,
        entry_title=cert.entry_title,
        opd_name=cert.opd_name,
        rank=cert.rank,
        award_name=cert.award_name,
        issued_at=cert.issued_at,
        revoked_at=cert.revoked_at,
        verify_url=verify_url(public_url, cert.code),
        ceremony_date=convention.ceremony_date,
        logo=logo,
        replaced_by_code=replaced_by_code,
    )


def file_name(number: str) -> str:
    """A file name from a letter number: ``001/KIP-SLK/V/2018`` -> ``001-KIP-SLK-V-2018.pdf``."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", number).strip("-.") or "piagam"
    return f"{stem}.pdf"


def fonts() -> Fonts:
    """The piagam's four DejaVu faces, read once per process."""
    return {key: load(FONT_DIR / name) for key, name in _FONT_FILES.items()}


def _title(p: Piagam) -> str:
    return f"{TITLES.get(p.kind, 'SERTIFIKAT').title()} {p.number}: {p.recipient_name}"


def _info(p: Piagam, title: str) -> dict[str, str]:
    return {
        "Title": title,
        "Author": p.host or p.convention_name,
        "Subject": convention_label(p.convention_name, p.convention_year),
        "Creator": "Konvensi",
    }


def render(p: Piagam, *, faces: Fonts | None = None) -> bytes:
    """The certificate as a one-page A4 landscape PDF."""
    out = bytearray()
    doc = Document(out.extend, info=_info(p, _title(p)), created=p.issued_at, lang="id")
    page = Page(doc, PAGE_W, PAGE_H)
    draw(page, faces or fonts(), p)
    page.finish()
    doc.close()
    return bytes(out)


def chunks(
    items: Iterable[Piagam], *, title: str | None = None, faces: Fonts | None = None
) -> Iterator[bytes]:
    """Many certificates as one PDF, a page each in the order given, yielded every
    ``BATCH`` pages; the first chunk (the file's header) before the first certificate is
    even taken. No page at all is a PDF of one blank page, a PDF having at least one."""
    out = bytearray()
    doc = Document(out.extend, info={"Title": title or "Piagam", "Creator": "Konvensi"}, lang="id")
    yield bytes(out)
    out.clear()
    for p in items:
        if faces is None:
            faces = fonts()  # read once per process, after the header has gone
        if doc.page_count == 0:  # what the file is about: its first certificate's convention
            label = convention_label(p.convention_name, p.convention_year)
            doc.info.update(_info(p, title or f"Piagam {label}"))
            doc.created = p.issued_at
        page = Page(doc, PAGE_W, PAGE_H)
        draw(page, faces, p)
        page.finish()
        if doc.page_count % BATCH == 0:
            yield bytes(out)
            out.clear()
    if doc.page_count == 0:
        Page(doc, PAGE_W, PAGE_H).finish()
    doc.close()
    yield bytes(out)


def render_many(
    items: Iterable[Piagam],
    out: BinaryIO,
    *,
    title: str | None = None,
    faces: Fonts | None = None,
) -> None:
    """Many certificates as one PDF written to ``out``, a page each in the order given."""
    for chunk in chunks(items, title=title, faces=faces):
        out.write(chunk)
