"""Import files for the tests: CSV in either delimiter, with or without BOM, and XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

OPD_HEADER = ["kode", "nama"]
ENTRY_HEADER = ["judul", "akronim", "kode_opd", "kategori", "ringkasan", "inovator"]
JUROR_HEADER = ["username", "nama_lengkap", "panel", "kata_sandi", "konflik_opd"]
NIP = "198001012005012001"


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
