"""The web layer's dependencies: the request's session, the caller, pagination, and
load-or-404 of the convention. The core (``app.db``, ``app.security``, ``app.services``)
knows nothing of FastAPI; these aliases bind it to a request."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Path, Query, Request, Response
from fastapi.security import OAuth2PasswordBearer
from pydantic import BaseModel, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema
from sqlalchemy.orm import Session

from app.db import SAFE_METHODS, Database
from app.errors import Forbidden
from app.models import Convention
from app.routers.problems import problems as problems
from app.schemas import Page
from app.security import PasswordGate, Principal, authenticate, ensure_can_see_convention
from app.services import conventions

# --- the database and the caller -----------------------------------------------------------


async def get_database(request: Request) -> Database:
    # async: a ``def`` dependency would cost every authenticated request a threadpool hop.
    db: Database = request.app.state.db
    return db


async def _request_session(request: Request) -> AsyncIterator[Session]:
    """One transaction per request, committed before the response is sent (function scope:
    a failing commit can never become a 200)."""
    db: Database = request.app.state.db
    session = db.session(write=request.method not in SAFE_METHODS)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(_request_session, scope="function")]
DatabaseDep = Annotated[Database, Depends(get_database)]


async def _password_gate(request: Request) -> PasswordGate:
    gate: PasswordGate = request.app.state.password_gate
    return gate


# Every password hash or check of a request goes through it (app.security.PasswordGate).
PasswordGateDep = Annotated[PasswordGate, Depends(_password_gate)]

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer`` header, as OAuth2PasswordBearer reads it."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token if scheme.lower() == "bearer" and token else None


async def current_principal(
    request: Request, db: DatabaseDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> Principal:
    return authenticate(db, token, request.app.state.secret_key)


async def current_admin(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    """An ``admin``: conventions and accounts themselves are its alone."""
    if not principal.is_admin:
        raise Forbidden("Only an admin may do this.")
    return principal


async def current_staff(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    """An ``admin`` or a ``secretariat`` (each then sees the conventions it manages)."""
    if principal.is_juror:
        raise Forbidden("Only the secretariat may do this.")
    return principal


CurrentUser = Annotated[Principal, Depends(current_principal)]
CurrentAdmin = Annotated[Principal, Depends(current_admin)]
CurrentStaff = Annotated[Principal, Depends(current_staff)]


# --- pagination and the convention --------------------------------------------------------


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


class _EmptyIsAbsent:
    """``?kind=`` (empty) means "any", as a form or a hand-built URL sends it; the OpenAPI
    schema says so (the empty string is one of the parameter's values)."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(
            lambda value: None if value == "" else value, handler(source)
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        empty = {"type": "string", "maxLength": 0}
        inner = dict(handler(schema))
        if "anyOf" in inner:
            return {**inner, "anyOf": [*inner["anyOf"], empty]}
        return {"anyOf": [inner, empty]}


EmptyIsAbsent = _EmptyIsAbsent()


def id_filter(what: str) -> Any:
    """A query parameter naming an id to filter by (bounded, so no engine overflows)."""
    return Query(ge=1, le=2**31 - 1, description=f"Only {what}.")


async def _readable_convention(
    cid: ConventionId, principal: CurrentUser, session: SessionDep
) -> Convention:
    ensure_can_see_convention(principal, cid)
    return conventions.get(session, cid)


async def _convention_admin(cid: ConventionId, principal: CurrentUser) -> Principal:
    """The admin of this convention: an ``admin``, or a ``secretariat`` that manages it.

    A juror or a secretariat learns nothing about conventions that are not theirs (404, as if
    unknown); a juror is refused its own (403)."""
    ensure_can_see_convention(principal, cid)
    if not principal.manages(cid):
        raise Forbidden("Only the secretariat may do this.")
    return principal


ConventionAdmin = Annotated[Principal, Depends(_convention_admin)]


async def _admin_convention(
    cid: ConventionId, _admin: ConventionAdmin, session: SessionDep
) -> Convention:
    return conventions.get(session, cid)


ReadableConvention = Annotated[Convention, Depends(_readable_convention)]
AdminConvention = Annotated[Convention, Depends(_admin_convention)]


# What any route of a convention may answer besides its own outcomes; writes may also meet a
# conflict (409) or send too much (413).
CONVENTION_PROBLEMS = problems(401, 403, 404, 422, 503)
WRITE_PROBLEMS = problems(409, 413)


def created(response: Response, location: str) -> None:
    response.status_code = 201
    response.headers["Location"] = location
