"""Bulk import of OPDs, entries and jurors from a CSV or XLSX file, all or nothing.

A file is read (``read``: limits, format, header), checked against the convention
(``check``: every cell, references, existing keys; a 422 names every bad cell), and written
(``write``) through the services the create routes use. Jurors' passwords are hashed
between a check and the write, outside any transaction (``hash_passwords``), and the rows
are checked again in the writing transaction.
"""

from __future__ import annotations

from typing import IO

from app.enums import ImportKind
from app.services import tables
from app.services.imports.checks import Plan, check
from app.services.imports.files import (
    MAX_BYTES,
    MAX_ROWS,
    XLSX_MEDIA_TYPE,
    read_table,
)
from app.services.imports.passwords import generate_password, password_problem
from app.services.imports.rows import MAX_JUROR_ROWS, SPECS, Row, sheet_rows
from app.services.imports.writing import Created, Hashes, hash_passwords, write

__all__ = [
    "MAX_BYTES",
    "MAX_JUROR_ROWS",
    "MAX_ROWS",
    "SPECS",
    "XLSX_MEDIA_TYPE",
    "Created",
    "Hashes",
    "Plan",
    "Row",
    "check",
    "generate_password",
    "hash_passwords",
    "password_problem",
    "read",
    "template",
    "template_name",
    "write",
]


def read(stream: IO[bytes], filename: str | None, kind: ImportKind) -> list[Row]:
    """The data rows of an import file of ``kind``: 413 past the limits, 415 for a file that
    is neither UTF-8 CSV nor XLSX, 422 for a header that lacks a column or has an unknown one."""
    spec = SPECS[kind]
    return sheet_rows(read_table(stream, filename, spec.max_rows), spec)


_TITLES = {
    ImportKind.OPDS: "Impor OPD",
    ImportKind.ENTRIES: "Impor Inovasi",
    ImportKind.JURORS: "Impor Juri",
}
_WIDTHS = {"nama": 50, "judul": 40, "ringkasan": 60, "inovator": 50, "nama_lengkap": 30}


def template(kind: ImportKind) -> bytes:
    """An XLSX with the kind's columns and one example row, every cell text."""
    spec = SPECS[kind]
    table = tables.Table(
        _TITLES[kind],
        [tables.Column(name, "text", _WIDTHS.get(name, 18)) for name in spec.columns],
        [list(spec.example)],
    )
    return tables.to_xlsx(table)


def template_name(kind: ImportKind) -> str:
    return f"impor-{kind}.xlsx"
