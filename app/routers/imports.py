"""Bulk import of OPDs, entries and jurors from a CSV or XLSX file (the secretariat's)."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Literal

from fastapi import Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from app.enums import ImportKind
from app.errors import UnsupportedMediaType
from app.routers.deps import (
    WRITE_PROBLEMS,
    AdminConvention,
    ConventionAdmin,
    ConventionId,
    DatabaseDep,
    PasswordGateDep,
    SessionDep,
    convention_router,
    download,
    file_answer,
    form_file,
    is_multipart,
    problems,
)
from app.schemas import EntryOut, ImportOut, JurorImportedOut, JurorOut, OpdOut
from app.security import hash_password
from app.services import conventions, imports

router = convention_router("imports", "/imports")

KindPath = Annotated[ImportKind, Path(description="`opds`, `entries` or `jurors`.")]

_FILE_BODY = {
    "requestBody": {
        "required": True,
        "content": {"multipart/form-data": {"schema": {"$ref": "#/components/schemas/ImportFile"}}},
    }
}


async def _upload(request: Request) -> tuple[FormData, UploadFile]:
    """The multipart body's ``file``, read after the caller was let in."""
    if not is_multipart(request):
        raise UnsupportedMediaType("Send the file as multipart/form-data, in the field `file`.")
    return await form_file(request, max_fields=16, what="the file to import")


def _out(plan: imports.Plan, created: list[imports.Created], *, dry_run: bool) -> ImportOut:
    items: list[OpdOut] | list[EntryOut] | list[JurorImportedOut]
    if plan.kind is ImportKind.OPDS:
        items = [OpdOut.model_validate(c.item) for c in created]
    elif plan.kind is ImportKind.ENTRIES:
        items = [EntryOut.model_validate(c.item) for c in created]
    else:
        items = [
            JurorImportedOut(**JurorOut.model_validate(c.item).model_dump(), password=c.password)
            for c in created
        ]
    return ImportOut(
        created=len(plan.creates),
        skipped=len(plan.skipped),
        skipped_rows=plan.skipped,
        dry_run=dry_run,
        items=items,
    )


@router.post(
    "/{kind}",
    status_code=201,
    responses={
        200: {"model": ImportOut, "description": "A dry run: what the import would do"},
        **WRITE_PROBLEMS,
        **problems(
            415,
            s413="`too-large`: the file is over 5 MiB or has too many data rows",
            s415="`unsupported-media-type`: the file is not a UTF-8 CSV or an XLSX workbook",
            s422='`validation`: one item per bad cell (`loc` `["row", n, column]`) or '
            'column (`["file", column]`); nothing was imported',
        ),
    },
    openapi_extra=_FILE_BODY,
)
async def import_rows(
    cid: ConventionId,
    kind: KindPath,
    admin: ConventionAdmin,
    db: DatabaseDep,
    session: SessionDep,
    gate: PasswordGateDep,
    request: Request,
    response: Response,
    dry_run: Annotated[
        bool, Query(description="Check the file and answer 200 with the counts; write nothing.")
    ] = False,
    existing: Annotated[
        Literal["refuse", "skip"],
        Query(description="`skip`: skip rows whose key exists instead of refusing the file."),
    ] = "refuse",
) -> ImportOut:
    """Import OPDs (`kode`, `nama`), entries (`judul`, `akronim`, `kode_opd`, `kategori`,
    `ringkasan`, `inovator` as `Nama|NIP; Nama|NIP`) or jurors (`username`, `nama_lengkap`,
    `panel`, `kata_sandi`, `konflik_opd`) from the multipart field `file`: a CSV (UTF-8,
    comma or semicolon) or an XLSX (first sheet), columns by header.

    All or nothing: any bad cell is a 422 naming it (`["row", n, column]`, `n` counting the
    rows under the header from 1) and nothing is written. A key that exists (an OPD's code, an
    OPD's entry title, a username), in the convention or earlier in the file, is such an error
    unless `existing=skip`. Jurors without `kata_sandi` get a generated password, shown in this
    answer only. At most 5,000 data rows (jurors 100) and 5 MiB (413)."""
    with db.lookup() as lookup:
        conventions.get(lookup, cid)  # 404 before the file is read
    form, upload = await _upload(request)
    try:
        rows = await run_in_threadpool(imports.read, upload.file, upload.filename, kind)
    finally:
        await form.close()
    skip = existing == "skip"
    generated: dict[int, str] = {}

    def check() -> imports.Plan:
        convention = conventions.get(session, cid)
        return imports.check(
            session, convention, kind, rows, skip_existing=skip, generated=generated
        )

    # The checks and writes of thousands of rows run in a thread, off the event loop.
    plan = await run_in_threadpool(check)
    if dry_run:
        response.status_code = 200
        return _out(plan, [], dry_run=True)
    hashes: imports.Hashes = {}
    if kind is ImportKind.JURORS and plan.creates:
        # Hashing takes a while: end the check's transaction (and SQLite's write lock) first,
        # then check again in the one that writes.
        session.commit()
        hashes = await gate.run(imports.hash_passwords, plan, hash_password)
        plan = await run_in_threadpool(check)

    def write() -> list[imports.Created]:
        convention = conventions.get(session, cid)
        return imports.write(session, convention, plan, admin, hashes, hash_password)

    return _out(plan, await run_in_threadpool(write), dry_run=False)


@lru_cache(maxsize=len(ImportKind))
def _template(kind: ImportKind) -> bytes:
    return imports.template(kind)


@router.get(
    "/{kind}/template.xlsx",
    response_class=Response,
    responses=file_answer(
        "The kind's columns and one example row", imports.XLSX_MEDIA_TYPE, binary=True
    ),
)
async def read_import_template(_convention: AdminConvention, kind: KindPath) -> Response:
    """An XLSX with the columns of an import of `kind` (Indonesian headers, as the import
    reads them) and one example row, to fill in and send back."""
    return download(_template(kind), imports.XLSX_MEDIA_TYPE, imports.template_name(kind))
