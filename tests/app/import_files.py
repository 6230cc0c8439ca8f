"""Import files for the tests (CSV in either delimiter, with or without BOM, and XLSX), and
sending them."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from fastapi.testclient import TestClient
from httpx2 import Response
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.app import factories as f

OPD_HEADER = ["kode", "nama"]
ENTRY_HEADER = ["judul", "akronim", "kode_opd", "kategori", "ringkasan", "inovator"]
JUROR_HEADER = ["username", "nama_lengkap", "panel", "kata_sandi", "konflik_opd"]
NIP = "198001012005012001"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_bytes(
    rows: Sequence[Sequence[Any]],
    *,
    delimiter: str = ",",
    bom: bool = False,
    encoding: str = "utf-8",
) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" if bom else "").encode(encoding) + out.getvalue().encode(encoding)


def xlsx_bytes(rows: Sequence[Sequence[Any]], *, formulas: bool = True) -> bytes:
    """A workbook whose first sheet holds ``rows``; a text starting with ``=`` is stored as a
    formula when ``formulas`` (as Excel does when one is typed)."""
    book = Workbook()
    sheet = book.active
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value.startswith("=") and not formulas:
                cell.data_type = "s"
    book.create_sheet("Lain").append(["kode", "nama"])  # only the first sheet is read
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def send(
    client: TestClient,
    world: f.World,
    kind: str,
    content: bytes,
    filename: str = "impor.csv",
    **params: str,
) -> Response:
    return client.post(
        world.url(f"/imports/{kind}"),
        params=params,
        files={"file": (filename, content, "application/octet-stream")},
        headers=world.admin.headers,
    )


def count(session: Session, model: Any, convention_id: int) -> int:
    session.expire_all()
    stmt = select(func.count()).select_from(model).where(model.convention_id == convention_id)
    return int(session.scalar(stmt) or 0)


def errors(response: Response) -> list[tuple[Any, ...]]:
    body = f.problem(response, 422, "validation")
    assert body.get("error_count", len(body["errors"])) == len(body["errors"])
    return [(*error["loc"], error["msg"]) for error in body["errors"]]
