"""Drawing one page: millimetres from the top left corner, as a printed form is measured.
Operators go to a list and, on ``finish``, into the document as one content stream."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from app.services.pdf.document import Document, Face, Image

K = 72 / 25.4  # points a millimetre

Rgb = tuple[int, int, int]


class Page:
    """A page of ``width`` x ``height`` mm of ``doc``."""

    def __init__(self, doc: Document, width: float, height: float) -> None:
        self.doc = doc
        self.width, self.height = width, height
        self.ops: list[str] = []

    # --- state --------------------------------------------------------------------------

    def fill_colour(self, rgb: Rgb) -> None:
        self._colour(rgb, "g", "rg")

    def stroke_colour(self, rgb: Rgb) -> None:
        self._colour(rgb, "G", "RG")

    def _colour(self, rgb: Rgb, grey: str, colour: str) -> None:
        """A grey (one level, operator ``grey``) or an RGB colour (operator ``colour``)."""
        r, g, b = rgb
        if r == g == b:
            self.ops.append(f"{r / 255:.3f} {grey}")
        else:
            self.ops.append(f"{r / 255:.3f} {g / 255:.3f} {b / 255:.3f} {colour}")

    def line_width(self, mm: float) -> None:
        self.ops.append(f"{mm * K:.2f} w")

    @contextmanager
    def saved(self) -> Iterator[None]:
        self.ops.append("q")
        try:
            yield
        finally:
            self.ops.append("Q")

    @contextmanager
    def rotated(self, degrees: float, x: float, y: float) -> Iterator[None]:
        """Anticlockwise by ``degrees`` around the point (x, y)."""
        a = math.radians(degrees)
        cos, sin = math.cos(a), math.sin(a)
        cx, cy = x * K, (self.height - y) * K
        with self.saved():
            self.ops.append(
                f"{cos:.5f} {sin:.5f} {-sin:.5f} {cos:.5f} "
                f"{cx - cos * cx + sin * cy:.2f} {cy - sin * cx - cos * cy:.2f} cm"
            )
            yield

    @contextmanager
    def translucent(self, alpha: float) -> Iterator[None]:
        with self.saved():
            self.ops.append(f"/{self.doc.fill_alpha(alpha)} gs")
            yield

    # --- shapes -------------------------------------------------------------------------

    def rect(self, x: float, y: float, w: float, h: float, style: str = "S") -> None:
        """``S`` strokes, ``f`` fills, ``B`` does both."""
        self.ops.append(
            f"{x * K:.2f} {(self.height - y) * K:.2f} {w * K:.2f} {-h * K:.2f} re {style}"
        )

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        h = self.height
        self.ops.append(f"{x1 * K:.2f} {(h - y1) * K:.2f} m {x2 * K:.2f} {(h - y2) * K:.2f} l S")

    def polygon(self, points: Sequence[tuple[float, float]], style: str = "f") -> None:
        h = self.height
        path = [f"{x * K:.2f} {(h - y) * K:.2f}" for x, y in points]
        self.ops.append(f"{path[0]} m " + " ".join(f"{p} l" for p in path[1:]) + f" h {style}")

    def image(self, image: Image, x: float, y: float, w: float, h: float) -> None:
        name = self.doc.image(image)
        top = (self.height - y - h) * K
        self.ops.append(f"q {w * K:.2f} 0 0 {h * K:.2f} {x * K:.2f} {top:.2f} cm /{name} Do Q")

    # --- text ---------------------------------------------------------------------------

    @staticmethod
    def text_width(face: Face, size: float, text: str, spacing: float = 0.0) -> float:
        """The width in mm of ``text`` at ``size`` points, ``spacing`` points between letters."""
        return (face.width(text) * size / 1000 + spacing * len(text)) / K

    def text(
        self, face: Face, size: float, x: float, y: float, text: str, spacing: float = 0.0
    ) -> None:
        """``text`` from (x, y), y its baseline."""
        if not text:
            return
        name, used = self.doc.font(face)
        operand = face.operand(text, used)
        # Character spacing is graphics state: set for this text alone.
        tc, reset = (f"{spacing:.2f} Tc ", " 0 Tc") if spacing else ("", "")
        self.ops.append(
            f"BT /{name} {size:.2f} Tf {tc}{x * K:.2f} {(self.height - y) * K:.2f} Td "
            f"{operand} Tj{reset} ET"
        )

    def finish(self) -> None:
        """Write the page into the document."""
        self.doc.add_page("\n".join(self.ops).encode("latin-1"), self.width * K, self.height * K)
        self.ops = []
