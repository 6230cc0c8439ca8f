"""OPDs of a convention."""

from __future__ import annotations

from fastapi import Response

from app.models import Opd
from app.routers.deps import WRITE_PROBLEMS, Managing, PageDep, Reading, convention_router
from app.schemas import OpdCreate, OpdOut, OpdUpdate, Page
from app.services import opds

router = convention_router("opds", "/opds")


@router.post("", status_code=201, responses=WRITE_PROBLEMS)
async def create_opd(scope: Managing, data: OpdCreate, response: Response) -> OpdOut:
    """Add an OPD; `code` is unique in the convention."""
    opd = opds.create(scope.session, scope.convention, data, scope.caller)
    return scope.created(response, "opds", OpdOut, opd)


@router.get("")
async def list_opds(scope: Reading, page: PageDep) -> Page[OpdOut]:
    """The convention's OPDs, by id. Jurors may read them."""
    return page.of(OpdOut, opds.list_opds(scope.session, scope.cid, page.limit, page.offset))


@router.get("/{opd_id}")
async def read_opd(scope: Reading, opd_id: int) -> OpdOut:
    """One OPD."""
    return OpdOut.model_validate(scope.get(Opd, opd_id, "OPD"))


@router.patch("/{opd_id}", responses=WRITE_PROBLEMS)
async def update_opd(scope: Managing, opd_id: int, data: OpdUpdate) -> OpdOut:
    """Change an OPD's code or name."""
    opd = scope.get(Opd, opd_id, "OPD")
    return OpdOut.model_validate(opds.update(scope.session, opd, data, scope.caller))


@router.delete("/{opd_id}", status_code=204, responses=WRITE_PROBLEMS)
async def delete_opd(scope: Managing, opd_id: int) -> None:
    """Delete an OPD that no entry and no juror's conflict refers to."""
    opds.delete(scope.session, scope.get(Opd, opd_id, "OPD"), scope.caller)
