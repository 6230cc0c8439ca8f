"""TrueType fonts for the PDF writer: metrics read once per process, and subsets made at
the end of a document.

A page's text is the font's own glyph ids (as CIDs), so a page is final the moment it is
drawn, whatever the later pages use. The subset, made once the document's pages are all
drawn, holds only the glyphs used (renumbered), and a CIDToGIDMap takes each old id to its
new one. Making it is slicing ``glyf`` and rewriting ``loca`` and ``hmtx``: well under a
millisecond, where a general subsetter (fontTools) takes some 15 ms a font.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import struct
import sys
import zlib
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fontTools import ttLib  # type: ignore[import-untyped]

from app.services.kept import Kept
from app.services.pdf import document

if TYPE_CHECKING:
    from app.services.pdf.document import Document

# Tables a font program embedded in a PDF needs (ISO 32000-1, 9.9), plus OS/2 and post for
# viewers that check them. The character map is the PDF's (Identity-H, ToUnicode).
_KEEP: tuple[bytes, ...] = (
    b"OS/2",
    b"cvt ",
    b"fpgm",
    b"glyf",
    b"head",
    b"hhea",
    b"hmtx",
    b"loca",
    b"maxp",
    b"post",
    b"prep",
)

# Composite glyph flags (the 'glyf' table of the OpenType specification).
_ARGS_ARE_WORDS = 0x0001
_HAVE_SCALE = 0x0008
_MORE_COMPONENTS = 0x0020
_HAVE_XY_SCALE = 0x0040
_HAVE_2X2 = 0x0080


def _checksum(data: bytes) -> int:
    words = array("I", data + b"\0" * (-len(data) % 4))  # 4 bytes an item
    if sys.byteorder == "little":
        words.byteswap()
    return sum(words) & 0xFFFFFFFF


# Subsets kept per font (each a few KB).
EMBEDDINGS_KEPT = 64


@dataclass(frozen=True, slots=True)
class _Embedding:
    """A subset ready to write: its name, widths, and compressed streams."""

    name: str
    widths: str
    program: bytes
    length1: int
    cid_map: bytes
    to_unicode: bytes


class TrueType:
    """A TrueType font file: its name, metrics in thousandths of an em, the glyph of each
    character, and its tables as bytes."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        (count,) = struct.unpack_from(">H", data, 4)
        self.tables: dict[bytes, tuple[int, int]] = {}
        self._copies: dict[bytes, bytes] = {}
        self._embeddings: Kept[tuple[tuple[int, str], ...], _Embedding] = Kept(EMBEDDINGS_KEPT)
        for i in range(count):
            tag, _sum, offset, length = struct.unpack_from(">4sLLL", data, 12 + 16 * i)
            self.tables[tag] = (offset, length)
        head, hhea = self.table(b"head"), self.table(b"hhea")
        upem = struct.unpack_from(">H", head, 18)[0]
        scale = 1000 / upem
        self.scale = scale
        self.bbox = tuple(round(v * scale) for v in struct.unpack_from(">4h", head, 36))
        ascent, descent = struct.unpack_from(">hh", hhea, 4)
        self.ascent, self.descent = round(ascent * scale), round(descent * scale)
        self.metrics_count: int = struct.unpack_from(">H", hhea, 34)[0]
        self.glyph_count: int = struct.unpack_from(">H", self.table(b"maxp"), 4)[0]
        self.long_loca = struct.unpack_from(">h", head, 50)[0] == 1
        os2 = self.table(b"OS/2")
        version = struct.unpack_from(">H", os2, 0)[0]
        cap = struct.unpack_from(">h", os2, 88)[0] if version >= 2 else ascent
        self.cap_height = round(cap * scale)
        post = self.table(b"post")
        self.italic_angle = struct.unpack_from(">l", post, 4)[0] / 65536
        hmtx = self.table(b"hmtx")
        widths = struct.unpack_from(f">{self.metrics_count * 2}H", hmtx)[::2]
        last = widths[-1]
        self.advances = [round(w * scale) for w in widths]
        self.advances += [round(last * scale)] * (self.glyph_count - self.metrics_count)
        font = ttLib.TTFont(io.BytesIO(data), lazy=True)
        self.name: str = font["name"].getDebugName(6) or "Font"
        order = font.getReverseGlyphMap()
        self.gids: dict[int, int] = {cp: order[name] for cp, name in font.getBestCmap().items()}
        font.close()
        self._offsets = self._loca()
        # Per character, filled as characters come: its width, and its glyph id in hex.
        self._widths_by_char = _Lazy(lambda char: self.advances[self.glyph(char)])
        self._hex_by_code = _Lazy(lambda code: f"{self.gids.get(code, 0):04X}")

    def table(self, tag: bytes) -> bytes:
        """A table's bytes (copied once: ``glyf`` is most of the file)."""
        found = self._copies.get(tag)
        if found is None:
            offset, length = self.tables[tag]
            found = self._copies[tag] = self.data[offset : offset + length]
        return found

    @property
    def flags(self) -> int:
        """The font descriptor's flags: nonsymbolic, and italic when it slants."""
        return 32 | (64 if self.italic_angle else 0)

    def glyph(self, char: str) -> int:
        """The glyph id of a character (0, the empty .notdef, when the font has none)."""
        return self.gids.get(ord(char), 0)

    # --- as a Face of app.services.pdf.document -------------------------------------------

    def width(self, text: str) -> int:
        return sum(map(self._widths_by_char.__getitem__, text))

    def operand(self, text: str, used: dict[str, int]) -> str:
        fresh = set(text) - used.keys()
        if fresh:
            gids = self.gids
            used.update((char, gids.get(ord(char), 0)) for char in fresh)
        return "<" + text.translate(self._hex_by_code) + ">"

    def write(self, doc: Document, number: int, used: dict[str, int]) -> None:
        """A Type 0 font (Identity-H: two bytes a glyph id) over this font's subset, with the
        widths and the characters (ToUnicode, for search and copy) of the glyphs used."""
        by_gid: dict[int, str] = {}
        for char, gid in sorted(used.items()):
            by_gid.setdefault(gid, char)
        made = self._embedding(tuple(sorted(by_gid.items())))
        cid_font, descriptor, program, to_unicode, cid_map = (doc.reserve() for _ in range(5))
        doc.put(
            number,
            f"<< /Type /Font /Subtype /Type0 /BaseFont /{made.name} /Encoding /Identity-H "
            f"/DescendantFonts [{cid_font} 0 R] /ToUnicode {to_unicode} 0 R >>",
        )
        doc.put(
            cid_font,
            f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{made.name} "
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            f"/FontDescriptor {descriptor} 0 R /CIDToGIDMap {cid_map} 0 R /W [{made.widths}] >>",
        )
        x0, y0, x1, y1 = self.bbox
        doc.put(
            descriptor,
            f"<< /Type /FontDescriptor /FontName /{made.name} /Flags {self.flags} "
            f"/FontBBox [{x0} {y0} {x1} {y1}] /ItalicAngle {self.italic_angle:g} "
            f"/Ascent {self.ascent} /Descent {self.descent} /CapHeight {self.cap_height} "
            f"/StemV 80 /FontFile2 {program} 0 R >>",
        )
        flate = "/Filter /FlateDecode"
        doc.stream(program, f"/Length1 {made.length1} {flate}", made.program, compress=False)
        doc.stream(cid_map, flate, made.cid_map, compress=False)
        doc.stream(to_unicode, flate, made.to_unicode, compress=False)

    def _embedding(self, glyphs: tuple[tuple[int, str], ...]) -> _Embedding:
        """The subset of these (glyph id, character) pairs, compressed; the last few made
        are kept, so that a single piagam, whose italic and sans lines are those of every
        other, subsets one or two fonts, not four."""
        found = self._embeddings.get(glyphs)
        if found is not None:
            return found
        gids = [gid for gid, _char in glyphs]
        digest = hashlib.sha256(repr(gids).encode()).digest()
        data, cid_to_gid = self.subset(set(gids))
        made = _Embedding(
            name="".join(chr(65 + b % 26) for b in digest[:6]) + "+" + self.name,
            widths=self._widths(gids),
            program=zlib.compress(data, document.LEVEL),
            length1=len(data),
            cid_map=zlib.compress(cid_to_gid, document.LEVEL),
            to_unicode=zlib.compress(_to_unicode(dict(glyphs)).encode("latin-1"), document.LEVEL),
        )
        return self._embeddings.keep(glyphs, made)

    def _widths(self, gids: list[int]) -> str:
        """The W array: runs of consecutive ids, each with its widths."""
        runs: list[list[int]] = []
        for gid in gids:
            if runs and runs[-1][-1] == gid - 1:
                runs[-1].append(gid)
            else:
                runs.append([gid])
        return " ".join(
            f"{run[0]} [{' '.join(str(self.advances[g]) for g in run)}]" for run in runs
        )

    def _loca(self) -> list[int]:
        loca = self.table(b"loca")
        n = self.glyph_count + 1
        if self.long_loca:
            return list(struct.unpack_from(f">{n}L", loca))
        return [2 * v for v in struct.unpack_from(f">{n}H", loca)]

    def _glyph_data(self, glyf: bytes, gid: int) -> bytes:
        return glyf[self._offsets[gid] : self._offsets[gid + 1]]

    def _with_components(self, glyf: bytes, gids: set[int]) -> set[int]:
        """The glyphs and, recursively, the components of composite ones."""
        todo, seen = list(gids), set(gids)
        while todo:
            data = self._glyph_data(glyf, todo.pop())
            if len(data) < 10 or struct.unpack_from(">h", data, 0)[0] >= 0:
                continue
            for _at, component in _components(data):
                if component not in seen:
                    seen.add(component)
                    todo.append(component)
        return seen

    def _metric(self, hmtx: bytes, gid: int) -> bytes:
        """A glyph's advance and left side bearing, as a long hmtx entry."""
        if gid < self.metrics_count:
            return hmtx[4 * gid : 4 * gid + 4]
        last = hmtx[4 * self.metrics_count - 4 : 4 * self.metrics_count - 2]
        at = 4 * self.metrics_count + 2 * (gid - self.metrics_count)
        return last + hmtx[at : at + 2]

    def subset(self, gids: set[int]) -> tuple[bytes, bytes]:
        """A font program of the glyphs ``gids``, their components and .notdef, numbered
        anew in their order; and the CIDToGIDMap from the old ids (which the pages' text
        uses: it was final when drawn) to the new ones, two bytes each."""
        glyf = self.table(b"glyf")
        keep = sorted(self._with_components(glyf, {0, *(g for g in gids if g < self.glyph_count)}))
        new = {old: gid for gid, old in enumerate(keep)}
        parts: list[bytes] = []
        for old in keep:
            data = self._glyph_data(glyf, old)
            if len(data) >= 10 and struct.unpack_from(">h", data, 0)[0] < 0:
                data = _renumbered(data, new)
            parts.append(data + b"\0" * (-len(data) % 4))
        count = len(keep)
        hmtx = self.table(b"hmtx")
        head = bytearray(self.table(b"head"))
        struct.pack_into(">L", head, 8, 0)  # checkSumAdjustment, set below
        struct.pack_into(">h", head, 50, 1)  # long offsets in loca
        hhea = bytearray(self.table(b"hhea"))
        struct.pack_into(">H", hhea, 34, count)
        maxp = bytearray(self.table(b"maxp"))
        struct.pack_into(">H", maxp, 4, count)
        # post version 3: no glyph names (they would name glyphs that are not there).
        post = b"\x00\x03\x00\x00" + self.table(b"post")[4:32]
        tables = {
            b"glyf": b"".join(parts),
            b"loca": struct.pack(f">{count + 1}L", 0, *itertools.accumulate(map(len, parts))),
            b"head": bytes(head),
            b"hhea": bytes(hhea),
            b"maxp": bytes(maxp),
            b"hmtx": b"".join(self._metric(hmtx, old) for old in keep),
            b"post": post,
        }
        for tag in _KEEP:
            if tag not in tables and tag in self.tables:
                tables[tag] = self.table(tag)
        used = {g for g in gids if g < self.glyph_count}
        cid_to_gid = bytearray(2 * (max(used, default=0) + 1))
        for old in used:
            struct.pack_into(">H", cid_to_gid, 2 * old, new[old])
        return _font_file(tables), bytes(cid_to_gid)


