"""A piagam (certificate) of the Solok convention as the renderer takes it, no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from app.services.certificate_pdf import Piagam

ISSUED = datetime(2018, 5, 3, 2, 0, tzinfo=UTC)


def solok_piagam(n: int = 1, **changes: Any) -> Piagam:
    """Rina's Juara I of 2018, number ``n``; ``changes`` replace fields."""
    code = f"ABCDEFGHJK{n:06d}"
    piagam = Piagam(
        kind="winner",
        recipient_type="innovator",
        recipient_name=f"Rina Nomor {n}",
        number=f"{n:03d}/KIP-SLK/V/2018",
        code=code,
        convention_name="Konvensi Inovasi Daerah Kota Solok",
        convention_year=2018,
        host="Pemerintah Kota Solok",
        city="Solok",
        signatory_name="Zul Elfian",
        signatory_title="Wali Kota Solok",
        entry_title="FASTREN",
        opd_name="Dinas Kesehatan",
        rank=1,
        award_name="Juara I",
        issued_at=ISSUED,
        revoked_at=None,
        verify_url=f"https://konvensi.example.go.id/verify/{code}",
    )
    return replace(piagam, **changes)
