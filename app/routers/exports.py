"""The secretariat's downloads: tables as CSV or XLSX, and every certificate's PDF in a ZIP.

These are reads that can take a while (a ranking, a hundred PDFs), so the routes are ``def``
(the threadpool) and end their read transaction before the slow part.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app.routers.deps import CONVENTION_PROBLEMS, AdminConvention, SessionDep
from app.services import exports, minutes, tables
from scoring import Method

router = APIRouter(prefix="/conventions/{cid}", tags=["exports"], responses=CONVENTION_PROBLEMS)

_FORMAT_PATTERN = "^(" + "|".join(tables.FORMATS) + ")$"


def _download(body: bytes, media_type: str, filename: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(
    "/exports/{kind}.{fmt}",
    response_class=Response,
    responses={
        200: {
            "content": {spec.media_type.split(";")[0]: {} for spec in tables.FORMATS.values()},
            "description": "The table, with Indonesian column headers",
        }
    },
)
def export_table(
    convention: AdminConvention,
    session: SessionDep,
    request: Request,
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
        session,
        convention,
        kind,
        method=method,
        public_url=request.app.state.settings.effective_public_url,
    )
    stem = f"{kind}-{convention.id}" + (f"-{method}" if kind == "ranking" else "")
    spec = tables.FORMATS[fmt]
    return _download(spec.write(table), spec.media_type, f"{stem}.{fmt}")


@router.get(
    "/certificates.zip",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}, "description": "One PDF a certificate"}},
)
def export_certificates_zip(
    convention: AdminConvention, session: SessionDep, request: Request
) -> Response:
    """Every certificate of the convention as a printable PDF, in one ZIP, named by letter
    number (`001-KIP-SLK-V-2018.pdf`). Revoked ones are included, marked as revoked."""
    items = exports.piagams(session, convention, request.app.state.settings.effective_public_url)
    # Rendering takes a while: end the read first, so no snapshot or connection is held.
    session.commit()
    body = exports.zip_pdfs(exports.rendered(items))
    return _download(body, "application/zip", f"piagam-{convention.id}.zip")


@router.get(
    "/berita-acara.pdf",
    response_class=Response,
    responses={
        200: {
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            "description": "The minutes of the jury's decision",
        }
    },
)
def read_minutes(convention: AdminConvention, session: SessionDep) -> Response:
    """The minutes of the jury's decision (*berita acara penetapan hasil penilaian*): the
    convention, date and place, the method, the ranking down to `top_n` (per category with
    awards per category) with scores to 2 decimals, and every juror by panel with a line to
    sign. 404 until the results are published."""
    data = minutes.minutes(session, convention)
    session.commit()  # the read is over before the slow part
    return _download(minutes.render(data), "application/pdf", minutes.file_name(convention))
