"""The columns of each kind of import, a file's header checked against them, and the
problems found, one per cell (``loc`` ``["row", n, column]``) or per column
(``["file", column]``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from openpyxl.utils import get_column_letter
from pydantic import BaseModel, ValidationError

from app.enums import ImportKind
from app.errors import ValidationFailed
from app.schemas import InnovatorIn
from app.services.imports.files import MAX_ROWS, RawTable, normalize_header

# Jurors' passwords are hashed one by one (0.1 to 0.25 s each on a server core): 100
# take up to half a minute, under a reverse proxy's usual 60 s timeout.
MAX_JUROR_ROWS = 100
# Past this, the answer lists the first ones and counts the rest.
MAX_ERRORS = 1_000


@dataclass(frozen=True, slots=True)
class Spec:
    """A kind's columns in template order, the required ones, the column a duplicate is
    reported on, an example row, and its row limit."""

    columns: tuple[str, ...]
    required: frozenset[str]
    key: str
    example: tuple[str, ...]
    max_rows: int = MAX_ROWS


SPECS: dict[ImportKind, Spec] = {
    ImportKind.OPDS: Spec(
        columns=("kode", "nama"),
        required=frozenset({"kode", "nama"}),
        key="kode",
        example=("BAPPEDA", "Badan Perencanaan Pembangunan Daerah Kota Solok"),
    ),
    ImportKind.ENTRIES: Spec(
        columns=("judul", "akronim", "kode_opd", "kategori", "ringkasan", "inovator"),
        required=frozenset({"judul", "kode_opd", "kategori"}),
        key="judul",
        example=(
            "Lahir Pulang OK",
            "LANGKOK",
            "DISDUKCAPIL",
            "proses",
            "Bayi yang lahir di RSUD Solok pulang membawa akta kelahiran dan kartu keluarga.",
            "Rina Marlina|198001012005012001; Tim Dukcapil Kota Solok",
        ),
    ),
    ImportKind.JURORS: Spec(
        columns=("username", "nama_lengkap", "panel", "kata_sandi", "konflik_opd"),
        required=frozenset({"username", "nama_lengkap", "panel"}),
        key="username",
        example=("juri.lan.3", "Dr. Syahrial, M.Si.", "LAN", "", "BAPPEDA; DINKES"),
        max_rows=MAX_JUROR_ROWS,
    ),
}


@dataclass(frozen=True, slots=True)
class Row:
    """A data row: its number ``n`` and its cells by column (absent columns are empty)."""

    n: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass
class Problems:
    """What is wrong with a file, one item per cell."""

    items: list[dict[str, Any]] = field(default_factory=list)

    def cell(self, n: int, column: str, msg: str) -> None:
        self.items.append({"loc": ["row", n, column], "msg": msg})

    def file(self, column: str | None, msg: str) -> None:
        self.items.append({"loc": ["file", column] if column else ["file"], "msg": msg})

    def raise_any(self) -> None:
        if not self.items:
            return
        total = len(self.items)
        shown = "; ".join(
            f"{' '.join(str(p) for p in item['loc'])}: {item['msg']}" for item in self.items[:3]
        )
        more = f" (and {total - 3} more)" if total > 3 else ""
        listed = f" The first {MAX_ERRORS} are listed." if total > MAX_ERRORS else ""
        raise ValidationFailed(
            f"{total} problem(s) in the file, nothing was imported: {shown}{more}.{listed}",
            errors=self.items[:MAX_ERRORS],
            extra={"error_count": total},
        )


def sheet_rows(table: RawTable, spec: Spec) -> list[Row]:
    """The table's rows by column; 422 for a missing required column, an unknown or repeated
    one, or values under no header."""
    problems = Problems()
    columns: list[str | None] = []
    seen: set[str] = set()
    for header in table.headers:
        name = normalize_header(header)
        if not name:
            columns.append(None)
            continue
        if name not in spec.columns:
            problems.file(
                header.strip(), f"unknown column; the columns are {', '.join(spec.columns)}"
            )
        elif name in seen:
            problems.file(name, "appears more than once")
        seen.add(name)
        columns.append(name if name in spec.columns else None)
    for name in spec.columns:
        if name in spec.required and name not in seen:
            problems.file(name, "required column is missing")
    headless = sorted(
        {
            index
            for _, cells in table.rows
            for index, value in enumerate(cells)
            if value and (index >= len(table.headers) or not table.headers[index].strip())
        }
    )
    for index in headless:
        problems.file(f"column {get_column_letter(index + 1)}", "has values but no header")
    if not problems.items and not table.rows:
        problems.file(None, "the file has a header but no data rows")
    problems.raise_any()
    return [
        Row(n, {c: v for c, v in zip(columns, cells, strict=False) if c is not None})
        for n, cells in table.rows
    ]


def required(row: Row, columns: tuple[str, ...], problems: Problems) -> set[str]:
    """Report each empty required cell; the columns reported."""
    empty = {column for column in columns if not row[column]}
    for column in columns:
        if column in empty:
            problems.cell(row.n, column, "required")
    return empty


M = TypeVar("M", bound=BaseModel)

_FRIENDLIER = {
    ("string_pattern_mismatch", "kode"): "letters, digits, '_', '.' and '-', starting with a "
    "letter or digit",
    ("string_pattern_mismatch", "username"): "letters, digits, '_', '.', '@' and '-' only",
}


def validated(
    model: type[M],
    row: Row,
    payload: dict[str, Any],
    columns: Mapping[str, str],
    reported: set[str],
    problems: Problems,
) -> M | None:
    """``model`` from ``payload`` (fields whose cell was already reported left out); each
    field's problem reported on its column (``columns``: field -> column)."""
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        found: set[str] = set()
        for error in exc.errors():
            column = columns.get(str(error["loc"][0]), str(error["loc"][0]))
            if column in reported or column in found:
                continue
            found.add(column)
            msg = _FRIENDLIER.get((error["type"], column), error["msg"])
            problems.cell(row.n, column, msg)
        return None


