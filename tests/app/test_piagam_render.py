"""The piagam renderer on its own (no database): ``render``, ``render_many``/``chunks``, the
fonts' subsets and the PDF writer under them."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
import zlib
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fontTools import ttLib  # type: ignore[import-untyped]
from PIL import Image, ImageDraw
from pypdf import PdfReader

from app.services import certificate_pdf
from app.services.certificate_pdf import Logo
from app.services.pdf import Document, Page
from app.services.pdf.document import png_image
from app.services.pdf.truetype import load
from tests.support.browser import require_tool
from tests.support.piagam import solok_piagam


def png(mode: str = "RGBA", size: tuple[int, int] = (800, 900)) -> bytes:
    """A red disc on a transparent ground (or on white, without alpha)."""
    ground = {"RGBA": (0, 0, 0, 0), "RGB": (255, 255, 255), "LA": (0, 0), "L": 255}[mode]
    disc = {"RGBA": (200, 30, 30, 255), "RGB": (200, 30, 30), "LA": (60, 255), "L": 60}[mode]
    image = Image.new(mode, size, ground)  # type: ignore[arg-type]
    m = min(size) // 16
    ImageDraw.Draw(image).ellipse((m, m, size[0] - m, size[1] - m), fill=disc)  # type: ignore[arg-type]
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def logo(data: bytes) -> Logo:
    return Logo(data, hashlib.sha256(data).hexdigest())


def images(pdf: bytes) -> list[Any]:
    """The image XObjects of a PDF's first page."""
    resources: Any = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]
    return [image.get_object() for image in resources["/XObject"].values()]


def lines(pdf: bytes, page: int = 0) -> list[str]:
    text: str = PdfReader(io.BytesIO(pdf)).pages[page].extract_text()
    return text.splitlines()


def raster(pdf: bytes, tmp: Path, dpi: int = 50, page: int = 1) -> Image.Image:
    pdftoppm = require_tool("pdftoppm")
    (tmp / "in.pdf").write_bytes(pdf)
    pages = ["-f", str(page), "-l", str(page)]
    subprocess.run(
        [pdftoppm, "-png", "-r", str(dpi), *pages, "-singlefile", "in.pdf", "out"],
        cwd=tmp,
        check=True,
    )
    return Image.open(tmp / "out.png").convert("RGB")


def at_mm(image: Image.Image, x: float, y: float, dpi: int = 50) -> tuple[int, int, int]:
    pixel = image.getpixel((round(x / 25.4 * dpi), round(y / 25.4 * dpi)))
    assert isinstance(pixel, tuple)
    return pixel[0], pixel[1], pixel[2]


def test_the_date_is_the_ceremonys_when_set_else_the_day_of_issue() -> None:
    assert "Solok, 3 Mei 2018" in lines(certificate_pdf.render(solok_piagam()))
    late = replace(solok_piagam(), issued_at=datetime(2018, 5, 31, 17, 30, tzinfo=UTC))
    assert "Solok, 1 Juni 2018" in lines(certificate_pdf.render(late))  # WIB is UTC+7
    ceremony = replace(solok_piagam(), ceremony_date=date(2018, 5, 20))
    text = lines(certificate_pdf.render(ceremony))
    assert "Solok, 20 Mei 2018" in text
    assert not any("3 Mei 2018" in line for line in text)
    no_city = replace(ceremony, city=None)
    assert "20 Mei 2018" in lines(certificate_pdf.render(no_city))


