"""Dependencies shared by the routers: pagination and load-or-404 of the convention."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Path, Query, Response
from pydantic import BaseModel, BeforeValidator

from app.db import SessionDep
from app.errors import PROBLEM_JSON, Forbidden
from app.models import Convention
from app.schemas import Page
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

M = TypeVar("M", bound=BaseModel)


def page_of(model: type[M], items: Iterable[Any], total: int, page: Pagination) -> Page[M]:
    """A page of ``items`` (ORM rows or dicts) shown as ``model``."""
    return Page[model](  # type: ignore[valid-type]
        items=[model.model_validate(item) for item in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


ConventionId = Annotated[int, Path(description="The convention's id.")]


def _empty_as_absent(value: Any) -> Any:
    return None if value == "" else value


# ``?kind=`` (empty) means "any", as a form or a hand-built URL sends it.
EmptyIsAbsent = BeforeValidator(_empty_as_absent)


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


_PROBLEM_DESCRIPTIONS = {
    401: "`unauthenticated`: no token, or one that is expired, tampered or revoked",
    403: "`forbidden` (not allowed to the caller's role) or `conflict-of-interest`",
    404: "`not-found`: an unknown id, or one of another convention",
    405: "`method-not-allowed`",
    409: "`duplicate`, `in-use`, `convention-state`, `sheet-final` or `already-done`",
    412: "`precondition-failed`: `If-Match` is not the current ETag",
    413: "`too-large`: the body is over the size limit",
    422: "`validation`: `errors` names each faulty field",
    429: "`rate-limited`: see `Retry-After`",
    503: "`unavailable`: the database is not answering; retry after `Retry-After`",
}


def problems(*statuses: int, **descriptions: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for problem+json answers (the schema is ``Problem``).

    ``descriptions`` override the generic text, keyed ``s409="..."``.
    """
    return {
        status: {
            "description": descriptions.get(f"s{status}", _PROBLEM_DESCRIPTIONS[status]),
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }


# What any route of a convention may answer besides its own outcomes; writes may also meet a
# conflict (409) or send too much (413).
CONVENTION_PROBLEMS = problems(401, 403, 404, 422, 503)
WRITE_PROBLEMS = problems(409, 413)


def created(response: Response, location: str) -> None:
    response.status_code = 201
    response.headers["Location"] = location


def is_admin(principal: Principal) -> bool:
    return principal.is_admin
