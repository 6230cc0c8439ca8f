"""The piagam's page: A4 landscape, a double frame, the convention's logo and heading, the
recipient in the middle, the QR code of its verification page and the signature below;
a revoked certificate crossed and stamped. Drawn on an ``app.services.pdf.Page``."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import segno

from app.enums import CertificateKind
from app.services.dates import day_month_year, indonesian_date
from app.services.pdf.document import Face, png_image
from app.services.pdf.page import K, Page

if TYPE_CHECKING:
    from app.services.certificate_pdf import Piagam

Fonts = Mapping[tuple[str, str], Face]
Rgb = tuple[int, int, int]

TITLES = {
    "winner": "PIAGAM PENGHARGAAN",
    "participant": "PIAGAM PARTISIPASI",
    "juror": "PIAGAM APRESIASI",
}
REVOKED = "DICABUT / REVOKED"

# Colours (RGB): ink, accents, and the red of a revoked certificate.
NAVY = (22, 52, 96)
GOLD = (176, 141, 60)
MAROON = (128, 24, 24)
GREY = (90, 90, 90)
RED = (200, 30, 30)
BLACK = (0, 0, 0)
WHITE = (255, 255, 255)

PAGE_W, PAGE_H = 297.0, 210.0
TEXT_W = 240.0
QR_SIZE = 34.0
# Any of the eight masks makes a valid QR code; scoring all eight to pick one (what an
# encoder does by default) costs more than drawing the rest of the page.
QR_MASK = 0
# The logo: at most this high and wide (mm), and this many pixels on its long side (over
# 600 dpi at that size).
LOGO_H, LOGO_W, LOGO_PX = 18.0, 60.0, 600
LINE = 0.42  # a line's height in mm per point of its size
PAD = 1.0  # the space left of a left-aligned text (mm)


def convention_label(name: str, year: int) -> str:
    """The convention as the piagam names it, with its year once."""
    return name if str(year) in name else f"{name} Tahun {year}"


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    family: str
    style: str
    size: float
    color: Rgb
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
    label = convention_label(p.convention_name, p.convention_year)
    lines.append(_Line(f"dalam {label}", "Serif", "", 12, GREY, max_lines=2))
    return lines


class Sheet:
    """A page with the piagam's fonts: text set in a font, size and colour."""

    def __init__(self, page: Page, fonts: Fonts) -> None:
        self.page = page
        self.fonts = fonts
        self.face = fonts[("Serif", "")]
        self.size = 12.0
        self.spacing = 0.0

    def use(self, family: str, style: str, size: float, color: Rgb | None = None) -> None:
        self.face, self.size = self.fonts[(family, style)], size
        if color is not None:
            self.page.fill_colour(color)

    def width(self, text: str) -> float:
        return Page.text_width(self.face, self.size, text, self.spacing)

    def centred(self, y: float, text: str, height: float, x: float = 0, w: float = PAGE_W) -> None:
        """``text`` centred in the box (x, y, w, height), as a one-line cell."""
        left = x + (w - self.width(text)) / 2
        self.page.text(
            self.face, self.size, left, _baseline(y, height, self.size), text, self.spacing
        )

    def left(self, x: float, y: float, height: float, text: str) -> None:
        self.page.text(self.face, self.size, x + PAD, _baseline(y, height, self.size), text)

    def wrap(self, text: str, width: float) -> list[str]:
        """``text`` broken at spaces (inside a word only when the word is wider than the
        line) into lines at most ``width`` mm wide."""
        if self.width(text) <= width:
            return [text]
        lines: list[str] = []
        current = ""
        for word in text.split(" "):
            candidate = f"{current} {word}" if current else word
            if self.width(candidate) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            while len(word) > 1 and self.width(word) > width:
                cut = len(word) - 1
                while cut > 1 and self.width(word[:cut]) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            current = word
        lines.append(current)
        return lines

    def fitted(self, line: _Line, scale: float) -> tuple[list[str], float]:
        """The line broken to the text width, shrunk until it fits in ``max_lines``."""
        size = round(line.size * scale, 1)
        while True:
            self.use(line.family, line.style, size)
            parts = self.wrap(line.text, TEXT_W - 2 * PAD)
            if len(parts) <= line.max_lines or size <= 9:
                return parts[: line.max_lines], size
            size -= 1