def test_the_logo_is_drawn_at_the_head_of_the_page(tmp_path: Path) -> None:
    plain = certificate_pdf.render(solok_piagam())
    with_logo = certificate_pdf.render(replace(solok_piagam(), logo=logo(png())))
    assert len(images(with_logo)) == 1
    image = images(with_logo)[0]
    # Scaled to 600 pixels on its long side, its transparency kept apart.
    assert (image["/Width"], image["/Height"]) == (533, 600)
    assert image["/SMask"].get_object()["/Width"] == 533
    assert images(plain) == []
    # The disc's red at the centre of the logo's box (18 mm high from 15 mm), white around.
    page = raster(with_logo, tmp_path)
    r, g, b = at_mm(page, 148.5, 24)
    assert r > 150 and g < 90 and b < 90, (r, g, b)
    assert at_mm(page, 148.5 + 8.5, 24) == (255, 255, 255)  # outside the disc: transparent
    assert at_mm(raster(plain, tmp_path), 148.5, 24) == (255, 255, 255)
    # The heading moves down below it; the text stays whole.
    assert lines(with_logo) == lines(plain)


@pytest.mark.parametrize("mode", ["RGB", "LA", "L"])
def test_logos_of_every_colour_mode_print(mode: str, tmp_path: Path) -> None:
    pdf = certificate_pdf.render(replace(solok_piagam(), logo=logo(png(mode, (120, 100)))))
    (image,) = images(pdf)
    assert (image["/Width"], image["/Height"]) == (120, 100)  # small: as it is
    assert image["/ColorSpace"] == ("/DeviceRGB" if mode == "RGB" else "/DeviceGray")
    assert ("/SMask" in image) == (mode == "LA")
    r, g, b = at_mm(raster(pdf, tmp_path), 148.5, 24)
    assert r < 210 and g < 90, (r, g, b)


def test_a_long_title_under_a_logo_shrinks_to_stay_clear_of_the_signature() -> None:
    title = " ".join(["Sistem Informasi Pelayanan Terpadu Berbasis Elektronik"] * 3)
    p = replace(solok_piagam(), logo=logo(png()), entry_title=title)
    positions: dict[str, float] = {}

    def seen(text: str, _cm: object, tm: list[float], _font: object, _size: object) -> None:
        if text.strip():
            positions.setdefault(text.strip(), tm[5])

    reader = PdfReader(io.BytesIO(certificate_pdf.render(p)))
    reader.pages[0].extract_text(visitor_text=seen)
    last_body_line = positions["dalam Konvensi Inovasi Daerah Kota Solok Tahun 2018"]
    assert last_body_line > positions["Solok, 3 Mei 2018"] + 8  # points above it
    assert any(line.startswith("\u201cSistem Informasi") for line in positions)


def test_a_revoked_certificate_names_its_replacement() -> None:
    revoked = replace(solok_piagam(), revoked_at=datetime(2018, 6, 1, 3, tzinfo=UTC))
    text = lines(certificate_pdf.render(revoked))
    assert "tidak berlaku sejak 1 Juni 2018" in text
    assert not any("diganti" in line for line in text)
    replaced = replace(revoked, replaced_by_code="QWERTYUIOPASDFGH")
    assert "diganti piagam berkode QWERTYUIOPASDFGH" in lines(certificate_pdf.render(replaced))


def test_the_same_certificate_gives_the_same_bytes() -> None:
    p = replace(solok_piagam(), logo=logo(png()))
    assert certificate_pdf.render(p) == certificate_pdf.render(p)


def test_many_certificates_are_one_pdf_with_fonts_embedded_once() -> None:
    items = [solok_piagam(n, recipient_name=f"Nama {chr(0x100 + n)} {n}") for n in range(1, 41)]
    out = io.BytesIO()
    certificate_pdf.render_many(items, out)
    data = out.getvalue()
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 40
    for n, page in enumerate(reader.pages, start=1):
        text = page.extract_text().splitlines()
        assert f"Nomor: {n:03d}/KIP-SLK/V/2018" in text
        assert f"Nama {chr(0x100 + n)} {n}" in text
    assert data.count(b"/FontFile2") == 4
    assert data.count(b"/Type /Page ") == 40
    assert reader.metadata is not None
    assert reader.metadata.title == "Piagam Konvensi Inovasi Daerah Kota Solok Tahun 2018"


