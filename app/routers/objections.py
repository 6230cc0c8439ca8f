"""The objection window: public objections to provisional results, and their resolution."""

from __future__ import annotations

from typing import Annotated

from fastapi import Request, Response

from app.enums import ObjectionStatus
from app.routers.deps import (
    WRITE_PROBLEMS,
    Filter,
    Managing,
    PageDep,
    SessionDep,
    client_address,
    convention_router,
    created_as,
    item_url,
    only,
    problems,
)
from app.schemas import ObjectionIn, ObjectionOut, ObjectionReceiptOut, ObjectionUpdate, Page
from app.services import objections

router = convention_router("objections")


@router.post(
    "/objections",
    status_code=201,
    tags=["public"],
    responses={
        **problems(
            404,
            409,
            413,
            422,
            429,
            503,
            s409="`convention-state`: the results are not provisional, or the window closed",
            s429="`rate-limited`: at most 5 objections an hour from one address",
        )
    },
    openapi_extra={"security": []},
)
async def create_objection(
    cid: int, data: ObjectionIn, request: Request, session: SessionDep, response: Response
) -> ObjectionReceiptOut:
    """Object to provisional results (no token): while they are provisional and strictly
    before their deadline. The answer's `receipt` names the objection."""
    objection = objections.create(
        session,
        cid,
        entry_id=data.entry_id,
        name=data.name,
        contact=data.contact,
        reason=data.reason,
        address=client_address(request),
    )
    return created_as(
        response,
        item_url(cid, "objections", objection.id),
        ObjectionReceiptOut,
        {"id": objection.id, "receipt": objection.receipt, "status": objection.status},
    )


@router.get("/objections")
async def list_objections(
    scope: Managing,
    page: PageDep,
    status: Annotated[Filter[ObjectionStatus], only("objections in this status")] = None,
) -> Page[ObjectionOut]:
    """The objections filed against the convention's results, by id (secretariat)."""
    found = objections.list_objections(scope.session, scope.cid, status, page.limit, page.offset)
    return page.of(ObjectionOut, found)


@router.patch("/objections/{objection_id}", responses=WRITE_PROBLEMS)
async def resolve_objection(
    scope: Managing, objection_id: int, data: ObjectionUpdate
) -> ObjectionOut:
    """Uphold or dismiss an objection, with a `resolution`, while the results are provisional.
    (Disqualifying an entry is `PATCH …/entries/{id}`.)"""
    objection = objections.resolve(
        scope.session,
        scope.caller,
        scope.convention,
        objection_id,
        ObjectionStatus(data.status),
        data.resolution,
    )
    return ObjectionOut.model_validate(objection)
