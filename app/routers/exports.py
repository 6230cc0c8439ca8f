"""The secretariat's downloads: tables as CSV or XLSX, every certificate's PDF in a ZIP, and
all of them as one PDF to print.

These are reads that can take a while (a ranking, thousands of PDF pages), so the routes are
``def`` (the threadpool) and end their read transaction before the slow part; the
certificates' files are streamed as they are made.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Path, Query, Request, Response
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from app.enums import Category
from app.errors import NotFound
from app.models import Convention
from app.routers.awards import CertificateKindFilter
from app.routers.deps import (
    Filter,
    Managing,
    PublicUrl,
    convention_router,
    disposition,
    download,
    file_answer,
    only,
    problems,
)
from app.services import certificate_files, certificate_pdf, exports, minutes, tables
from app.services.certificate_pdf import Piagam
from scoring import Method

router = convention_router("exports")

_FORMAT_PATTERN = "^(" + "|".join(tables.FORMATS) + ")$"


@router.get(
    "/exports/{kind}.{fmt}",
    response_class=Response,
    responses=file_answer(
        "The table, with Indonesian column headers",
        *(spec.media_type.split(";")[0] for spec in tables.FORMATS.values()),
    ),
)
def export_table(
    scope: Managing,
    public_url: PublicUrl,
    kind: Annotated[
        exports.Kind, Path(description="`ranking`, `awards`, `certificates` or `rewards`.")
    ],
    fmt: Annotated[
        str,
        Path(
            pattern=_FORMAT_PATTERN,
            description="`csv` (UTF-8) or `xlsx`.",
            json_schema_extra={"enum": list(tables.FORMATS)},
        ),
    ],
    method: Annotated[
        Method, Query(description="For `ranking`: how a panel's juror totals combine.")
    ] = Method.MEAN,
) -> Response:
    """A table for the secretariat, with Indonesian column headers: the live `ranking`
    (`?method=`), the `awards` (the ceremony's list, by rank), the `certificates` (with their
    verification links) or the `rewards`.

    CSV: numbers with 2 decimals, `Ya`/`Tidak`, times in WIB (Asia/Jakarta), empty for null,
    and text that a spreadsheet would run as a formula prefixed with `'`. XLSX: one sheet,
    numbers and times as numbers."""
    table = exports.build(
        scope.session, scope.convention, kind, method=method, public_url=public_url
    )
    stem = f"{kind}-{scope.cid}" + (f"-{method}" if kind == "ranking" else "")
    spec = tables.FORMATS[fmt]
    return download(spec.write(table), spec.media_type, f"{stem}.{fmt}")


def _certificates(
    session: Session, request: Request, convention: Convention, choice: certificate_files.Choice
) -> tuple[int, Iterator[Piagam]]:
    """How many certificates ``choice`` takes, and them one by one as the file is made: the
    request's read ends first, and the file reads its certificates as it goes."""
    count = certificate_files.count(session, convention.id, choice)
    session.commit()
    public_url = request.app.state.settings.effective_public_url
    return count, certificate_files.stream(request.app.state.db, convention, public_url, choice)


def _stream(
    chunks: Iterator[bytes], media_type: str, filename: str, count: int
) -> StreamingResponse:
    """A file sent as it is made: each chunk is made in the threadpool, off the event loop,
    when the client has taken the one before. ``X-Piagam-Count``: the certificates in it."""
    return StreamingResponse(
        chunks,
        media_type=media_type,
        headers={**disposition(filename), "X-Piagam-Count": str(count)},
    )


@router.get(
    "/certificates.zip",
    response_class=StreamingResponse,
    responses=file_answer("One PDF a certificate", "application/zip"),
)
def export_certificates_zip(scope: Managing, request: Request) -> StreamingResponse:
    """Every certificate of the convention as a printable PDF, in one ZIP, named by letter
    number (`001-KIP-SLK-V-2018.pdf`). Revoked ones are included, marked as revoked. The
    archive is sent as it is made (no length known beforehand)."""
    count, items = _certificates(
        scope.session, request, scope.convention, certificate_files.Choice()
    )
    chunks = certificate_files.zip_chunks(certificate_files.rendered(items))
    return _stream(chunks, "application/zip", f"piagam-{scope.cid}.zip", count)


@router.get(
    "/certificates.pdf",
    response_class=StreamingResponse,
    responses={
        **file_answer("Every certificate chosen, a page each", "application/pdf", binary=True),
        **problems(404, s404="`not-found`: an unknown convention, or no certificate to print"),
    },
)
def export_certificates_pdf(
    scope: Managing,
    request: Request,
    kind: CertificateKindFilter = None,
    category: Annotated[Filter[Category], only("this category's")] = None,
    include_revoked: Annotated[
        bool, Query(description="Print revoked certificates too (marked as revoked).")
    ] = False,
) -> StreamingResponse:
    """The convention's certificates as ONE print-ready PDF (for the print shop): a page
    each, A4 landscape, in certificate-number order, the fonts embedded once. Revoked
    certificates are left out unless `include_revoked=true`. Sent as it is made: the first
    bytes at once, a few pages at a time. 404 `not-found` when no certificate matches."""
    choice = certificate_files.Choice(kind, category, include_revoked)
    count, items = _certificates(scope.session, request, scope.convention, choice)
    if not count:
        raise NotFound(
            f"Convention {scope.cid} has no certificate to print"
            + (" with these filters." if kind or category else " yet.")
        )
    label = certificate_pdf.convention_label(scope.convention.name, scope.convention.year)
    suffix = "".join(f"-{part}" for part in (kind, category) if part)
    return _stream(
        certificate_files.pdf_chunks(items, f"Piagam {label}"),
        "application/pdf",
        f"piagam-{scope.cid}{suffix}.pdf",
        count,
    )


@router.get(
    "/berita-acara.pdf",
    response_class=Response,
    responses=file_answer("The minutes of the jury's decision", "application/pdf", binary=True),
)
def read_minutes(scope: Managing) -> Response:
    """The minutes of the jury's decision (*berita acara penetapan hasil penilaian*): the
    convention, date and place, the method, the ranking down to `top_n` (per category with
    awards per category) with scores to 2 decimals, and every juror by panel with a line to
    sign. 404 until the results are published."""
    data = minutes.minutes(scope.session, scope.convention)
    scope.session.commit()  # the read is over before the slow part
    return download(minutes.render(data), "application/pdf", minutes.file_name(scope.convention))