NIP = re.compile(r"[0-9]{18}")


def innovators(text: str) -> tuple[list[InnovatorIn], list[str]]:
    """``Nama|NIP; Nama|NIP`` (NIP optional; spaces inside it dropped) as innovators, and what
    is wrong with them."""
    items: list[InnovatorIn] = []
    wrong: list[str] = []
    parts = [part.strip() for part in text.split(";") if part.strip()]
    for i, part in enumerate(parts, start=1):
        name, _, nip = (piece.strip() for piece in part.partition("|"))
        nip = re.sub(r"\s+", "", nip)
        label = f"innovator {i}" + (f" ({name})" if name else "")
        if "|" in nip:
            wrong.append(f"{label}: one '|' between the name and the NIP")
        elif not name:
            wrong.append(f"{label}: a name is needed before '|'")
        elif nip and not NIP.fullmatch(nip):
            wrong.append(f"{label}: a NIP is 18 digits, not {nip!r}")
        else:
            try:
                items.append(InnovatorIn(name=name, nip=nip or None))
            except ValidationError as exc:
                wrong.append(f"{label}: {exc.errors()[0]['msg']}")
    return items, wrong


def casefolded(mapping: Mapping[str, int]) -> dict[str, list[int]]:
    folded: dict[str, list[int]] = {}
    for name, item_id in mapping.items():
        folded.setdefault(name.casefold(), []).append(item_id)
    return folded


def lookup(mapping: Mapping[str, int], folded: Mapping[str, list[int]], name: str) -> int | None:
    """The id named exactly, else the only one named so ignoring case."""
    if name in mapping:
        return mapping[name]
    found = folded.get(name.casefold(), [])
    return found[0] if len(found) == 1 else None
