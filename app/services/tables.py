"""Tables and the file formats they are downloaded in.

A ``Table`` is a title, typed columns and rows of plain values; ``FORMATS`` is the one
registry of the formats a table is written in (the API's ``/exports/{kind}.{fmt}`` and the
``konvensi`` scripts both read it): a new format is one entry here and its writer function.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

CellKind = Literal["text", "int", "number", "rupiah", "bool", "datetime"]

# A spreadsheet runs text starting with these as a formula ("CSV injection"); names and
# titles come from OPDs, so a quote keeps them text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    kind: CellKind = "text"
    width: int = 14


@dataclass(frozen=True, slots=True)
class Table:
    """A titled table: its columns and its rows of plain values (None for empty)."""

    title: str
    columns: list[Column]
    rows: list[list[Any]]

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


def text(value: Any, kind: CellKind) -> str:
    """A cell as text: numbers with 2 decimals, Ya/Tidak, times in WIB, nulls empty."""
    if value is None:
        return ""
    if kind == "bool":
        return "Ya" if value else "Tidak"
    if kind == "number":
        return f"{value:.2f}"
    if kind == "datetime":
        return f"{value:%Y-%m-%d %H:%M}"
    return str(value)


def safe_text(value: str) -> str:
    """A text cell no spreadsheet runs as a formula (OWASP CSV injection): a leading ``'``."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def csv_lines(rows: Iterable[Sequence[Any]]) -> str:
    """Rows as CSV lines ending in ``\n``, a field holding a CR or LF quoted.

    Python 3.11's writer quotes only the characters of its line terminator: with ``\n`` it
    would leave a bare CR in a field, which a spreadsheet reads as a new row (where a
    formula could start). Written with ``\r\n``, then each line's end made ``\n``.
    """
    out: list[str] = []
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        out.append(buffer.getvalue()[:-2])
    return "".join(line + "\n" for line in out)


def to_csv(table: Table) -> str:
    return csv_lines(
        [
            [safe_text(header) for header in table.headers],
            *(
                [
                    safe_text(text(value, column.kind))
                    if column.kind == "text"
                    else text(value, column.kind)
                    for value, column in zip(row, table.columns, strict=True)
                ]
                for row in table.rows
            ),
        ]
    )


# Rupiah as Indonesian reads it in a spreadsheet: "Rp 5.000.000" (the separator follows the
# reader's locale; the value stays a whole number).
_NUMBER_FORMATS = {
    "int": "0",
    "number": "0.00",
    "rupiah": '"Rp "#,##0',
    "datetime": "yyyy-mm-dd hh:mm",
}


def _xlsx_text(value: str) -> str:
    # XLSX cannot hold control characters (openpyxl refuses them); the API stores them verbatim.
    cleaned: str = ILLEGAL_CHARACTERS_RE.sub("", value)
    return cleaned


def to_xlsx(table: Table) -> bytes:
    """One sheet: a bold header row, frozen, filterable; numbers and times as numbers."""
    book = Workbook()
    sheet = book.active
    # Sheet titles are at most 31 characters, without []:*?/\ .
    sheet.title = "".join(ch for ch in table.title if ch not in "[]:*?/\\")[:31] or "Data"
    sheet.append([_xlsx_text(header) for header in table.headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE5F0")
    for r, row in enumerate(table.rows, start=2):
        for c, (value, column) in enumerate(zip(row, table.columns, strict=True), start=1):
            cell = sheet.cell(row=r, column=c)
            if value is None:
                continue
            if column.kind == "bool":
                cell.value = "Ya" if value else "Tidak"
            elif column.kind == "datetime":
                cell.value = value.replace(tzinfo=None, microsecond=0)
            elif column.kind in ("int", "number", "rupiah"):
                cell.value = value
            else:
                cell.value = _xlsx_text(str(value))
                # Set as text, never as a formula, whatever it starts with; and marked as
                # Excel's typed leading ' so that editing the cell keeps it text.
                cell.data_type = "s"
                if cell.value.startswith(FORMULA_STARTS):
                    cell.quotePrefix = True
            if column.kind in _NUMBER_FORMATS:
                cell.number_format = _NUMBER_FORMATS[column.kind]
    for c, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = column.width
    sheet.freeze_panes = "A2"
    if table.rows:
        sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class TableFormat:
    """A file format a table is written in."""

    media_type: str
    write: Callable[[Table], bytes]


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FORMATS: dict[str, TableFormat] = {
    "csv": TableFormat("text/csv; charset=utf-8", lambda table: to_csv(table).encode()),
    "xlsx": TableFormat(XLSX, to_xlsx),
}
