"""Reading an import file: a CSV (UTF-8, comma or semicolon) or an XLSX workbook's first sheet,
as a header and rows of text cells, within limits and without evaluating anything.

Rows are numbered from 1 after the header, empty ones included (they are skipped, not
renumbered), so that row ``n`` is the ``n``-th line under the header in the spreadsheet.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import zipfile
from collections.abc import Generator, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import IO, Any

from app.errors import TooLarge, UnsupportedMediaType, ValidationFailed

# A convention has a few hundred entries; these bound the work a file can cause.
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000
# Rows read in all, empty ones included (a stray cell at row 1,000,000 of a sheet).
MAX_ROWS_READ = 100_000
# What an XLSX may unpack to (its sheets and shared strings), against zip bombs.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the binary .xls of Excel 97-2003
_XLSX_SUFFIXES = (".xlsx", ".xlsm")
_CSV_HINT = "save it from the spreadsheet as 'CSV UTF-8' or as an Excel workbook (.xlsx)"


@dataclass(frozen=True, slots=True)
class RawTable:
    """A file's header, as written, and its non-empty rows as ``(n, cells)``."""

    headers: list[str]
    rows: list[tuple[int, list[str]]]
    source: str  # "csv" or "xlsx"


def _file_problem(msg: str) -> ValidationFailed:
    return ValidationFailed(
        f"file: {msg}", errors=[{"loc": ["file"], "msg": msg}], extra={"error_count": 1}
    )


def normalize_header(text: str) -> str:
    """``" Kode OPD "`` -> ``"kode_opd"``: case, surrounding spaces and inner spaces or hyphens
    do not matter."""
    return re.sub(r"[\s\-]+", "_", text.strip().casefold())


def read_table(stream: IO[bytes], filename: str | None, max_rows: int = MAX_ROWS) -> RawTable:
    """The table in ``stream``: 413 above ``MAX_BYTES`` or ``max_rows`` data rows, 415 for a
    file that is neither UTF-8 CSV nor XLSX, 422 for one without a header."""
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    if size > MAX_BYTES:
        raise TooLarge(
            f"The file has {size} bytes; an import file may have at most {MAX_BYTES} bytes "
            f"({MAX_BYTES // (1024 * 1024)} MiB)."
        )
    head = stream.read(8)
    stream.seek(0)
    name = (filename or "").casefold()
    if head.startswith(_ZIP_MAGIC):
        rows = _xlsx_rows(stream)
        source = "xlsx"
    elif head.startswith(_OLE_MAGIC) or name.endswith(".xls"):
        raise UnsupportedMediaType(
            f"This is an Excel 97-2003 workbook (.xls), which is not read; {_CSV_HINT}."
        )
    elif name.endswith(_XLSX_SUFFIXES):
        raise UnsupportedMediaType(
            f"The file is named .xlsx but is not an XLSX workbook; {_CSV_HINT}."
        )
    else:
        rows = _csv_rows(stream)
        source = "csv"
    try:
        return _table(rows, source, max_rows)
    finally:
        rows.close()  # stopped early (a limit): let it release the file now


def _table(rows: Iterable[list[str]], source: str, max_rows: int) -> RawTable:
    headers: list[str] | None = None
    data: list[tuple[int, list[str]]] = []
    n = 0
    for read, cells in enumerate(rows, start=1):
        if read > MAX_ROWS_READ:
            raise TooLarge(f"The file has more than {MAX_ROWS_READ} rows, empty ones included.")
        if headers is None:
            if any(cells):
                headers = cells
            continue
        n += 1
        if not any(cells):
            continue
        if len(data) == max_rows:
            raise TooLarge(
                f"The file has more than {max_rows} data rows; import at most {max_rows} at "
                "a time (split the file)."
            )
        data.append((n, cells))
    if headers is None:
        raise _file_problem("the file is empty: no header row")
    return RawTable(headers, data, source)


# --- CSV ------------------------------------------------------------------------------------


def _csv_rows(stream: IO[bytes]) -> Generator[list[str]]:
    """Rows of a UTF-8 CSV (a BOM is dropped); the delimiter is the header line's ``;`` or
    ``,``, whichever it has more of."""
    # Decoding is checked up front: a Latin-1 file is refused before a single row is used.
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
    offset = 0
    try:
        for chunk in iter(lambda: stream.read(64 * 1024), b""):
            if b"\x00" in chunk:
                raise UnsupportedMediaType(f"The file is binary, not a CSV; {_CSV_HINT}.")
            decoder.decode(chunk)
            offset += len(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise UnsupportedMediaType(
            f"The file is not UTF-8 text (near byte {offset + exc.start + 1}: perhaps "
            f"Windows-1252 or Latin-1); {_CSV_HINT}."
        ) from exc
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    lines = iter(text)
    # Lines before the header may hold only delimiters (empty rows, as Excel writes them).
    leading: list[str] = []
    for line in lines:
        leading.append(line)
        if line.strip(" \t\r\n,;"):
            break
    delimiter = ";" if leading and leading[-1].count(";") > leading[-1].count(",") else ","
    reader = csv.reader(itertools.chain(leading, lines), delimiter=delimiter)
    try:
        for row in reader:
            yield [cell.strip() for cell in row]
    except csv.Error as exc:
        raise _file_problem(f"not a well-formed CSV near line {reader.line_num}: {exc}") from exc
    finally:
        text.detach()  # the caller owns the stream


# --- XLSX -----------------------------------------------------------------------------------


def _xlsx_rows(stream: IO[bytes]) -> Generator[list[str]]:
    """Rows of the workbook's first sheet, every cell as text; a formula is its own text
    (``=SUM(A1:A3)``), never evaluated."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(stream) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise UnsupportedMediaType(f"The file is not a valid XLSX workbook; {_CSV_HINT}.") from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise TooLarge(
            f"The workbook unpacks to {unpacked} bytes; at most {MAX_UNPACKED_BYTES} are read."
        )
    stream.seek(0)
    try:
        book = load_workbook(stream, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken or foreign zip
        raise UnsupportedMediaType(f"The file is not a valid XLSX workbook; {_CSV_HINT}.") from exc
    try:
        if not book.worksheets:
            raise UnsupportedMediaType("The workbook has no worksheet.")
        sheet = book.worksheets[0]
        # Some writers record a wrong size; reading by it would drop rows silently.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True)
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # a sheet whose XML is broken
                raise UnsupportedMediaType(
                    f"The workbook's first sheet cannot be read; {_CSV_HINT}."
                ) from exc
            yield [_cell_text(value) for value in values]
    finally:
        book.close()


def _cell_text(value: Any) -> str:
    """A cell as the text a person reads in it: whole numbers without ``.0``, dates in ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    formula = getattr(value, "text", None)  # an array formula: its text, as any other
    if isinstance(formula, str):
        return formula.strip()
    return str(value).strip()
