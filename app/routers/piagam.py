"""What the piagam look like before any is issued: the convention's logo, and a sample piagam
of each kind (the secretariat's)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request, Response
from starlette.concurrency import run_in_threadpool

from app.enums import CertificateKind
from app.errors import ValidationFailed
from app.models import ConventionLogo
from app.routers.deps import (
    WRITE_PROBLEMS,
    Managing,
    PublicUrl,
    convention_router,
    created,
    download,
    file_answer,
    form_file,
    is_multipart,
    problems,
)
from app.schemas import LogoOut
from app.services import certificate_pdf, logos, preview

router = convention_router("awards")

_IMAGE = {"schema": {"$ref": "#/components/schemas/LogoImage"}}
_LOGO_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "image/png": _IMAGE,
            "image/jpeg": _IMAGE,
            "multipart/form-data": {"schema": {"$ref": "#/components/schemas/LogoFile"}},
        },
    }
}


async def _upload(request: Request) -> bytes:
    """The image: the raw body, or a multipart body's field ``file``. At most one byte over
    the limit is read, enough for the service to refuse it."""
    if not is_multipart(request):
        data = await request.body()
        if not data:
            raise ValidationFailed.field(["body"], "required: a PNG or JPEG image")
        return data
    form, upload = await form_file(request, max_fields=4, what="the logo image")
    try:
        return await upload.read(logos.MAX_BYTES + 1)
    finally:
        await form.close()


def _out(convention_id: int, logo: ConventionLogo) -> LogoOut:
    return LogoOut(
        convention_id=convention_id,
        width=logo.width,
        height=logo.height,
        bytes=len(logo.png),
        sha256=logo.sha256,
        updated_at=logo.updated_at,
        url=f"/api/v1/conventions/{convention_id}/logo",
    )


@router.put(
    "/logo",
    responses={
        201: {"model": LogoOut, "description": "The convention had no logo"},
        **WRITE_PROBLEMS,
        **problems(
            415,
            s413="`too-large`: the image is over 1 MiB",
            s415="`unsupported-media-type`: not a PNG or JPEG (an SVG, a PDF, …)",
            s422="`validation`: a broken image, or one over 12 megapixels",
        ),
    },
    openapi_extra=_LOGO_BODY,
)
async def put_logo(scope: Managing, request: Request, response: Response) -> LogoOut:
    """Set the logo printed at the head of every piagam: a PNG or JPEG of at most 1 MiB, sent
    as the body (`Content-Type: image/png` or `image/jpeg`) or as the multipart field `file`.
    The type is read from the image's own bytes, not its name. The image is decoded and drawn
    again as a PNG of at most 1200 pixels on its long side (never kept as uploaded); an image
    over 12 megapixels is refused (422) before its pixels are decoded. Answers 201 the first
    time, 200 when it replaces a logo."""
    data = await _upload(request)
    decoded = await run_in_threadpool(logos.decode, data)
    logo, first = logos.put(scope.session, scope.caller, scope.convention, decoded)
    if first:
        created(response, f"/api/v1/conventions/{scope.cid}/logo")
    return _out(scope.cid, logo)


@router.get(
    "/logo",
    response_class=Response,
    responses={
        **file_answer("The stored PNG", "image/png"),
        **problems(404, s404="`not-found`: the convention has no logo"),
    },
)
async def read_logo(scope: Managing) -> Response:
    """The stored logo, as the piagam print it (PNG)."""
    logo = logos.get(scope.session, scope.cid)
    return Response(
        logo.png,
        media_type=logos.MEDIA_TYPE,
        headers={"ETag": f'"{logo.sha256[:32]}"', "Cache-Control": "no-cache"},
    )


@router.delete(
    "/logo",
    status_code=204,
    responses={**WRITE_PROBLEMS, **problems(404, s404="`not-found`: the convention has no logo")},
)
async def delete_logo(scope: Managing) -> None:
    """Remove the logo: the piagam print without one."""
    logos.delete(scope.session, scope.caller, scope.convention)


@router.get(
    "/certificates/preview.pdf",
    response_class=Response,
    responses=file_answer("A sample piagam", "application/pdf"),
)
def read_certificate_preview(
    scope: Managing,
    public_url: PublicUrl,
    kind: Annotated[
        CertificateKind, Query(description="The piagam to show: `winner`, `participant`, `juror`.")
    ] = CertificateKind.WINNER,
) -> Response:
    """A sample piagam of `kind` with placeholder names, as the convention's settings (city,
    signatory, ceremony date, letter code, logo) print it now: to check them before anything
    is issued. Its number has sequence `000` and its code verifies nothing."""
    logo = certificate_pdf.logo_of(scope.session, scope.cid)
    data = preview.sample(scope.convention, kind, public_url, logo)
    # A def route (threadpool): rendering takes a while, after the read has ended.
    scope.session.commit()
    return download(
        certificate_pdf.render(data),
        "application/pdf",
        f"contoh-piagam-{kind.value}.pdf",
        inline=True,
        headers={"Cache-Control": "no-store"},
    )