def _components(data: bytes) -> Iterator[tuple[int, int]]:
    """Each component of a composite glyph: where its record starts, and its glyph id."""
    at = 10
    while True:
        flags, component = struct.unpack_from(">HH", data, at)
        yield at, component
        at += 4 + (4 if flags & _ARGS_ARE_WORDS else 2)
        if flags & _HAVE_SCALE:
            at += 2
        elif flags & _HAVE_XY_SCALE:
            at += 4
        elif flags & _HAVE_2X2:
            at += 8
        if not flags & _MORE_COMPONENTS:
            return


def _renumbered(data: bytes, new: dict[int, int]) -> bytes:
    """A composite glyph with its components' ids mapped through ``new``."""
    out = bytearray(data)
    for at, component in _components(data):
        struct.pack_into(">H", out, at + 2, new[component])
    return bytes(out)


class _Lazy(dict[Any, Any]):
    """A table that computes what it lacks, once: C-speed lookups for ``map`` and
    ``str.translate``."""

    def __init__(self, compute: Callable[[Any], Any]) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self._compute(key)
        return value


def _to_unicode(used: dict[int, str]) -> str:
    # .notdef stands for characters the font lacks: U+FFFD, the replacement character.
    pairs = [(gid, char if gid else "\ufffd") for gid, char in sorted(used.items())]
    blocks = []
    for i in range(0, len(pairs), 100):
        block = pairs[i : i + 100]
        rows = "\n".join(
            f"<{gid:04X}> <{char.encode('utf-16-be').hex().upper()}>" for gid, char in block
        )
        blocks.append(f"{len(block)} beginbfchar\n{rows}\nendbfchar")
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(blocks)
        + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    )


