"""Dependencies shared by the routers: pagination and load-or-404 of the convention."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Response

from app.db import SessionDep
from app.errors import Forbidden
from app.models import Convention
from app.security import CurrentUser, Principal, ensure_can_see_convention
from app.services import conventions


@dataclass(frozen=True, slots=True)
class Pagination:
    limit: int
    offset: int


def _pagination(
    limit: Annotated[int, Query(ge=1, le=500, description="Page size, 1 to 500.")] = 50,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1, description="Items to skip.")] = 0,
) -> Pagination:
    return Pagination(limit, offset)


PageDep = Annotated[Pagination, Depends(_pagination)]

ConventionId = Annotated[int, Path(description="The convention's id.")]


def id_filter(what: str) -> Any:
    """A query parameter naming an id to filter by (bounded, so no engine overflows)."""
    return Query(ge=1, le=2**31 - 1, description=f"Only {what}.")


async def _readable_convention(
    cid: ConventionId, principal: CurrentUser, session: SessionDep
) -> Convention:
    ensure_can_see_convention(principal, cid)
    return conventions.get(session, cid)


async def _convention_admin(cid: ConventionId, principal: CurrentUser) -> Principal:
    # A juror learns nothing about other conventions (404), and is refused its own (403).
    ensure_can_see_convention(principal, cid)
    if not principal.is_admin:
        raise Forbidden("Only the secretariat may do this.")
    return principal


ConventionAdmin = Annotated[Principal, Depends(_convention_admin)]


async def _admin_convention(
    cid: ConventionId, _admin: ConventionAdmin, session: SessionDep
) -> Convention:
    return conventions.get(session, cid)


ReadableConvention = Annotated[Convention, Depends(_readable_convention)]
AdminConvention = Annotated[Convention, Depends(_admin_convention)]


def created(response: Response, location: str) -> None:
    response.status_code = 201
    response.headers["Location"] = location


def is_admin(principal: Principal) -> bool:
    return principal.is_admin
