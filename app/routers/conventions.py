"""Conventions."""

from __future__ import annotations

from fastapi import APIRouter, Response

from app.enums import ConventionStatus
from app.routers.deps import (
    CONVENTION_PROBLEMS,
    WRITE_PROBLEMS,
    CurrentAdmin,
    CurrentStaff,
    Managing,
    PageDep,
    Reading,
    SessionDep,
    created_as,
)
from app.schemas import ConventionCreate, ConventionOut, ConventionUpdate, Page
from app.schemas.conventions import ConventionWarningOut
from app.services import conventions, progress

router = APIRouter(prefix="/conventions", tags=["conventions"], responses=CONVENTION_PROBLEMS)


@router.post("", status_code=201, responses=WRITE_PROBLEMS)
async def create_convention(
    data: ConventionCreate, admin: CurrentAdmin, session: SessionDep, response: Response
) -> ConventionOut:
    """Create a convention (`admin` only: a `secretariat` account is 403). It starts in
    `draft`."""
    convention = conventions.create(session, data, admin)
    return created_as(response, f"/api/v1/conventions/{convention.id}", ConventionOut, convention)


@router.get("")
async def list_conventions(
    staff: CurrentStaff, session: SessionDep, page: PageDep
) -> Page[ConventionOut]:
    """The conventions the caller manages, by id: every one for an `admin`, those of its
    `convention_ids` for a `secretariat` (a juror is 403)."""
    scope = None if staff.is_admin else staff.convention_ids
    found = conventions.list_conventions(session, page.limit, page.offset, scope)
    return page.of(ConventionOut, found)


@router.get("/{cid}")
async def read_convention(scope: Reading) -> ConventionOut:
    """One convention. A juror reads only the convention it judges."""
    return ConventionOut.model_validate(scope.convention)


@router.patch("/{cid}", responses=WRITE_PROBLEMS)
async def update_convention(scope: Managing, data: ConventionUpdate) -> ConventionOut:
    """Change fields or move the status: draft → judging → closed, closed → judging
    (until results are published). Any other move is 409 `convention-state`; a move to the
    current status is a 200 that changes nothing. Closing while entries of the current stage
    miss sheets answers 200 with an `incomplete` warning naming them."""
    closing = data.status == ConventionStatus.CLOSED and scope.convention.status != data.status
    updated = ConventionOut.model_validate(
        conventions.update(scope.session, scope.convention, data, scope.caller)
    )
    if closing:
        missing = progress.incomplete_entry_ids(scope.session, scope.convention)
        if missing:
            updated.warnings = [ConventionWarningOut(code="incomplete", entry_ids=missing)]
    return updated


@router.delete("/{cid}", status_code=204, responses=WRITE_PROBLEMS)
async def delete_convention(scope: Managing) -> None:
    """Delete an empty convention; one that still has criteria, panels, OPDs, entries or
    jurors is 409 `in-use`."""
    conventions.delete(scope.session, scope.convention, scope.caller)