def _baseline(top: float, height: float, size: float) -> float:
    """Where a one-line cell of ``height`` mm at ``top`` puts the baseline of its text."""
    return top + height / 2 + 0.3 * size / K


def _frame(page: Page) -> None:
    page.stroke_colour(GOLD)
    page.line_width(1.6)
    page.rect(8, 8, PAGE_W - 16, PAGE_H - 16)
    page.stroke_colour(NAVY)
    page.line_width(0.35)
    page.rect(12, 12, PAGE_W - 24, PAGE_H - 24)
    # Gold corner marks inside the inner frame.
    page.stroke_colour(GOLD)
    page.line_width(0.8)
    left, right, top, bottom = 15.0, PAGE_W - 15, 15.0, PAGE_H - 15
    for x, y, dx, dy in (
        (left, top, 1, 1),
        (right, top, -1, 1),
        (left, bottom, 1, -1),
        (right, bottom, -1, -1),
    ):
        page.line(x, y, x + 14 * dx, y)
        page.line(x, y, x, y + 14 * dy)


def _logo(sheet: Sheet, p: Piagam) -> float:
    """The logo centred at the head of the page; where the heading starts below it."""
    if p.logo is None:
        return 20.0
    image = png_image(p.logo.png, p.logo.sha256, LOGO_PX)
    scale = min(LOGO_H / image.height, LOGO_W / image.width)
    w, h = image.width * scale, image.height * scale
    top = 15.0
    sheet.page.image(image, (PAGE_W - w) / 2, top + (LOGO_H - h) / 2, w, h)
    return top + LOGO_H + 2.5


def _heading(sheet: Sheet, p: Piagam) -> float:
    y = _logo(sheet, p)
    if p.host:
        sheet.use("Serif", "B", 11, NAVY)
        sheet.spacing = 1.5
        sheet.centred(y, p.host.upper(), 5)
        sheet.spacing = 0
        y += 6.5
    sheet.use("Serif", "", 12.5, GREY)
    sheet.centred(y, convention_label(p.convention_name, p.convention_year), 5)
    y += 10
    sheet.use("Serif", "B", 32, NAVY)
    sheet.spacing = 1
    sheet.centred(y, TITLES.get(p.kind, "SERTIFIKAT"), 13)
    sheet.spacing = 0
    y += 15.5
    # A gold rule with a small diamond under the title.
    page = sheet.page
    page.stroke_colour(GOLD)
    page.line_width(0.6)
    mid = PAGE_W / 2
    page.line(mid - 55, y, mid - 4, y)
    page.line(mid + 4, y, mid + 55, y)
    page.fill_colour(GOLD)
    page.polygon([(mid, y - 2), (mid + 2.5, y), (mid, y + 2), (mid - 2.5, y)])
    y += 3.5
    sheet.use("Sans", "", 10.5, GREY)
    sheet.centred(y, f"Nomor: {p.number}", 5)
    return y + 6


def _body_block(sheet: Sheet, p: Piagam, top: float, bottom: float) -> None:
    """The body's lines centred between ``top`` and ``bottom``, all smaller when they would
    not fit (a long name, title and OPD under a logo)."""
    scale = 1.0
    while True:
        laid_out = [(line, *sheet.fitted(line, scale)) for line in _body(p)]
        total = sum(len(parts) * size * LINE + line.gap for line, parts, size in laid_out)
        if total <= bottom - top or scale <= 0.7:
            break
        scale -= 0.05
    y = top + max(0.0, (bottom - top - total) / 2)
    for line, parts, size in laid_out:
        sheet.use(line.family, line.style, size, line.color)
        height = size * LINE
        for part in parts:
            sheet.centred(y, part, height, (PAGE_W - TEXT_W) / 2, TEXT_W)
            y += height
        y += line.gap


_DARK = re.compile(rb"[^\x00]+")


def qr_runs(matrix: Sequence[bytes | bytearray]) -> Iterator[tuple[int, int, int]]:
    """Dark modules as horizontal runs: (row, first column, length)."""
    for row, cells in enumerate(matrix):
        for run in _DARK.finditer(cells):
            yield row, run.start(), run.end() - run.start()


