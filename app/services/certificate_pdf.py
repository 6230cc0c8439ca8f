"""The printed certificate (piagam): A4 landscape, one page, with a QR code of its public
verification page.

``render`` is pure (a ``Piagam`` in, PDF bytes out); ``piagam`` gathers its data from a
certificate and its convention. The fonts are vendored in ``app/fonts`` (DejaVu, see its
LICENSE) so that any name prints, on any machine, without system fonts.
"""

from __future__ import annotations

import copy
import io
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

import segno
from fontTools import ttLib  # type: ignore[import-untyped]
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import TTFFont

from app.enums import CertificateKind
from app.models import Certificate, Convention

JAKARTA = ZoneInfo("Asia/Jakarta")
FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
TITLES = {
    "winner": "PIAGAM PENGHARGAAN",
    "participant": "PIAGAM PARTISIPASI",
    "juror": "PIAGAM APRESIASI",
}
REVOKED = "DICABUT / REVOKED"

_FONTS = {
    ("Serif", ""): "DejaVuSerif.ttf",
    ("Serif", "B"): "DejaVuSerif-Bold.ttf",
    ("Serif", "I"): "DejaVuSerif-Italic.ttf",
    ("Sans", ""): "DejaVuSans.ttf",
}

# Colours (RGB): ink, accents, and the red of a revoked certificate.
NAVY = (22, 52, 96)
GOLD = (176, 141, 60)
MAROON = (128, 24, 24)
GREY = (90, 90, 90)
RED = (200, 30, 30)

PAGE_W, PAGE_H = 297.0, 210.0
TEXT_W = 240.0
QR_SIZE = 34.0


@dataclass(frozen=True, slots=True)
class Piagam:
    """Everything one certificate prints."""

    kind: str
    recipient_type: str
    recipient_name: str
    number: str
    code: str
    convention_name: str
    convention_year: int
    host: str | None
    city: str | None
    signatory_name: str | None
    signatory_title: str | None
    entry_title: str | None
    opd_name: str | None
    rank: int | None
    award_name: str | None
    issued_at: datetime
    revoked_at: datetime | None
    verify_url: str


def verify_url(public_url: str, code: str) -> str:
    """The public page a certificate's QR code opens."""
    return f"{public_url.rstrip('/')}/verify/{code}"


def piagam(cert: Certificate, convention: Convention, public_url: str) -> Piagam:
    return Piagam(
        kind=cert.kind,
        recipient_type=cert.recipient_type,
        recipient_name=cert.recipient_name,
        number=cert.number,
        code=cert.code,
        convention_name=convention.name,
        convention_year=convention.year,
        host=convention.host,
        city=convention.city,
        signatory_name=convention.signatory_name,
        signatory_title=convention.signatory_title,
        entry_title=cert.entry_title,
        opd_name=cert.opd_name,
        rank=cert.rank,
        award_name=cert.award_name,
        issued_at=cert.issued_at,
        revoked_at=cert.revoked_at,
        verify_url=verify_url(public_url, cert.code),
    )


def indonesian_date(moment: datetime) -> str:
    """``3 Mei 2018``: the day in Asia/Jakarta."""
    local = moment.astimezone(JAKARTA)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}"


