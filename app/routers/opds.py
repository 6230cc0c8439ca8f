"""OPDs of a convention."""

from __future__ import annotations

from fastapi import APIRouter, Response

from app.models import Opd
from app.routers.deps import (
    CONVENTION_PROBLEMS,
    WRITE_PROBLEMS,
    AdminConvention,
    ConventionAdmin,
    PageDep,
    ReadableConvention,
    SessionDep,
    created,
    page_of,
)
from app.schemas import OpdCreate, OpdOut, OpdUpdate, Page
from app.services import opds
from app.services.common import get_in_convention

router = APIRouter(prefix="/conventions/{cid}/opds", tags=["opds"], responses=CONVENTION_PROBLEMS)


@router.post("", status_code=201, responses=WRITE_PROBLEMS)
async def create_opd(
    convention: AdminConvention,
    data: OpdCreate,
    admin: ConventionAdmin,
    session: SessionDep,
    response: Response,
) -> OpdOut:
    """Add an OPD; `code` is unique in the convention."""
    opd = opds.create(session, convention, data, admin)
    created(response, f"/api/v1/conventions/{convention.id}/opds/{opd.id}")
    return OpdOut.model_validate(opd)


@router.get("")
async def list_opds(
    convention: ReadableConvention, session: SessionDep, page: PageDep
) -> Page[OpdOut]:
    """The convention's OPDs, by id. Jurors may read them."""
    items, total = opds.list_opds(session, convention.id, page.limit, page.offset)
    return page_of(OpdOut, items, total, page)


@router.get("/{opd_id}")
async def read_opd(convention: ReadableConvention, opd_id: int, session: SessionDep) -> OpdOut:
    """One OPD."""
    return OpdOut.model_validate(get_in_convention(session, Opd, convention.id, opd_id, "OPD"))


@router.patch("/{opd_id}", responses=WRITE_PROBLEMS)
async def update_opd(
    convention: AdminConvention,
    opd_id: int,
    data: OpdUpdate,
    admin: ConventionAdmin,
    session: SessionDep,
) -> OpdOut:
    """Change an OPD's code or name."""
    opd = get_in_convention(session, Opd, convention.id, opd_id, "OPD")
    return OpdOut.model_validate(opds.update(session, opd, data, admin))


@router.delete("/{opd_id}", status_code=204, responses=WRITE_PROBLEMS)
async def delete_opd(
    convention: AdminConvention, opd_id: int, admin: ConventionAdmin, session: SessionDep
) -> None:
    """Delete an OPD that no entry and no juror's conflict refers to."""
    opds.delete(session, get_in_convention(session, Opd, convention.id, opd_id, "OPD"), admin)
