"""A sample piagam of each kind, before anything is issued: the convention's settings as they
stand, with placeholder names, a number of sequence ``000`` and a code that verifies nothing.

The sample goes through ``certificate_pdf.piagam`` like an issued certificate (a transient
``Certificate``, never added to the session), so that it prints whatever a real one prints.
"""

from __future__ import annotations

from app.enums import CertificateKind, RecipientType
from app.models import Certificate, Convention, utcnow
from app.services import awards, certificate_pdf, certificates

# 16 base32 characters, like a real code; no certificate has it (codes are random).
SAMPLE_CODE = "CONTOHPIAGAM2345"
SAMPLE_NAMES = {
    CertificateKind.WINNER: "Nama Inovator (Contoh)",
    CertificateKind.PARTICIPANT: "Nama Inovator (Contoh)",
    CertificateKind.JUROR: "Nama Juri (Contoh)",
}
SAMPLE_ENTRY = "Judul Inovasi (Contoh)"
SAMPLE_OPD = "Nama Perangkat Daerah (Contoh)"


def sample_certificate(convention: Convention, kind: CertificateKind) -> Certificate:
    """An unsaved certificate of ``kind`` with placeholder names: a first place for a winner,
    the first rank past the awards for a participant."""
    issued_at = utcnow()
    rank: int | None = None
    award_name: str | None = None
    if kind == CertificateKind.WINNER:
        rank, award_name = 1, awards.award_name(convention, 1, convention.top_n)
    elif kind == CertificateKind.PARTICIPANT:
        rank = convention.top_n + 1
    juror = kind == CertificateKind.JUROR
    return Certificate(
        convention_id=convention.id,
        sequence=0,
        number=certificates.letter_number(
            0, convention.letter_code, issued_at, convention.ceremony_date
        ),
        code=SAMPLE_CODE,
        kind=kind,
        recipient_type=RecipientType.JUROR if juror else RecipientType.INNOVATOR,
        recipient_key="sample",
        recipient_name=SAMPLE_NAMES[kind],
        entry_title=None if juror else SAMPLE_ENTRY,
        opd_name=None if juror else SAMPLE_OPD,
        rank=rank,
        award_name=award_name,
        issued_at=issued_at,
        generation=0,
    )


def sample(
    convention: Convention,
    kind: CertificateKind,
    public_url: str,
    logo: certificate_pdf.Logo | None = None,
) -> certificate_pdf.Piagam:
    """The sample piagam of ``kind``, ready to render (with the convention's ``logo``)."""
    certificate = sample_certificate(convention, kind)
    return certificate_pdf.piagam(certificate, convention, public_url, logo=logo)