def file_name(number: str) -> str:
    """A file name from a letter number: ``001/KIP-SLK/V/2018`` -> ``001-KIP-SLK-V-2018.pdf``."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", number).strip("-.") or "piagam"
    return f"{stem}.pdf"


def convention_label(name: str, year: int) -> str:
    """The convention as the piagam names it, with its year once."""
    return name if str(year) in name else f"{name} Tahun {year}"


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    family: str
    style: str
    size: float
    color: tuple[int, int, int]
    gap: float = 1.5  # space after, in mm
    max_lines: int = 1


def _body(p: Piagam) -> list[_Line]:
    """The centred lines between the number and the signature, by kind."""
    lines = [
        _Line("diberikan kepada", "Serif", "I", 13, GREY),
        _Line(p.recipient_name, "Serif", "B", 26, NAVY, gap=3, max_lines=2),
        _Line("sebagai", "Serif", "I", 12, GREY),
    ]
    if p.kind == CertificateKind.WINNER:
        lines.append(_Line((p.award_name or "Pemenang").upper(), "Serif", "B", 20, MAROON, gap=3))
    elif p.kind == CertificateKind.PARTICIPANT:
        role = "PESERTA" if p.rank is None else f"PESERTA \u00b7 PERINGKAT {p.rank}"
        lines.append(_Line(role, "Serif", "B", 18, MAROON, gap=3))
    else:
        lines.append(_Line("DEWAN JURI", "Serif", "B", 18, MAROON, gap=3))
        lines.append(
            _Line("atas pengabdian dan kontribusinya dalam penilaian", "Serif", "I", 12, GREY)
        )
    if p.kind != CertificateKind.JUROR and p.entry_title:
        lines.append(_Line("atas inovasi", "Serif", "I", 12, GREY))
        lines.append(
            _Line(f"\u201c{p.entry_title}\u201d", "Serif", "B", 15, NAVY, gap=1, max_lines=3)
        )
        if p.recipient_type != "opd" and p.opd_name:
            lines.append(_Line(p.opd_name, "Serif", "", 12, NAVY, gap=3, max_lines=2))
    lines.append(
        _Line(
            f"dalam {convention_label(p.convention_name, p.convention_year)}",
            "Serif",
            "",
            12,
            GREY,
            max_lines=2,
        )
    )
    return lines


class _Pdf(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        for (family, style), file in _FONTS.items():
            self.add_font(family, style, str(FONT_DIR / file))
        self.set_auto_page_break(False)
        self.set_margins(0, 0, 0)

    def ink(self, color: tuple[int, int, int]) -> None:
        self.set_text_color(*color)

    def use(self, family: str, style: str, size: float) -> None:
        self.set_font(family, style, size)

    def wrapped(self, line: _Line) -> tuple[list[str], float]:
        """The line broken to the text width, shrunk until it fits in ``max_lines``."""
        size = line.size
        while True:
            self.use(line.family, line.style, size)
            height = size * 0.42
            parts = cast(
                list[str],
                self.multi_cell(TEXT_W, height, line.text, align="C", dry_run=True, output="LINES"),
            )
            if len(parts) <= line.max_lines or size <= 9:
                return [str(part) for part in parts][: max(line.max_lines, 1)], size
            size -= 1


def _frame(pdf: _Pdf) -> None:
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(1.6)
    pdf.rect(8, 8, PAGE_W - 16, PAGE_H - 16)
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(0.35)
    pdf.rect(12, 12, PAGE_W - 24, PAGE_H - 24)
    # Gold corner marks inside the inner frame.
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.8)
    left, right, top, bottom = 15.0, PAGE_W - 15, 15.0, PAGE_H - 15
    for x, y, dx, dy in (
        (left, top, 1, 1),
        (right, top, -1, 1),
        (left, bottom, 1, -1),
        (right, bottom, -1, -1),
    ):
        pdf.line(x, y, x + 14 * dx, y)
        pdf.line(x, y, x, y + 14 * dy)


def _centred(pdf: _Pdf, y: float, text: str, height: float) -> None:
    pdf.set_xy((PAGE_W - TEXT_W) / 2, y)
    pdf.cell(TEXT_W, height, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _heading(pdf: _Pdf, p: Piagam) -> float:
    y = 20.0
    if p.host:
        pdf.use("Serif", "B", 11)
        pdf.ink(NAVY)
        pdf.set_char_spacing(1.5)
        _centred(pdf, y, p.host.upper(), 5)
        pdf.set_char_spacing(0)
        y += 6.5
    pdf.use("Serif", "", 12.5)
    pdf.ink(GREY)
    _centred(pdf, y, convention_label(p.convention_name, p.convention_year), 5)
    y += 10
    pdf.use("Serif", "B", 32)
    pdf.ink(NAVY)
    pdf.set_char_spacing(1)
    _centred(pdf, y, TITLES.get(p.kind, "SERTIFIKAT"), 13)
    pdf.set_char_spacing(0)
    y += 15.5
    # A gold rule with a small diamond under the title.
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.6)
    mid = PAGE_W / 2
    pdf.line(mid - 55, y, mid - 4, y)
    pdf.line(mid + 4, y, mid + 55, y)
    pdf.set_fill_color(*GOLD)
    pdf.polygon([(mid, y - 2), (mid + 2.5, y), (mid, y + 2), (mid - 2.5, y)], style="F")
    y += 3.5
    pdf.use("Sans", "", 10.5)
    pdf.ink(GREY)
    _centred(pdf, y, f"Nomor: {p.number}", 5)
    return y + 6


def _body_block(pdf: _Pdf, p: Piagam, top: float, bottom: float) -> None:
    laid_out: list[tuple[_Line, list[str], float]] = []
    total = 0.0
    for line in _body(p):
        parts, size = pdf.wrapped(line)
        laid_out.append((line, parts, size))
        total += len(parts) * size * 0.42 + line.gap
    y = top + max(0.0, (bottom - top - total) / 2)
    for line, parts, size in laid_out:
        pdf.use(line.family, line.style, size)
        pdf.ink(line.color)
        height = size * 0.42
        for part in parts:
            _centred(pdf, y, part, height)
            y += height
        y += line.gap


def _qr_runs(matrix: Any) -> Iterator[tuple[int, int, int]]:
    """Dark modules as horizontal runs: (row, first column, length)."""
    for row, cells in enumerate(matrix):
        col = 0
        width = len(cells)
        while col < width:
            if cells[col]:
                start = col
                while col < width and cells[col]:
                    col += 1
                yield row, start, col - start
            else:
                col += 1


def _qr(pdf: _Pdf, url: str, x: float, y: float, size: float) -> None:
    qr = segno.make(url, error="m", micro=False)
    matrix = qr.matrix
    module = size / len(matrix)
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x - 4 * module, y - 4 * module, size + 8 * module, size + 8 * module, style="F")
    pdf.set_fill_color(0, 0, 0)
    # Runs overlap their neighbours below by a hair, so no rasteriser draws seams.
    for row, col, length in _qr_runs(matrix):
        pdf.rect(x + col * module, y + row * module, length * module, module + 0.01, style="F")


def _footer(pdf: _Pdf, p: Piagam) -> None:
    top = PAGE_H - 64.0
    qr_x = 30.0
    _qr(pdf, p.verify_url, qr_x, top, QR_SIZE)
    pdf.ink(GREY)
    pdf.use("Sans", "", 7.5)
    pdf.set_xy(qr_x - 1, top + QR_SIZE + 1.5)
    pdf.cell(80, 3.5, "Pindai untuk memeriksa keaslian piagam", new_x=XPos.LMARGIN)
    pdf.use("Sans", "", 8)
    pdf.ink(NAVY)
    pdf.set_xy(qr_x - 1, top + QR_SIZE + 5)
    pdf.cell(80, 3.5, f"Kode: {p.code}", new_x=XPos.LMARGIN)
    pdf.use("Sans", "", 6.5)
    pdf.ink(GREY)
    pdf.set_xy(qr_x - 1, top + QR_SIZE + 8.5)
    pdf.cell(120, 3.5, p.verify_url, new_x=XPos.LMARGIN)

    centre, width = PAGE_W - 72.0, 100.0
    y = top - 1
    pdf.ink(NAVY)
    pdf.use("Serif", "", 12)
    date = indonesian_date(p.issued_at)
    for text in (f"{p.city}, {date}" if p.city else date, p.signatory_title):
        if text:
            pdf.set_xy(centre - width / 2, y)
            pdf.multi_cell(width, 5.5, f"{text}", align="C", new_x=XPos.LMARGIN)
            y = pdf.get_y()
    pdf.use("Serif", "B", 12.5)
    pdf.set_xy(centre - width / 2, top + 30)
    name = p.signatory_name or "(" + "." * 40 + ")"
    pdf.cell(width, 6, name, align="C", new_x=XPos.LMARGIN)
    if p.signatory_name:
        half = min(pdf.get_string_width(name), width) / 2
        pdf.set_draw_color(*NAVY)
        pdf.set_line_width(0.3)
        pdf.line(centre - half, top + 36.2, centre + half, top + 36.2)


def _revoked(pdf: _Pdf, p: Piagam) -> None:
    """A revoked certificate still prints, marked so that no one can miss it."""
    assert p.revoked_at is not None
    with pdf.local_context(fill_opacity=0.22), pdf.rotation(18, PAGE_W / 2, PAGE_H / 2):
        pdf.use("Serif", "B", 60)
        pdf.ink(RED)
        pdf.set_xy(0, PAGE_H / 2 - 14)
        pdf.cell(PAGE_W, 28, REVOKED, align="C")
    # A stamp between the QR code and the signature.
    x, y, w = PAGE_W / 2 - 45, PAGE_H - 52, 90.0
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.9)
    pdf.rect(x, y, w, 17)
    pdf.ink(RED)
    pdf.use("Serif", "B", 15)
    pdf.set_xy(x, y + 2)
    pdf.cell(w, 7, REVOKED, align="C")
    pdf.use("Serif", "", 10)
    pdf.set_xy(x, y + 9.5)
    pdf.cell(w, 5, f"tidak berlaku sejak {indonesian_date(p.revoked_at)}", align="C")


# Loading the four fonts (glyph widths of ~3,000 glyphs each) costs more than drawing a
# page, so documents start as copies of one with the fonts loaded. fpdf2's copies share the
# parsed font, which its output then subsets in place: each copy gets its own, lazily read
# from bytes held in memory. The lock keeps the template and fontTools' lazy loading to one
# thread; rendering is CPU work under the GIL anyway.
_lock = threading.Lock()
_template: _Pdf | None = None
_font_bytes: dict[str, bytes] = {}


def _new_pdf() -> _Pdf:
    global _template
    if _template is None:
        _template = _Pdf()
    pdf = copy.deepcopy(_template)
    for font in pdf.fonts.values():
        if not isinstance(font, TTFFont):
            continue
        path = str(font.ttffile)
        if path not in _font_bytes:
            _font_bytes[path] = Path(path).read_bytes()
        font.ttfont = ttLib.TTFont(io.BytesIO(_font_bytes[path]), recalcTimestamp=False, lazy=True)
    return pdf


def render(p: Piagam) -> bytes:
    """The certificate as a one-page A4 landscape PDF."""
    with _lock:
        return _render(_new_pdf(), p)


def _render(pdf: _Pdf, p: Piagam) -> bytes:
    title = TITLES.get(p.kind, "SERTIFIKAT").title()
    pdf.set_title(f"{title} {p.number}: {p.recipient_name}")
    pdf.set_author(p.host or p.convention_name)
    pdf.set_subject(convention_label(p.convention_name, p.convention_year))
    pdf.set_creator("Konvensi")
    pdf.set_lang("id")
    pdf.set_creation_date(p.issued_at)
    pdf.add_page()
    _frame(pdf)
    body_top = _heading(pdf, p)
    _body_block(pdf, p, body_top + 2, PAGE_H - 62)
    _footer(pdf, p)
    if p.revoked_at is not None:
        _revoked(pdf, p)
    return bytes(pdf.output())
