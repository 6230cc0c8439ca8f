"""What a name or title may hold: what a piagam can print and a reader can see.

Names and titles end up on piagam and in the minutes (PDFs drawn with the DejaVu fonts of
``app/fonts``, which have no CJK, Arabic script or emoji: such characters printed as blanks)
and on ``/verify``. So a name is refused (422 naming the field) when it holds

- a control, format or separator character (C0 and C1 controls, tab and line breaks, the bidi
  embeddings, overrides and isolates U+202A-202E and U+2066-2069, the zero-width characters
  U+200B-200F, U+FEFF, the soft hyphen, lone surrogates): invisible, or rearranging what is
  shown around them;
- a character that one of the fonts cannot draw (their character maps, read once).
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

from fontTools import ttLib  # type: ignore[import-untyped]

FONT_DIR = Path(__file__).resolve().parent / "fonts"
PIAGAM_FONTS = (
    "DejaVuSerif.ttf",
    "DejaVuSerif-Bold.ttf",
    "DejaVuSerif-Italic.ttf",
    "DejaVuSans.ttf",
)

# Unicode categories refused in any name: controls, format characters (bidi controls,
# zero-width characters, BOM), surrogates, and the line and paragraph separators.
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})

# How many offending characters a message names.
NAMED = 5


@cache
def drawable() -> frozenset[int]:
    """The code points every piagam font maps to a glyph (~3,200; read once, ~0.2 s)."""
    maps = [set(ttLib.TTFont(FONT_DIR / name, lazy=True).getBestCmap()) for name in PIAGAM_FONTS]
    return frozenset(set.intersection(*maps))


def _code(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def _first(chars: list[str]) -> list[str]:
    seen: list[str] = []
    for ch in chars:
        if ch not in seen:
            seen.append(ch)
    return seen[:NAMED]


def hidden_problem(text: str) -> str | None:
    """Why ``text`` may not be a name because of a control or invisible character, or None."""
    found = [(i, ch) for i, ch in enumerate(text) if unicodedata.category(ch) in HIDDEN_CATEGORIES]
    if not found:
        return None
    where = ", ".join(f"{_code(ch)} at position {i + 1}" for i, ch in found[:NAMED])
    return f"must not contain control or invisible characters ({where})"


def undrawable(text: str) -> list[str]:
    """The characters of ``text`` (and of its capitals: hosts and awards print in capitals)
    that the piagam fonts cannot draw, each once, in order."""
    fonts = drawable()
    return _first([ch for ch in text + text.upper() if ord(ch) not in fonts])


def problem(text: str) -> str | None:
    """Why ``text`` may not be a name or title, or None when a piagam prints it as it is."""
    why = hidden_problem(text)
    if why is not None:
        return why
    missing = undrawable(text)
    if not missing:
        return None
    listed = ", ".join(f"{ch!r} ({_code(ch)})" for ch in missing)
    return f"has characters the certificate fonts cannot print: {listed}"
