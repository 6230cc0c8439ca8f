"""Entries (innovations) of a convention, with their innovators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.enums import Category
from app.models import Entry
from app.routers.deps import (
    CONVENTION_PROBLEMS,
    WRITE_PROBLEMS,
    AdminConvention,
    ConventionAdmin,
    CurrentUser,
    EmptyIsAbsent,
    PageDep,
    ReadableConvention,
    SessionDep,
    created,
    page_of,
)
from app.schemas import EntryCreate, EntryJurorOut, EntryOut, EntryUpdate, Page
from app.security import Principal
from app.services import entries
from app.services.common import MAX_ID, get_in_convention

router = APIRouter(
    prefix="/conventions/{cid}/entries", tags=["entries"], responses=CONVENTION_PROBLEMS
)


def _out(entry: Entry, principal: Principal) -> EntryOut | EntryJurorOut:
    # A juror never sees an innovator's NIP.
    if not principal.is_juror:
        return EntryOut.model_validate(entry)
    return EntryJurorOut.model_validate(entry)


@router.post("", status_code=201, responses=WRITE_PROBLEMS)
async def create_entry(
    convention: AdminConvention,
    data: EntryCreate,
    admin: ConventionAdmin,
    session: SessionDep,
    response: Response,
) -> EntryOut:
    """Enter an innovation for an OPD of the convention, with its innovators."""
    entry = entries.create(session, convention, data, admin)
    created(response, f"/api/v1/conventions/{convention.id}/entries/{entry.id}")
    return EntryOut.model_validate(entry)


@router.get("")
async def list_entries(
    convention: ReadableConvention,
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    opd_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Only this OPD's entries.")
    ] = None,
    category: Annotated[
        Category | None, EmptyIsAbsent, Query(description="Only this category.")
    ] = None,
) -> Page[EntryOut] | Page[EntryJurorOut]:
    """The convention's entries, by id. Jurors see innovators without NIP."""
    items, total = entries.list_entries(
        session, convention.id, page.limit, page.offset, opd_id=opd_id, category=category
    )
    if not principal.is_juror:
        return page_of(EntryOut, items, total, page)
    return page_of(EntryJurorOut, items, total, page)


@router.get("/{entry_id}")
async def read_entry(
    convention: ReadableConvention, entry_id: int, principal: CurrentUser, session: SessionDep
) -> EntryOut | EntryJurorOut:
    """One entry."""
    return _out(get_in_convention(session, Entry, convention.id, entry_id, "Entry"), principal)


@router.patch("/{entry_id}", responses=WRITE_PROBLEMS)
async def update_entry(
    convention: AdminConvention,
    entry_id: int,
    data: EntryUpdate,
    admin: ConventionAdmin,
    session: SessionDep,
) -> EntryOut:
    """Change an entry; `innovators`, when sent, replaces the list. `opd_id` changes only in
    `draft`."""
    entry = get_in_convention(session, Entry, convention.id, entry_id, "Entry")
    return EntryOut.model_validate(entries.update(session, convention, entry, data, admin))


@router.delete("/{entry_id}", status_code=204, responses=WRITE_PROBLEMS)
async def delete_entry(
    convention: AdminConvention, entry_id: int, admin: ConventionAdmin, session: SessionDep
) -> None:
    """Delete an entry nothing refers to (no sheet, award, certificate, assignment)."""
    entry = get_in_convention(session, Entry, convention.id, entry_id, "Entry")
    entries.delete(session, entry, admin)
