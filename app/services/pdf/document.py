"""The PDF file, written front to back: a page's content and page object as soon as the page
is drawn; fonts, images' shared resources, the page tree and the cross-reference table at
the end (ISO 32000-1, 7.5). Memory holds the page being drawn, the glyphs used so far and
one object number per page."""

from __future__ import annotations

import hashlib
import io
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from PIL import Image as PILImage

from app.services.kept import Kept

# Compression of content streams: zlib's default, nearly as small as its best and twice as
# fast as it.
LEVEL = 6


class Face(Protocol):
    """A font as pages use it: the width of a text and the operand that shows it."""

    def width(self, text: str) -> int:
        """The advance of ``text`` in thousandths of an em."""
        ...

    def operand(self, text: str, used: dict[str, int]) -> str:
        """``text`` as the string operand of ``Tj``; records the glyphs it uses."""
        ...

    def write(self, doc: Document, number: int, used: dict[str, int]) -> None:
        """Write the font dictionary as object ``number`` (and what it refers to)."""
        ...


@dataclass(frozen=True, slots=True)
class Image:
    """An image ready for a PDF: its samples compressed, alpha apart."""

    key: str
    width: int
    height: int
    gray: bool
    samples: bytes
    alpha: bytes | None


def text_string(value: str) -> str:
    """A PDF text string: UTF-16BE with its byte order mark, in hex."""
    return "<FEFF" + value.encode("utf-16-be").hex().upper() + ">"


