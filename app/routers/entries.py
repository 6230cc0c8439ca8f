"""Entries (innovations) of a convention, with their innovators."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import Response

from app.enums import Category
from app.models import Entry
from app.routers.deps import (
    WRITE_PROBLEMS,
    Filter,
    Managing,
    PageDep,
    Pagination,
    Reading,
    convention_router,
    id_filter,
    only,
)
from app.schemas import EntryCreate, EntryJurorOut, EntryOut, EntryUpdate, Page
from app.security import Principal
from app.services import entries

router = convention_router("entries", "/entries")


def _out(entry: Entry, principal: Principal) -> EntryOut | EntryJurorOut:
    """An entry as ``principal`` may see it: a juror never sees an innovator's NIP."""
    if not principal.is_juror:
        return EntryOut.model_validate(entry)
    return EntryJurorOut.model_validate(entry)


def entry_page(
    principal: Principal, found: tuple[Iterable[Any], int], page: Pagination
) -> Page[EntryOut] | Page[EntryJurorOut]:
    """A page of the entries a service ``found`` as ``principal`` may see them (a juror:
    without NIP)."""
    if not principal.is_juror:
        return page.of(EntryOut, found)
    return page.of(EntryJurorOut, found)


@router.post("", status_code=201, responses=WRITE_PROBLEMS)
async def create_entry(scope: Managing, data: EntryCreate, response: Response) -> EntryOut:
    """Enter an innovation for an OPD of the convention, with its innovators."""
    entry = entries.create(scope.session, scope.convention, data, scope.caller)
    return scope.created(response, "entries", EntryOut, entry)


@router.get("")
async def list_entries(
    scope: Reading,
    page: PageDep,
    opd_id: Annotated[int | None, id_filter("this OPD's entries")] = None,
    category: Annotated[Filter[Category], only("this category")] = None,
) -> Page[EntryOut] | Page[EntryJurorOut]:
    """The convention's entries, by id. Jurors see innovators without NIP."""
    found = entries.list_entries(
        scope.session, scope.cid, page.limit, page.offset, opd_id=opd_id, category=category
    )
    return entry_page(scope.caller, found, page)


@router.get("/{entry_id}")
async def read_entry(scope: Reading, entry_id: int) -> EntryOut | EntryJurorOut:
    """One entry."""
    return _out(scope.get(Entry, entry_id, "Entry"), scope.caller)


@router.patch("/{entry_id}", responses=WRITE_PROBLEMS)
async def update_entry(scope: Managing, entry_id: int, data: EntryUpdate) -> EntryOut:
    """Change an entry; `innovators`, when sent, replaces the list. `opd_id` changes only in
    `draft`."""
    entry = scope.get(Entry, entry_id, "Entry")
    return EntryOut.model_validate(
        entries.update(scope.session, scope.convention, entry, data, scope.caller)
    )


@router.delete("/{entry_id}", status_code=204, responses=WRITE_PROBLEMS)
async def delete_entry(scope: Managing, entry_id: int) -> None:
    """Delete an entry nothing refers to (no sheet, award, certificate, assignment)."""
    entry = scope.get(Entry, entry_id, "Entry")
    entries.delete(scope.session, entry, scope.caller)