def test_chunks_come_as_pages_are_drawn() -> None:
    drawn: list[int] = []

    def items() -> object:
        for n in range(1, 3 * certificate_pdf.BATCH + 1):
            drawn.append(n)
            yield solok_piagam(n)

    chunks = certificate_pdf.chunks(items())  # type: ignore[arg-type]
    first = next(chunks)
    assert first.startswith(b"%PDF-1.7") and drawn == []  # before the first is even taken
    second = next(chunks)
    assert b"/Type /Page " in second and len(drawn) == certificate_pdf.BATCH
    rest = b"".join(chunks)
    assert len(PdfReader(io.BytesIO(first + second + rest)).pages) == 3 * certificate_pdf.BATCH


def test_no_certificate_is_a_pdf_of_one_blank_page() -> None:
    data = b"".join(certificate_pdf.chunks([], title="Piagam kosong"))
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    assert reader.pages[0].extract_text() == ""


def test_font_subsets_hold_the_glyphs_used_numbered_anew() -> None:
    face = load(certificate_pdf.FONT_DIR / "DejaVuSerif-Bold.ttf")
    text = "\u015a\u0101nti D\u00e9wi \u201cAyu\u201d"
    gids = {face.glyph(c) for c in text}
    data, cid_to_gid = face.subset(gids)
    font = ttLib.TTFont(io.BytesIO(data), checkChecksums=2)
    order, glyf = font.getGlyphOrder(), font["glyf"]
    original = ttLib.TTFont(certificate_pdf.FONT_DIR / "DejaVuSerif-Bold.ttf")
    new_of = {cid: int.from_bytes(cid_to_gid[2 * cid : 2 * cid + 2]) for cid in gids}
    for cid, gid in new_of.items():
        old = original["glyf"][original.getGlyphOrder()[cid]]
        mine = glyf[order[gid]]
        assert mine.numberOfContours == old.numberOfContours, cid
        assert font["hmtx"][order[gid]] == original["hmtx"][original.getGlyphOrder()[cid]]
    # S-acute is a composite: its components come along, renumbered.
    composite = glyf[order[new_of[face.glyph("\u015a")]]]
    assert composite.isComposite()
    for component in composite.components:
        assert glyf[component.glyphName].numberOfContours > 0
    closure, todo = {0, *gids}, list(gids)
    while todo:
        names = original["glyf"][original.getGlyphOrder()[todo.pop()]].getComponentNames(
            original["glyf"]
        )
        fresh = {original.getGlyphID(name) for name in names} - closure
        closure |= fresh
        todo += fresh
    assert font["maxp"].numGlyphs == len(closure) < len(gids) + 8  # .notdef and components
    assert len(cid_to_gid) == 2 * (max(new_of) + 1)
    assert cid_to_gid[2 * face.glyph("Z") : 2 * face.glyph("Z") + 2] == b"\0\0"  # unused


def test_text_the_fonts_lack_extracts_as_the_replacement_character() -> None:
    face = load(certificate_pdf.FONT_DIR / "DejaVuSans.ttf")
    assert face.glyph("\u4e2d") == 0  # no CJK in DejaVu
    pdf = certificate_pdf.render(replace(solok_piagam(), recipient_name="Rina \u4e2d"))
    assert "Rina \ufffd" in lines(pdf)


def test_every_reserved_object_must_be_written() -> None:
    doc = Document(bytearray().extend)
    doc.reserve()
    Page(doc, 100, 100).finish()
    with pytest.raises(AssertionError, match="never written"):
        doc.close()


def test_page_content_is_compressed_and_readable() -> None:
    out = bytearray()
    doc = Document(out.extend, info={"Title": "t"}, lang="id")
    page = Page(doc, 100, 50)
    page.stroke_colour((10, 20, 30))
    page.rect(10, 10, 20, 5)
    page.finish()
    doc.close()
    stream = re.search(rb"stream\n(.*?)\nendstream", bytes(out), re.S)
    assert stream is not None
    assert zlib.decompress(stream[1]) == b"0.039 0.078 0.118 RG\n28.35 113.39 56.69 -14.17 re S"


