"""The logo at the head of a convention's piagam: an uploaded PNG or JPEG, decoded and drawn
again as a fresh PNG (never stored or printed as uploaded), scaled down to ``MAX_SIDE``.

The upload is bounded twice before any pixel is decoded: its bytes (``MAX_BYTES``, 413) and
the pixels its header declares (``MAX_PIXELS``, 422), so a small file that would unpack to a
huge image (a decompression bomb) is refused having read only its header. A JPEG is decoded
at a reduced scale (its DCT allows 1/2, 1/4, 1/8) close to the size it will be printed at.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, ImageOps
from sqlalchemy.orm import Session

from app.errors import NotFound, TooLarge, UnsupportedMediaType, ValidationFailed
from app.models import Convention, ConventionLogo, utcnow
from app.security import Principal
from app.services import conventions

MAX_BYTES = 1024 * 1024
MAX_PIXELS = 12_000_000
# Printed about 24 mm high on A4: 1200 px is over 1000 dpi, sharp on any printer.
MAX_SIDE = 1200
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
MEDIA_TYPE = "image/png"


@dataclass(frozen=True, slots=True)
class Decoded:
    png: bytes
    width: int
    height: int


def _problem(msg: str) -> ValidationFailed:
    return ValidationFailed.field(["body", "file"], msg)


def sniff(data: bytes) -> str:
    """``PNG`` or ``JPEG`` by the file's first bytes (never its name or declared type); 415
    for anything else."""
    if data.startswith(PNG_MAGIC):
        return "PNG"
    if data.startswith(JPEG_MAGIC):
        return "JPEG"
    if data.lstrip()[:5].lower() in (b"<?xml", b"<svg "):
        what = "an SVG drawing"
    elif data.startswith(b"%PDF"):
        what = "a PDF document"
    else:
        what = "neither PNG nor JPEG"
    raise UnsupportedMediaType(
        f"The logo is {what}; send a PNG or JPEG image (export an SVG or PDF as PNG first)."
    )


def decode(data: bytes) -> Decoded:
    """The upload as a clean PNG at most ``MAX_SIDE`` pixels on its long side: 413 above
    ``MAX_BYTES``, 415 when it is not a PNG or JPEG, 422 when it is broken or declares more
    than ``MAX_PIXELS``."""
    if len(data) > MAX_BYTES:
        raise TooLarge(
            f"The logo has {len(data)} bytes; it may have at most {MAX_BYTES} bytes (1 MiB)."
        )
    kind = sniff(data)
    try:
        opened = Image.open(io.BytesIO(data), formats=[kind])
        width, height = opened.size
        if width * height > MAX_PIXELS:
            raise _problem(
                f"the image is {width}\u00d7{height} pixels; a logo may have at most "
                f"{MAX_PIXELS // 1_000_000} megapixels: scale it down"
            )
        if kind == "JPEG":
            opened.draft(opened.mode, (MAX_SIDE, MAX_SIDE))
        opened.load()
        image = ImageOps.exif_transpose(opened)
        alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
        image = image.convert("RGBA" if alpha else "RGB")
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    except ValidationFailed:
        raise
    except Exception as exc:  # Pillow raises many kinds on a broken file; each means "broken".
        raise _problem(f"not a readable {kind} image ({type(exc).__name__})") from exc
    # Drawn again from its pixels alone: no chunk, profile or metadata of the upload survives.
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    out = io.BytesIO()
    clean.save(out, format="PNG")
    return Decoded(out.getvalue(), clean.width, clean.height)


def get(session: Session, convention_id: int) -> ConventionLogo:
    logo = session.get(ConventionLogo, convention_id)
    if logo is None:
        raise NotFound(f"Convention {convention_id} has no logo.")
    return logo


def put(
    session: Session, principal: Principal, convention: Convention, decoded: Decoded
) -> tuple[ConventionLogo, bool]:
    """Store the logo (replacing any); returns it and whether it is new."""
    logo = session.get(ConventionLogo, convention.id)
    created = logo is None
    before = None if logo is None else {"sha256": logo.sha256}
    if logo is None:
        logo = ConventionLogo(convention_id=convention.id)
        session.add(logo)
    logo.png = decoded.png
    logo.width, logo.height = decoded.width, decoded.height
    logo.sha256 = hashlib.sha256(decoded.png).hexdigest()
    logo.updated_at = utcnow()
    session.flush()
    after = {"sha256": logo.sha256, "width": logo.width, "height": logo.height}
    conventions.TARGET.record(
        session, principal, "convention.logo.put", convention, before=before, after=after
    )
    return logo, created


def delete(session: Session, principal: Principal, convention: Convention) -> None:
    logo = get(session, convention.id)
    session.delete(logo)
    session.flush()
    before = {"sha256": logo.sha256}
    conventions.TARGET.record(
        session, principal, "convention.logo.delete", convention, before=before
    )
