"""The piagam's logo: ``PUT``/``GET``/``DELETE …/logo``. Only PNG and JPEG, at most 1 MiB,
decoded and drawn again (never kept as uploaded); a decompression bomb is refused from its
header."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AuditEvent, ConventionLogo
from app.services import logos
from tests.app import factories as f

ROOT = Path(__file__).resolve().parents[2]


def png(width: int = 300, height: int = 200, mode: str = "RGBA", **params: object) -> bytes:
    image = Image.new(
        mode, (width, height), (20, 60, 120, 128) if mode == "RGBA" else (20, 60, 120)
    )
    image.putpixel((0, 0), (255, 0, 0, 255) if mode == "RGBA" else (255, 0, 0))
    out = io.BytesIO()
    image.save(out, format="PNG", **params)
    return out.getvalue()


def jpeg(width: int = 2400, height: int = 1600, orientation: int | None = None) -> bytes:
    image = Image.new("RGB", (width, height), (200, 160, 40))
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def huge_png(width: int, height: int) -> bytes:
    """A valid RGB PNG of ``width`` x ``height`` built row by row, never holding its pixels: a
    few kilobytes that would decode to ``3·width·height`` bytes."""
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * (3 * width)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return logos.PNG_MAGIC + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def put(client: TestClient, w: f.World, data: bytes, media_type: str = "image/png") -> Response:
    return client.put(
        w.url("/logo"), content=data, headers={**w.admin.headers, "Content-Type": media_type}
    )


def stored(session: Session, w: f.World) -> ConventionLogo | None:
    session.expire_all()
    return session.get(ConventionLogo, w.cid)


def test_a_png_is_stored_redrawn_with_its_pixels_and_without_its_chunks(
    client: TestClient, world: f.World, session: Session
) -> None:
    info = PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    upload = png(pnginfo=info)
    response = put(client, world, upload)
    assert response.status_code == 201, response.text
    assert response.headers["location"] == world.url("/logo")
    body = response.json()
    logo = stored(session, world)
    assert logo is not None
    assert body == {
        "convention_id": world.cid,
        "media_type": "image/png",
        "width": 300,
        "height": 200,
        "bytes": len(logo.png),
        "sha256": logo.sha256,
        "updated_at": body["updated_at"],
        "url": world.url("/logo"),
    }
    assert logo.png != upload and b"<script>" not in logo.png and b"tEXt" not in logo.png
    image = Image.open(io.BytesIO(logo.png))
    assert (image.format, image.mode, image.size) == ("PNG", "RGBA", (300, 200))
    assert image.getpixel((0, 0)) == (255, 0, 0, 255)
    assert image.getpixel((10, 10)) == (20, 60, 120, 128)
    read = client.get(world.url("/logo"), headers=world.admin.headers)
    assert read.status_code == 200
    assert (read.headers["content-type"], read.content) == ("image/png", logo.png)


def test_a_jpeg_is_turned_upright_scaled_to_1200_px_and_stored_as_png(
    client: TestClient, world: f.World, session: Session
) -> None:
    # A phone's photo: 2400 x 1600 stored sideways, EXIF orientation 6 (rotate 90° clockwise).
    response = client.put(
        world.url("/logo"),
        files={"file": ("logo.jpg", jpeg(orientation=6), "image/jpeg")},
        headers=world.admin.headers,
    )
    assert response.status_code == 201, response.text
    assert (response.json()["width"], response.json()["height"]) == (800, 1200)
    logo = stored(session, world)
    assert logo is not None
    image = Image.open(io.BytesIO(logo.png))
    assert (image.format, image.mode, image.size) == ("PNG", "RGB", (800, 1200))
    red, green, blue = image.getpixel((400, 600))  # type: ignore[misc]
    assert abs(red - 200) <= 3 and abs(green - 160) <= 3 and abs(blue - 40) <= 3


def test_a_second_logo_replaces_the_first_with_200(
    client: TestClient, world: f.World, session: Session
) -> None:
    assert put(client, world, png()).status_code == 201
    again = put(client, world, png(40, 30, mode="RGB"))
    assert again.status_code == 200, again.text
    assert "location" not in again.headers
    assert (again.json()["width"], again.json()["height"]) == (40, 30)
    assert session.scalars(select(ConventionLogo)).all() == [stored(session, world)]


@pytest.mark.parametrize(
    ("data", "media_type", "what"),
    [
        (
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" '
            b'height="10"><rect width="10" height="10"/></svg>',
            "image/svg+xml",
            "SVG",
        ),
        (b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "image/png", "SVG"),
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", "image/png", "PDF"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif", "neither PNG nor JPEG"),
    ],
    ids=["svg", "svg-named-png", "pdf-named-png", "gif"],
)
def test_anything_but_png_or_jpeg_is_415_whatever_it_claims(
    client: TestClient, world: f.World, session: Session, data: bytes, media_type: str, what: str
) -> None:
    problem = f.problem(put(client, world, data, media_type), 415, "unsupported-media-type")
    assert what in problem["detail"]
    assert stored(session, world) is None


def test_a_pdf_renamed_png_in_a_form_is_415(
    client: TestClient, world: f.World, session: Session
) -> None:
    response = client.put(
        world.url("/logo"),
        files={"file": ("logo.png", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "image/png")},
        headers=world.admin.headers,
    )
    assert "PDF" in f.problem(response, 415, "unsupported-media-type")["detail"]
    assert stored(session, world) is None


def test_a_truncated_jpeg_is_422_naming_the_file(
    client: TestClient, world: f.World, session: Session
) -> None:
    whole = jpeg(600, 400)
    problem = f.problem(
        put(client, world, whole[: len(whole) // 2], "image/jpeg"), 422, "validation"
    )
    assert problem["errors"][0]["loc"] == ["body", "file"]
    assert "not a readable JPEG image" in problem["errors"][0]["msg"]
    assert stored(session, world) is None


def test_a_png_cut_after_its_header_is_422(
    client: TestClient, world: f.World, session: Session
) -> None:
    problem = f.problem(put(client, world, png()[:60]), 422, "validation")
    assert "not a readable PNG image" in problem["detail"]
    assert stored(session, world) is None


def test_a_20_megapixel_png_is_refused_from_its_header(
    client: TestClient, world: f.World, session: Session
) -> None:
    bomb = huge_png(5472, 3648)
    assert len(bomb) < 200_000  # small on the wire: ~60 MB once decoded
    problem = f.problem(put(client, world, bomb), 422, "validation")
    assert problem["errors"] == [
        {
            "loc": ["body", "file"],
            "msg": "the image is 5472\u00d73648 pixels; a logo may have at most 12 "
            "megapixels: scale it down",
        }
    ]
    assert stored(session, world) is None


def test_refusing_a_20_megapixel_png_costs_no_memory() -> None:
    """In a fresh interpreter: decoding the bomb's pixels would raise the peak resident size by
    ~100 MB; refusing it from its header does not move it by 10. (The peak is the process's
    own VmHWM: ``ru_maxrss`` carries the parent's peak across ``exec``.)"""
    if not Path("/proc/self/status").exists():
        pytest.skip("needs Linux's /proc to read the peak resident size")
    script = textwrap.dedent(
        """
        import re, sys
        from app.errors import ValidationFailed
        from app.services import logos
        from tests.app.test_logo import huge_png

        def peak_kb():
            with open("/proc/self/status") as status:
                return int(re.search(r"VmHWM:\\s+(\\d+)", status.read()).group(1))

        logos.MAX_PIXELS = int(sys.argv[1])
        bomb = huge_png(5472, 3648)
        before = peak_kb()
        try:
            logos.decode(bomb)
        except ValidationFailed:
            pass
        print((peak_kb() - before) // 1024)
        """
    )

    def growth_mb(max_pixels: int) -> int:
        done = subprocess.run(
            [sys.executable, "-c", script, str(max_pixels)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return int(done.stdout.strip())

    assert growth_mb(logos.MAX_PIXELS) < 10
    # The measure can fail: with the limit lifted, the same file is decoded and costs >50 MB.
    assert growth_mb(10**9) > 50


def test_a_12_megapixel_jpeg_is_decoded_at_a_reduced_scale(
    client: TestClient, world: f.World
) -> None:
    response = put(client, world, jpeg(4000, 3000), "image/jpeg")
    assert response.status_code == 201, response.text
    assert (response.json()["width"], response.json()["height"]) == (1200, 900)


def test_one_mib_is_accepted_and_one_byte_more_is_413(
    client: TestClient, world: f.World, session: Session
) -> None:
    small = png(40, 30, mode="RGB")
    # Bytes after a PNG's IEND are ignored by decoders: the file is valid at any length.
    exact = small + b"\x00" * (logos.MAX_BYTES - len(small))
    over = exact + b"\x00"
    problem = f.problem(put(client, world, over), 413, "too-large")
    assert problem["detail"] == (
        f"The logo has {logos.MAX_BYTES + 1} bytes; it may have at most {logos.MAX_BYTES} "
        "bytes (1 MiB)."
    )
    form = client.put(
        world.url("/logo"),
        files={"file": ("logo.png", over, "image/png")},
        headers=world.admin.headers,
    )
    f.problem(form, 413, "too-large")
    assert stored(session, world) is None
    assert put(client, world, exact).status_code == 201


def test_a_body_far_over_the_limit_is_413_before_it_is_read(
    client: TestClient, world: f.World
) -> None:
    f.problem(put(client, world, b"\x89PNG" + b"\x00" * (2 * logos.MAX_BYTES)), 413, "too-large")


def test_an_empty_body_or_a_form_without_file_is_422(client: TestClient, world: f.World) -> None:
    empty = f.problem(put(client, world, b""), 422, "validation")
    assert empty["errors"][0]["loc"] == ["body"]
    form = client.put(
        world.url("/logo"),
        data={"other": "x"},
        files={"x": ("a", b"b")},
        headers=world.admin.headers,
    )
    assert f.problem(form, 422, "validation")["errors"][0]["loc"] == ["body", "file"]
    text_field = client.put(
        world.url("/logo"),
        data={"file": "not a file"},
        files={"x": ("a", b"b")},
        headers=world.admin.headers,
    )
    assert f.problem(text_field, 422, "validation")["errors"][0]["msg"] == "must be a file"
    broken = client.put(
        world.url("/logo"),
        content=b"--xyz\r\nbroken",
        headers={**world.admin.headers, "Content-Type": "multipart/form-data; boundary=xyz"},
    )
    f.problem(broken, 422, "validation")


def test_delete_removes_the_logo_and_both_are_audited(
    client: TestClient, world: f.World, session: Session
) -> None:
    f.problem(client.delete(world.url("/logo"), headers=world.admin.headers), 404, "not-found")
    f.problem(client.get(world.url("/logo"), headers=world.admin.headers), 404, "not-found")
    sha = put(client, world, png()).json()["sha256"]
    response = client.delete(world.url("/logo"), headers=world.admin.headers)
    assert (response.status_code, response.content) == (204, b"")
    assert stored(session, world) is None
    f.problem(client.get(world.url("/logo"), headers=world.admin.headers), 404, "not-found")
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action.like("convention.logo.%"))
        .order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.target_id, e.before, e.after) for e in events] == [
        ("convention.logo.put", world.cid, None, {"sha256": sha, "width": 300, "height": 200}),
        ("convention.logo.delete", world.cid, {"sha256": sha}, None),
    ]
    assert events[0].actor_id == world.admin.id


def test_jurors_may_not_touch_the_logo(
    client: TestClient, world: f.World, session: Session
) -> None:
    juror = world.jurors[0].headers
    f.problem(
        client.put(
            world.url("/logo"), content=png(), headers={**juror, "Content-Type": "image/png"}
        ),
        403,
        "forbidden",
    )
    f.problem(client.get(world.url("/logo"), headers=juror), 403, "forbidden")
    f.problem(client.delete(world.url("/logo"), headers=juror), 403, "forbidden")
    f.problem(client.put(world.url("/logo"), content=png()), 401, "unauthenticated")
    assert stored(session, world) is None