def qr_code(url: str) -> segno.QRCode:
    return segno.make(url, error="m", micro=False, mask=QR_MASK)


def _qr(page: Page, url: str, x: float, y: float, size: float) -> None:
    matrix = qr_code(url).matrix
    module = size / len(matrix)
    page.fill_colour(WHITE)
    quiet = 4 * module
    page.rect(x - quiet, y - quiet, size + 2 * quiet, size + 2 * quiet, style="f")
    # In module units (the matrix maps them onto the page), one path of a rectangle a run,
    # each a hair taller than a module so that no rasteriser draws seams between rows.
    with page.saved():
        page.ops.append(
            f"{module * K:.4f} 0 0 {-module * K:.4f} {x * K:.2f} {(PAGE_H - y) * K:.2f} cm"
        )
        page.fill_colour(BLACK)
        page.ops.extend(f"{col} {row} {length} 1.02 re" for row, col, length in qr_runs(matrix))
        page.ops.append("f")


def _footer(sheet: Sheet, p: Piagam) -> None:
    top = PAGE_H - 64.0
    qr_x = 30.0
    _qr(sheet.page, p.verify_url, qr_x, top, QR_SIZE)
    sheet.use("Sans", "", 7.5, GREY)
    sheet.left(qr_x - 1, top + QR_SIZE + 1.5, 3.5, "Pindai untuk memeriksa keaslian piagam")
    sheet.use("Sans", "", 8, NAVY)
    sheet.left(qr_x - 1, top + QR_SIZE + 5, 3.5, f"Kode: {p.code}")
    sheet.use("Sans", "", 6.5, GREY)
    sheet.left(qr_x - 1, top + QR_SIZE + 8.5, 3.5, p.verify_url)

    centre, width = PAGE_W - 72.0, 100.0
    y = top - 1
    sheet.use("Serif", "", 12, NAVY)
    day = day_month_year(p.ceremony_date) if p.ceremony_date else indonesian_date(p.issued_at)
    for text in (f"{p.city}, {day}" if p.city else day, p.signatory_title):
        for part in sheet.wrap(text or "", width - 2 * PAD) if text else ():
            sheet.centred(y, part, 5.5, centre - width / 2, width)
            y += 5.5
    sheet.use("Serif", "B", 12.5)
    name = p.signatory_name or "(" + "." * 40 + ")"
    sheet.centred(top + 30, name, 6, centre - width / 2, width)
    if p.signatory_name:
        half = min(sheet.width(name), width) / 2
        sheet.page.stroke_colour(NAVY)
        sheet.page.line_width(0.3)
        sheet.page.line(centre - half, top + 36.2, centre + half, top + 36.2)


def _revoked(sheet: Sheet, p: Piagam) -> None:
    """A revoked certificate still prints, marked so that no one can miss it."""
    assert p.revoked_at is not None
    page = sheet.page
    with page.translucent(0.22), page.rotated(18, PAGE_W / 2, PAGE_H / 2):
        sheet.use("Serif", "B", 60, RED)
        sheet.centred(PAGE_H / 2 - 14, REVOKED, 28)
    # A stamp between the QR code and the signature.
    x, y, w = PAGE_W / 2 - 45, PAGE_H - 52, 90.0
    page.stroke_colour(RED)
    page.line_width(0.9)
    page.rect(x, y, w, 21 if p.replaced_by_code else 17)
    sheet.use("Serif", "B", 15, RED)
    sheet.centred(y + 2, REVOKED, 7, x, w)
    sheet.use("Serif", "", 10)
    sheet.centred(y + 9.5, f"tidak berlaku sejak {indonesian_date(p.revoked_at)}", 5, x, w)
    if p.replaced_by_code:
        sheet.use("Sans", "", 8)
        sheet.centred(y + 14.5, f"diganti piagam berkode {p.replaced_by_code}", 4.5, x, w)


def draw(page: Page, fonts: Fonts, p: Piagam) -> None:
    """One certificate on ``page``."""
    sheet = Sheet(page, fonts)
    _frame(page)
    body_top = _heading(sheet, p)
    _body_block(sheet, p, body_top + 2, PAGE_H - 66)
    _footer(sheet, p)
    if p.revoked_at is not None:
        _revoked(sheet, p)
