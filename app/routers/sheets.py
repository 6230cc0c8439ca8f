"""Score sheets: a juror's own (``/jurors/me/...``) and the secretariat's view of everyone's."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, Query, Request, Response

from app.db import Database, SessionDep
from app.errors import Forbidden, NotFound, Problem
from app.routers.deps import (
    CONVENTION_PROBLEMS,
    WRITE_PROBLEMS,
    AdminConvention,
    ConventionAdmin,
    ConventionId,
    EmptyIsAbsent,
    PageDep,
    problems,
)
from app.schemas import SheetIn, SheetOut, SyncIn, SyncOut
from app.security import (
    CurrentUser,
    Principal,
    bearer_token,
    ensure_can_see_convention,
    principal_for,
    verify_token,
)
from app.services import conventions, jurors, sheets

router = APIRouter(
    prefix="/conventions/{cid}/jurors", tags=["sheets"], responses=CONVENTION_PROBLEMS
)

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
    if principal.is_admin:
        conventions.get(session, cid)
        raise Forbidden("The secretariat has no sheets of its own; use /jurors/{juror_id}/...")
    return principal


Me = Annotated[Principal, Depends(_me)]

# The PUT reads its token, header and body by hand (the hot path); this documents them.
_SHEET_BODY = {
    "requestBody": {
        "required": True,
        "content": {_JSON: {"schema": SheetIn.model_json_schema()}},
    },
    "parameters": [
        {
            "name": "If-Match",
            "in": "header",
            "required": False,
            "description": 'Optional: the ETag last seen (`"<version>"`); a stale one is 412.',
            "schema": {"type": "string"},
        }
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
        s409="`convention-state` (not judging, or past the deadline) or `sheet-final`",
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
        written = sheets.put_sheet(
            conn, principal, cid, entry_id, raw, request.headers.get("if-match"), db.frozen_rubrics
        )
    return _sheet_response(written.sheet)


@router.get("/me/sheets/{entry_id}", responses={200: {"model": SheetOut}}, response_class=Response)
async def read_my_sheet(entry_id: int, me: Me, session: SessionDep) -> Response:
    """The calling juror's sheet for an entry, with its `ETag`; 404 if none."""
    sheet = sheets.get_sheet(session.connection(), me.id, entry_id)
    if sheet is None:
        raise NotFound(f"You have no sheet for entry {entry_id}.")
    return _sheet_response(sheet)


def _page(items: list[sheets.StoredSheet], total: int, limit: int, offset: int) -> Response:
    body = {"items": [s.as_dict() for s in items], "total": total, "limit": limit, "offset": offset}
    return Response(orjson.dumps(body, option=orjson.OPT_UTC_Z), media_type=_JSON)


SheetStatusFilter = Annotated[
    Literal["draft", "submitted"] | None,
    EmptyIsAbsent,
    Query(description="Only sheets in this status."),
]


@router.get("/me/sheets", responses={200: {"model": dict[str, Any]}}, response_class=Response)
async def list_my_sheets(
    cid: int, me: Me, session: SessionDep, page: PageDep, status: SheetStatusFilter = None
) -> Response:
    """The calling juror's sheets (for its progress screen), by id."""
    items, total = sheets.list_sheets(session, cid, me.id, page.limit, page.offset, status)
    return _page(items, total, page.limit, page.offset)


@router.post("/me/sheets:sync", responses={200: {"model": SyncOut}, **problems(413)})
async def sync_my_sheets(cid: int, data: SyncIn, me: Me, session: SessionDep) -> SyncOut:
    """Apply sheets a tablet queued offline, each on its own and in order, with the rules
    of `PUT`. Answers one result per sheet: `accepted`, `unchanged`, `conflict` (with the
    server's sheet), `invalid` or `refused` (with the problem). See the README for the
    retry protocol."""
    results = []
    rules: dict[int, Any] = {}
    for item in data.sheets:
        payload = {"scores": item.scores, "comment": item.comment, "submit": item.submit}
        if_match = f'"{item.base_version}"' if item.base_version is not None else None
        try:
            with session.begin_nested():
                conn = session.connection()
                target = sheets.load_target(conn, me, cid, item.entry_id)
                sheets.authorize_write(target, me)
                if cid not in rules:
                    rules[cid] = sheets.rules_for(conn, cid, target.status)
                written = sheets.write_sheet(conn, me, target, payload, if_match, rules[cid])
            results.append(
                {
                    "entry_id": item.entry_id,
                    "outcome": "accepted" if written.changed else "unchanged",
                    "status": 200,
                    "sheet": written.sheet.as_dict(),
                }
            )
        except Problem as problem:
            results.append(_sync_failure(session, me, item.entry_id, problem))
    return SyncOut.model_validate({"results": results})


def _sync_failure(
    session: SessionDep, me: Principal, entry_id: int, problem: Problem
) -> dict[str, Any]:
    body = {
        "type": f"/problems/{problem.name}",
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
    }
    if problem.errors is not None:
        body["errors"] = problem.errors
    if problem.status in (409, 412) and problem.name != "convention-state":
        current = sheets.get_sheet(session.connection(), me.id, entry_id)
        return {
            "entry_id": entry_id,
            "outcome": "conflict",
            "status": problem.status,
            "sheet": current.as_dict() if current else None,
            "problem": body,
        }
    outcome = "invalid" if problem.status == 422 else "refused"
    return {"entry_id": entry_id, "outcome": outcome, "status": problem.status, "problem": body}


# --- the secretariat's view ---------------------------------------------------------------


@router.get(
    "/{juror_id}/sheets", responses={200: {"model": dict[str, Any]}}, response_class=Response
)
async def list_juror_sheets(
    convention: AdminConvention,
    juror_id: int,
    session: SessionDep,
    page: PageDep,
    status: SheetStatusFilter = None,
) -> Response:
    """A juror's sheets (secretariat only; a juror gets 403 for any id, even its own)."""
    jurors.get_juror(session, convention.id, juror_id)
    items, total = sheets.list_sheets(
        session, convention.id, juror_id, page.limit, page.offset, status
    )
    return _page(items, total, page.limit, page.offset)


@router.get(
    "/{juror_id}/sheets/{entry_id}", responses={200: {"model": SheetOut}}, response_class=Response
)
async def read_juror_sheet(
    convention: AdminConvention, juror_id: int, entry_id: int, session: SessionDep
) -> Response:
    """One juror's sheet for one entry (secretariat only)."""
    jurors.get_juror(session, convention.id, juror_id)
    sheet = sheets.get_sheet(session.connection(), juror_id, entry_id)
    if sheet is None:
        raise NotFound(f"Juror {juror_id} has no sheet for entry {entry_id}.")
    return _sheet_response(sheet)


@router.post(
    "/{juror_id}/sheets/{entry_id}/reopen",
    responses={200: {"model": SheetOut}, **WRITE_PROBLEMS},
    response_class=Response,
)
async def reopen_sheet(
    convention: AdminConvention,
    juror_id: int,
    entry_id: int,
    admin: ConventionAdmin,
    session: SessionDep,
) -> Response:
    """Send a submitted sheet back to `draft` so its juror can correct it (only while
    judging). Recorded in the audit log."""
    jurors.get_juror(session, convention.id, juror_id)
    return _sheet_response(sheets.reopen(session, admin, convention, juror_id, entry_id))
