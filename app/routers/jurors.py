"""Jurors of a convention (the secretariat's)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Response

from app.routers.deps import (
    WRITE_PROBLEMS,
    ConventionAdmin,
    Managing,
    PageDep,
    PasswordGateDep,
    SessionDep,
    convention_router,
    created_as,
    hashed,
    id_filter,
    item_url,
)
from app.schemas import JurorCreate, JurorOut, JurorUpdate, Page
from app.services import conventions, jurors

router = convention_router("jurors", "/jurors")


@router.post("", status_code=201, responses=WRITE_PROBLEMS)
async def create_juror(
    cid: int,
    data: JurorCreate,
    admin: ConventionAdmin,
    session: SessionDep,
    gate: PasswordGateDep,
    response: Response,
) -> JurorOut:
    """Create a juror: a login (`username` unique across the service ignoring case,
    `password` of at least 10 characters, not only whitespace), a panel, and the OPDs it has a
    conflict of interest with."""
    password_hash = await hashed(gate, data.password)
    convention = conventions.get(session, cid)
    juror = jurors.create(session, convention, data, password_hash, admin)
    return created_as(response, item_url(cid, "jurors", juror.id), JurorOut, juror)


@router.get("")
async def list_jurors(
    scope: Managing,
    page: PageDep,
    panel_id: Annotated[int | None, id_filter("this panel's jurors")] = None,
) -> Page[JurorOut]:
    """The convention's jurors, by id. Never a password or its hash."""
    found = jurors.list_jurors(scope.session, scope.cid, page.limit, page.offset, panel_id=panel_id)
    return page.of(JurorOut, found)


@router.get("/{juror_id}")
async def read_juror(scope: Managing, juror_id: int) -> JurorOut:
    """One juror."""
    return JurorOut.model_validate(jurors.get_juror(scope.session, scope.cid, juror_id))


@router.patch("/{juror_id}", responses=WRITE_PROBLEMS)
async def update_juror(
    cid: int,
    juror_id: int,
    data: JurorUpdate,
    admin: ConventionAdmin,
    session: SessionDep,
    gate: PasswordGateDep,
) -> JurorOut:
    """Change a juror. A new password ends the juror's current tokens; `panel_id` changes
    only in `draft`; `conflict_opd_ids`, when sent, replaces the list."""
    password_hash = await hashed(gate, data.password)
    convention = conventions.get(session, cid)
    juror = jurors.get_juror(session, convention.id, juror_id)
    return JurorOut.model_validate(
        jurors.update(session, convention, juror, data, password_hash, admin)
    )


@router.delete("/{juror_id}", status_code=204, responses=WRITE_PROBLEMS)
async def delete_juror(scope: Managing, juror_id: int) -> None:
    """Delete a juror without sheets; its tokens stop working."""
    jurors.delete(scope.session, jurors.get_juror(scope.session, scope.cid, juror_id), scope.caller)