def test_prepared_images_are_kept_for_the_last_few_logos() -> None:
    first = png("RGB", (40, 30))
    image = png_image(first, "first", 600)
    assert png_image(first, "first", 600) is image
    for n in range(8):
        png_image(png("L", (10 + n, 10)), f"other-{n}", 600)
    assert png_image(first, "first", 600) is not image  # pushed out, prepared again


def _synthetic_font() -> bytes:
    """A small TrueType font: short loca offsets, one long metric for five glyphs, and
    composites of every kind of transform (scale, x and y scale, 2x2, far offsets)."""
    from fontTools.fontBuilder import FontBuilder  # type: ignore[import-untyped]
    from fontTools.pens.ttGlyphPen import TTGlyphPen  # type: ignore[import-untyped]

    def box() -> Any:
        pen = TTGlyphPen(None)
        pen.moveTo((0, 0))
        pen.lineTo((0, 500))
        pen.lineTo((500, 500))
        pen.closePath()
        return pen.glyph()

    glyphs: dict[str, Any] = {".notdef": box(), "A": box(), "E": box()}
    for name, components in (
        ("B", [("A", (0.5, 0, 0, 0.5, 1000, 0))]),
        ("C", [("A", (0.5, 0, 0, 0.75, 10, 0))]),
        ("D", [("A", (0.5, 0.25, 0.125, 0.5, 0, 0)), ("B", (1, 0, 0, 1, 5, 5))]),
    ):
        pen = TTGlyphPen(glyphs)
        for base, transform in components:
            pen.addComponent(base, transform)
        glyphs[name] = pen.glyph()
    order = [".notdef", "A", "B", "C", "D", "E"]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap({ord(n): n for n in order[1:]})
    builder.setupGlyf({n: glyphs[n] for n in order})
    builder.setupHorizontalMetrics({n: (600, 0) for n in order})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Synth", "styleName": "Regular", "psName": "Synth"})
    builder.setupOS2(sCapHeight=700)
    builder.setupPost()
    out = io.BytesIO()
    builder.save(out)
    return out.getvalue()


def test_a_font_with_short_offsets_shared_metrics_and_composites_subsets() -> None:
    from app.services.pdf.truetype import TrueType

    face = TrueType(_synthetic_font())
    assert (face.long_loca, face.metrics_count, face.glyph_count) == (False, 1, 6)
    assert face.width("ABE") == 1800 and face.name == "Synth"
    data, cid_to_gid = face.subset({face.glyph("D"), face.glyph("C")})
    font = ttLib.TTFont(io.BytesIO(data))
    order, glyf = font.getGlyphOrder(), font["glyf"]
    assert len(order) == 5  # .notdef, A, B, C, D: E left out
    new_d = int.from_bytes(cid_to_gid[2 * face.glyph("D") : 2 * face.glyph("D") + 2])
    d = glyf[order[new_d]]
    assert [c.glyphName for c in d.components] == [order[1], order[2]]  # A and B, renumbered
    assert glyf[order[2]].components[0].glyphName == order[1]  # B is A, scaled
    assert all(font["hmtx"][name][0] == 600 for name in order)
    text = certificate_pdf.render(
        solok_piagam(), faces=dict.fromkeys(certificate_pdf.fonts(), face)
    )
    assert text.startswith(b"%PDF-")


def test_a_word_wider_than_the_line_is_broken_inside() -> None:
    name = "".join(f"Kusumawardhani{n}" for n in range(8))  # one word, some 300 mm at 26 pt
    text = lines(certificate_pdf.render(replace(solok_piagam(), recipient_name=name)))
    first = text.index("diberikan kepada") + 1
    assert text[first] + text[first + 1] == name  # two lines, broken inside the word
