"""A small PDF writer that streams: each page's objects are written as soon as the page is
drawn, and what every page shares (fonts, subset once for the whole document; images; the
page tree) is written at the end. The first bytes leave at once and memory holds one page,
whatever the number of pages.

``document`` writes the file, ``truetype`` reads and subsets TrueType fonts (keeping glyph
ids, so a page's text is final when it is drawn), ``page`` draws (in mm, from the top left).
"""

from app.services.pdf.document import Document, Image
from app.services.pdf.page import Page
from app.services.pdf.truetype import TrueType

__all__ = ["Document", "Image", "Page", "TrueType"]
