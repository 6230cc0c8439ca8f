"""Score sheets: a juror's own (``/jurors/me/...``) and the secretariat's view of everyone's."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import Depends, Request, Response
from sqlalchemy.orm import Session

from app.db import Database
from app.enums import SheetStatus
from app.errors import Forbidden, NotFound
from app.models import Convention, Stage
from app.routers.deps import (
    WRITE_PROBLEMS,
    ConventionId,
    CurrentUser,
    Filter,
    Managing,
    PageDep,
    Pagination,
    SessionDep,
    bearer_token,
    convention_router,
    id_query,
    only,
    problems,
)
from app.schemas import Page, SheetOut, SyncIn, SyncOut
from app.security import Principal, ensure_can_see_convention, principal_for, verify_token
from app.services import conventions, jurors, sheets, stages
from app.services.common import MAX_ID

router = convention_router("sheets", "/jurors")

_JSON = "application/json"


def _sheet_response(sheet: sheets.StoredSheet) -> Response:
    return Response(
        orjson.dumps(sheet.as_dict(), option=orjson.OPT_UTC_Z),
        media_type=_JSON,
        headers={"ETag": sheet.etag},
    )


async def _me(cid: ConventionId, principal: CurrentUser, session: SessionDep) -> Principal:
    """The calling juror; the secretariat has no sheets of its own (403)."""
    ensure_can_see_convention(principal, cid)
    if not principal.is_juror:
        conventions.get(session, cid)
        raise Forbidden("The secretariat has no sheets of its own; use /jurors/{juror_id}/...")
    return principal


Me = Annotated[Principal, Depends(_me)]

# The PUT reads its token, header and body by hand (the hot path); this documents them.
_SHEET_BODY = {
    "requestBody": {
        "required": True,
        "content": {_JSON: {"schema": {"$ref": "#/components/schemas/SheetIn"}}},
    },
    "parameters": [
        {
            "name": "If-Match",
            "in": "header",
            "required": False,
            "description": 'Optional: the ETag last seen (`"<version>"`); a stale one is 412.',
            "schema": {"type": "string"},
        },
        {
            "name": "stage_id",
            "in": "query",
            "required": False,
            "description": "Optional: the stage the tablet scored in; when it is not the "
            "current stage, 409 `convention-state` and nothing is written.",
            "schema": {"type": "integer", "minimum": 1},
        },
    ],
    "security": [{"OAuth2PasswordBearer": []}],
}
_SHEET_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "model": SheetOut,
        "description": 'The sheet as stored; header `ETag: "<version>"`.',
        "headers": {
            "ETag": {
                "description": "The sheet's version, quoted (strong).",
                "schema": {"type": "string"},
            }
        },
    },
    **problems(
        403,
        404,
        409,
        412,
        413,
        s403="`forbidden` (not a juror, or not assigned) or `conflict-of-interest`",
        s404="`not-found`: unknown convention or entry",
        s409="`convention-state` (not judging, past the deadline, a stage that is not current, "
        "or a panel that does not judge it), `not-in-stage` (the entry is not admitted to the "
        "current stage) or `sheet-final`",
    ),
}


@router.put(
    "/me/sheets/{entry_id}",
    openapi_extra=_SHEET_BODY,
    responses=_SHEET_RESPONSES,
    response_class=Response,
)
async def put_my_sheet(cid: int, entry_id: int, request: Request) -> Response:
    """Write the calling juror's sheet for an entry (the whole sheet).

    `{"scores": {"<code>": number, …}, "comment": "…", "submit": false}`. A draft may hold
    some criteria; `submit: true` needs every one and makes the sheet final. Sending the
    stored body again changes nothing (200, same version): retries are safe. With
    `If-Match`, a stale version is 412 and nothing is written.
    """
    # The hot path of the service: no dependency injection, the same steps by hand (token,
    # body, then one transaction that awaits nothing; see app/db.py).
    db: Database = request.app.state.db
    claims = verify_token(bearer_token(request), request.app.state.secret_key)
    raw = await request.body()
    with db.write() as conn:
        principal = principal_for(conn, claims)  # still 401 before anything else
        stage_id = _stage_param(request.query_params.get("stage_id"))
        written = sheets.put_sheet(
            conn,
            principal,
            cid,
            entry_id,
            raw,
            request.headers.get("if-match"),
            db.frozen_rubrics,
            stage_id,
        )
    return _sheet_response(written.sheet)


def _stage_param(value: str | None) -> int | str | None:
    """``?stage_id=`` of the PUT, read by hand like the rest of it: a stage id, or the text
    as sent when it names no stage (then it is not the current stage either: 409 in the
    contract's order, after 404 and 403, like any other stage that is not current)."""
    if value is None or value == "":
        return None
    if not value.isdigit() or not 1 <= int(value) <= MAX_ID:
        return value[:40]
    return int(value)


StageFilter = Annotated[int | None, id_query("A stage's sheets (default: the current stage's).")]


def _stage_id(session: SessionDep, cid: int, stage_id: int | None) -> int:
    convention = conventions.get(session, cid)
    return stages.find(convention, stage_id, ["query", "stage_id"]).id


@router.get("/me/sheets/{entry_id}", responses={200: {"model": SheetOut}}, response_class=Response)
async def read_my_sheet(
    cid: int, entry_id: int, me: Me, session: SessionDep, stage_id: StageFilter = None
) -> Response:
    """The calling juror's sheet for an entry, with its `ETag`; 404 if none. `?stage_id=` reads
    an earlier stage's."""
    sheet = sheets.get_sheet(
        session.connection(), me.id, entry_id, _stage_id(session, cid, stage_id)
    )
    if sheet is None:
        raise NotFound(f"You have no sheet for entry {entry_id}.")
    return _sheet_response(sheet)


def _page(
    session: Session,
    cid: int,
    juror_id: int,
    stage_id: int,
    page: Pagination,
    status: SheetStatus | None,
) -> Response:
    """A page of a juror's sheets of a stage, by id (built by hand like the rest of them)."""
    items, total = sheets.list_sheets(
        session, cid, juror_id, stage_id, page.limit, page.offset, status
    )
    body = {
        "items": [s.as_dict() for s in items],
        "total": total,
        "limit": page.limit,
        "offset": page.offset,
    }
    return Response(orjson.dumps(body, option=orjson.OPT_UTC_Z), media_type=_JSON)


SheetStatusFilter = Annotated[Filter[SheetStatus], only("sheets in this status")]


@router.get("/me/sheets", responses={200: {"model": Page[SheetOut]}}, response_class=Response)
async def list_my_sheets(
    cid: int,
    me: Me,
    session: SessionDep,
    page: PageDep,
    status: SheetStatusFilter = None,
    stage_id: StageFilter = None,
) -> Response:
    """The calling juror's sheets of the current stage (or `?stage_id=`), by id."""
    return _page(session, cid, me.id, _stage_id(session, cid, stage_id), page, status)


@router.post("/me/sheets:sync", responses={200: {"model": SyncOut}, **problems(413)})
async def sync_my_sheets(cid: int, data: SyncIn, me: Me, session: SessionDep) -> SyncOut:
    """Apply sheets a tablet queued offline, each on its own and in order, with the rules
    of `PUT`. Answers one result per sheet: `accepted`, `unchanged`, `conflict` (with the
    server's sheet), `invalid` or `refused` (with the problem). See docs/api.md for the
    retry protocol."""
    items = [
        sheets.SyncInput(
            item.entry_id,
            item.scores,
            item.comment,
            item.submit,
            item.base_version,
            item.stage_id,
        )
        for item in data.sheets
    ]
    return SyncOut.model_validate({"results": sheets.sync(session, me, cid, items)})


# --- the secretariat's view ---------------------------------------------------------------


def _juror_stage(
    session: Session, convention: Convention, juror_id: int, stage_id: int | None
) -> Stage:
    """The stage (``?stage_id=``, else the current one) of the juror's sheets asked for; 404
    for a juror of no such id in the convention."""
    jurors.get_juror(session, convention.id, juror_id)
    return stages.find(convention, stage_id, ["query", "stage_id"])


@router.get(
    "/{juror_id}/sheets", responses={200: {"model": Page[SheetOut]}}, response_class=Response
)
async def list_juror_sheets(
    scope: Managing,
    juror_id: int,
    page: PageDep,
    status: SheetStatusFilter = None,
    stage_id: StageFilter = None,
) -> Response:
    """A juror's sheets of the current stage (or `?stage_id=`); secretariat only (a juror
    gets 403 for any id, even its own)."""
    stage = _juror_stage(scope.session, scope.convention, juror_id, stage_id).id
    return _page(scope.session, scope.cid, juror_id, stage, page, status)


@router.get(
    "/{juror_id}/sheets/{entry_id}", responses={200: {"model": SheetOut}}, response_class=Response
)
async def read_juror_sheet(
    scope: Managing, juror_id: int, entry_id: int, stage_id: StageFilter = None
) -> Response:
    """One juror's sheet for one entry, in the current stage or `?stage_id=` (secretariat
    only)."""
    stage = _juror_stage(scope.session, scope.convention, juror_id, stage_id).id
    sheet = sheets.get_sheet(scope.session.connection(), juror_id, entry_id, stage)
    if sheet is None:
        raise NotFound(f"Juror {juror_id} has no sheet for entry {entry_id}.")
    return _sheet_response(sheet)


@router.post(
    "/{juror_id}/sheets/{entry_id}/reopen",
    responses={200: {"model": SheetOut}, **WRITE_PROBLEMS},
    response_class=Response,
)
async def reopen_sheet(
    scope: Managing, juror_id: int, entry_id: int, stage_id: StageFilter = None
) -> Response:
    """Send a submitted sheet of the current stage back to `draft` so its juror can correct
    it (only while judging). Recorded in the audit log."""
    stage = _juror_stage(scope.session, scope.convention, juror_id, stage_id)
    return _sheet_response(
        sheets.reopen(scope.session, scope.caller, scope.convention, stage, juror_id, entry_id)
    )