def date_string(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("(D:%Y%m%d%H%M%SZ)")


class Document:
    """A PDF written to ``write`` as it is made. ``add_page`` writes a page's objects at once;
    ``close`` writes the rest. Output is a function of the input alone (no clock, no random
    ids), so the same certificate always gives the same bytes."""

    def __init__(
        self,
        write: Callable[[bytes], Any],
        *,
        info: dict[str, str] | None = None,
        created: datetime | None = None,
        lang: str | None = None,
    ) -> None:
        self._write = write
        self._position = 0
        self._offsets: dict[int, int] = {}
        self._count = 0
        self.info = dict(info or {})  # may change until ``close``
        self.created = created
        self._lang = lang
        self._emit(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        self._catalog, self._pages, self._resources = self.reserve(), self.reserve(), self.reserve()
        self._kids: list[int] = []
        self._fonts: dict[int, tuple[Face, str, int, dict[str, int]]] = {}
        self._images: dict[str, tuple[str, int]] = {}
        self._states: dict[float, tuple[str, int]] = {}
        self._digest = hashlib.md5(usedforsecurity=False)

    # --- objects ------------------------------------------------------------------------

    def _emit(self, data: bytes) -> None:
        self._write(data)
        self._position += len(data)

    def reserve(self) -> int:
        """A number for an object written later."""
        self._count += 1
        return self._count

    def put(self, number: int, body: str | bytes) -> None:
        data = body.encode("latin-1") if isinstance(body, str) else body
        self._offsets[number] = self._position
        self._emit(b"%d 0 obj\n%s\nendobj\n" % (number, data))

    def stream(self, number: int, entries: str, data: bytes, *, compress: bool = True) -> None:
        if compress:
            data = zlib.compress(data, LEVEL)
            entries = f"{entries} /Filter /FlateDecode".lstrip()
        head = f"<< {entries} /Length {len(data)} >>\nstream\n".encode("latin-1")
        body = head + data + b"\nendstream"
        self.put(number, body)

    # --- resources ----------------------------------------------------------------------

    def font(self, face: Face) -> tuple[str, dict[str, int]]:
        """The resource name of a font, and the record of the glyphs the pages use of it."""
        known = self._fonts.get(id(face))
        if known is None:
            known = (face, f"F{len(self._fonts) + 1}", self.reserve(), {})
            self._fonts[id(face)] = known
        return known[1], known[3]

    def image(self, image: Image) -> str:
        """The resource name of an image, written the first time it is used."""
        known = self._images.get(image.key)
        if known is None:
            number = self.reserve()
            entries = f"/Type /XObject /Subtype /Image /Width {image.width} "
            entries += f"/Height {image.height} /BitsPerComponent 8 /Filter /FlateDecode"
            if image.alpha is not None:
                mask = self.reserve()
                self.stream(mask, entries + " /ColorSpace /DeviceGray", image.alpha, compress=False)
                entries += f" /SMask {mask} 0 R"
            space = "/DeviceGray" if image.gray else "/DeviceRGB"
            self.stream(number, f"{entries} /ColorSpace {space}", image.samples, compress=False)
            known = (f"I{len(self._images) + 1}", number)
            self._images[image.key] = known
        return known[0]

    def fill_alpha(self, alpha: float) -> str:
        """The resource name of a graphics state that paints with this opacity."""
        known = self._states.get(alpha)
        if known is None:
            number = self.reserve()
            self.put(number, f"<< /Type /ExtGState /ca {alpha:g} /CA {alpha:g} >>")
            known = (f"G{len(self._states) + 1}", number)
            self._states[alpha] = known
        return known[0]

    # --- pages and the end --------------------------------------------------------------

    def add_page(self, content: bytes, width: float, height: float) -> None:
        """A page of ``width`` x ``height`` points with this content stream."""
        contents, page = self.reserve(), self.reserve()
        self.stream(contents, "", content)
        self.put(
            page,
            f"<< /Type /Page /Parent {self._pages} 0 R /MediaBox [0 0 {width:.2f} {height:.2f}] "
            f"/Resources {self._resources} 0 R /Contents {contents} 0 R >>",
        )
        self._kids.append(page)
        self._digest.update(content)

    @property
    def page_count(self) -> int:
        return len(self._kids)

    def close(self) -> None:
        for face, _name, number, used in self._fonts.values():
            face.write(self, number, used)
        fonts = " ".join(f"/{name} {number} 0 R" for _f, name, number, _u in self._fonts.values())
        images = " ".join(f"/{name} {number} 0 R" for name, number in self._images.values())
        states = " ".join(f"/{name} {number} 0 R" for name, number in self._states.values())
        self.put(
            self._resources,
            f"<< /ProcSet [/PDF /Text /ImageB /ImageC] /Font << {fonts} >> "
            f"/XObject << {images} >> /ExtGState << {states} >> >>",
        )
        kids = " ".join(f"{kid} 0 R" for kid in self._kids)
        self.put(self._pages, f"<< /Type /Pages /Kids [{kids}] /Count {len(self._kids)} >>")
        lang = f" /Lang {text_string(self._lang)}" if self._lang else ""
        self.put(self._catalog, f"<< /Type /Catalog /Pages {self._pages} 0 R{lang} >>")
        info = self.reserve()
        fields = " ".join(f"/{key} {text_string(value)}" for key, value in self.info.items())
        if self.created is not None:
            fields += f" /CreationDate {date_string(self.created)}"
        self.put(info, f"<< {fields} >>")
        self._xref(info)

    def _xref(self, info: int) -> None:
        start = self._position
        missing = [n for n in range(1, self._count + 1) if n not in self._offsets]
        assert not missing, f"objects reserved and never written: {missing}"
        rows = [b"xref\n0 %d\n0000000000 65535 f \n" % (self._count + 1)]
        rows += [b"%010d 00000 n \n" % self._offsets[n] for n in range(1, self._count + 1)]
        self._emit(b"".join(rows))
        ident = self._digest.hexdigest().upper()
        self._emit(
            (
                f"trailer\n<< /Size {self._count + 1} /Root {self._catalog} 0 R "
                f"/Info {info} 0 R /ID [<{ident}> <{ident}>] >>\nstartxref\n{start}\n%%EOF\n"
            ).encode("latin-1")
        )


# --- images --------------------------------------------------------------------------------

_images: Kept[str, Image] = Kept(8)


def png_image(png: bytes, key: str, max_side: int) -> Image:
    """A PNG's pixels for a PDF, at most ``max_side`` pixels on its long side, prepared once
    per process for each ``key`` (the PNG's hash) among the last few used."""
    found = _images.get(key)
    if found is not None:
        return found
    opened = PILImage.open(io.BytesIO(png))
    opened.load()
    picture: PILImage.Image = opened
    has_alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
    gray = picture.mode in ("1", "L", "LA", "I", "I;16", "F")
    picture = picture.convert(("LA" if gray else "RGBA") if has_alpha else ("L" if gray else "RGB"))
    picture.thumbnail((max_side, max_side), PILImage.Resampling.LANCZOS)
    alpha = None
    if has_alpha:
        alpha = zlib.compress(picture.getchannel("A").tobytes(), LEVEL)
        picture = picture.convert("L" if gray else "RGB")
    image = Image(
        key, picture.width, picture.height, gray, zlib.compress(picture.tobytes(), LEVEL), alpha
    )
    return _images.keep(key, image)