def _font_file(tables: dict[bytes, bytes]) -> bytes:
    """An sfnt from its tables, with the directory, checksums and head's adjustment (the
    font's checksum is the sum of its parts', every part being padded to 4 bytes)."""
    tags = sorted(tables)
    n = len(tags)
    power = 1 << (n.bit_length() - 1)
    header = struct.pack(
        ">LHHHH", 0x00010000, n, 16 * power, power.bit_length() - 1, 16 * n - 16 * power
    )
    offset = 12 + 16 * n
    directory, body = [], []
    total = 0
    head_at = 0
    for tag in tags:
        data = tables[tag]
        checksum = _checksum(data)
        total += checksum
        directory.append(struct.pack(">4sLLL", tag, checksum, offset, len(data)))
        if tag == b"head":
            head_at = offset
        padded = data + b"\0" * (-len(data) % 4)
        body.append(padded)
        offset += len(padded)
    start = header + b"".join(directory)
    font = bytearray(start + b"".join(body))
    total += _checksum(start)
    struct.pack_into(">L", font, head_at + 8, (0xB1B0AFBA - total) & 0xFFFFFFFF)
    return bytes(font)


@lru_cache(maxsize=16)
def load(path: Path) -> TrueType:
    """A font file, read once per process."""
    return TrueType(path.read_bytes())
