"""The web layer's dependencies: the request's session, the caller, pagination, and
load-or-404 of the convention; and what the routers share: a convention's router, uploads,
downloads. The core (``app.db``, ``app.security``, ``app.services``) knows nothing of FastAPI;
these aliases bind it to a request."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Protocol, TypeVar, overload

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.security import OAuth2PasswordBearer
from pydantic import BaseModel, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.db import SAFE_METHODS, Database
from app.errors import Forbidden, ValidationFailed
from app.models import Base, Convention
from app.routers.problems import problems as problems
from app.schemas import Page
from app.security import (
    PasswordGate,
    Principal,
    authenticate,
    ensure_can_see_convention,
    hash_password,
)
from app.services import conventions
from app.services.common import MAX_ID, get_in_convention

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


@overload
async def hashed(gate: PasswordGate, password: str) -> str: ...
@overload
async def hashed(gate: PasswordGate, password: str | None) -> str | None: ...
async def hashed(gate: PasswordGate, password: str | None) -> str | None:
    """The hash of a new ``password`` (None for none), made through the gate before the
    request's first statement: a transaction must not wait on a thread."""
    return None if password is None else await gate.run(hash_password, password)


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


def client_address(request: Request) -> str:
    """The caller's address, as the deployment's proxy settings define it (uvicorn's
    ``--forwarded-allow-ips``)."""
    return request.client.host if request.client else "unknown"


async def _public_url(request: Request) -> str:
    url: str = request.app.state.settings.effective_public_url
    return url


# The address printed in certificates' QR codes and verification links.
PublicUrl = Annotated[str, Depends(_public_url)]

CurrentUser = Annotated[Principal, Depends(current_principal)]
CurrentAdmin = Annotated[Principal, Depends(current_admin)]
CurrentStaff = Annotated[Principal, Depends(current_staff)]


M = TypeVar("M", bound=BaseModel)
Row = TypeVar("Row", bound=Base)
T = TypeVar("T")


# --- pagination and the convention --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pagination:
    limit: int
    offset: int

    def of(self, model: type[M], found: tuple[Iterable[Any], int]) -> Page[M]:
        """This page of what a service ``found`` (its items and their total), shown as
        ``model``."""
        items, total = found
        return page_of(model, items, total, self)


def _pagination(
    limit: Annotated[int, Query(ge=1, le=500, description="Page size, 1 to 500.")] = 50,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1, description="Items to skip.")] = 0,
) -> Pagination:
    return Pagination(limit, offset)


PageDep = Annotated[Pagination, Depends(_pagination)]


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

# A query parameter that filters by a value: absent or empty, it means "any".
Filter = Annotated[T | None, EmptyIsAbsent]


def only(what: str) -> Any:
    """The query parameter of a filter: only ``what``."""
    return Query(description=f"Only {what}.")


def id_query(description: str) -> Any:
    """A query parameter naming an id (bounded, so no engine overflows)."""
    return Query(ge=1, le=MAX_ID, description=description)


def id_filter(what: str) -> Any:
    """A query parameter naming an id to filter by: only ``what``."""
    return id_query(f"Only {what}.")


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


class Stored(Protocol):
    """A row the database gave an id."""

    @property
    def id(self) -> int: ...


@dataclass(frozen=True, slots=True)
class InConvention:
    """What a route of a convention works with: the convention, loaded once its caller was let
    in, that caller, and the request's session."""

    convention: Convention
    caller: Principal
    session: Session

    @property
    def cid(self) -> int:
        return self.convention.id

    def get(self, model: type[Row], item_id: int, what: str) -> Row:
        """The convention's ``model`` of id ``item_id``, or 404 (``what`` names it)."""
        return get_in_convention(self.session, model, self.cid, item_id, what)

    def created(self, response: Response, collection: str, out: type[M], row: Stored) -> M:
        """``row``, just made in the convention's ``collection``, shown as ``out``: the answer
        is 201 with its Location."""
        return created_as(response, item_url(self.cid, collection, row.id), out, row)


async def _managing(
    convention: AdminConvention, admin: ConventionAdmin, session: SessionDep
) -> InConvention:
    return InConvention(convention, admin, session)


async def _reading(
    convention: ReadableConvention, principal: CurrentUser, session: SessionDep
) -> InConvention:
    return InConvention(convention, principal, session)


# The convention of the path, for a caller that manages it (its ``admin`` or ``secretariat``)...
Managing = Annotated[InConvention, Depends(_managing)]
# ... or for any caller that may read it (a juror of it too).
Reading = Annotated[InConvention, Depends(_reading)]


# What any route of a convention may answer besides its own outcomes; writes may also meet a
# conflict (409) or send too much (413).
CONVENTION_PROBLEMS = problems(401, 403, 404, 422, 503)
WRITE_PROBLEMS = problems(409, 413)


def convention_router(tag: str, path: str = "") -> APIRouter:
    """The router of a convention's routes under ``/conventions/{cid}{path}``, tagged
    ``tag``: each may answer CONVENTION_PROBLEMS."""
    prefix = f"/conventions/{{cid}}{path}"
    return APIRouter(prefix=prefix, tags=[tag], responses=CONVENTION_PROBLEMS)


def created(response: Response, location: str) -> None:
    response.status_code = 201
    response.headers["Location"] = location


def created_as(response: Response, location: str, out: type[M], row: object) -> M:
    """``row``, just made, shown as ``out``: the answer is 201 with ``location``."""
    created(response, location)
    return out.model_validate(row)


def item_url(cid: int, collection: str, item_id: int) -> str:
    """The address of the item ``item_id`` of convention ``cid``'s ``collection``."""
    return f"/api/v1/conventions/{cid}/{collection}/{item_id}"


# --- files in and out --------------------------------------------------------------------


def is_multipart(request: Request) -> bool:
    return request.headers.get("content-type", "").startswith("multipart/form-data")


async def form_file(request: Request, *, max_fields: int, what: str) -> tuple[FormData, UploadFile]:
    """A multipart body's field ``file``, read after the caller was let in, with its form (to
    close once the file is read). A broken body, or one without that file, is 422."""
    try:
        form = await request.form(max_files=1, max_fields=max_fields)
    except StarletteHTTPException as exc:
        if exc.status_code != 400:
            raise
        raise ValidationFailed.field(["body"], f"not a valid multipart body: {exc.detail}") from exc
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        await form.close()
        msg = f"required: {what}" if upload is None else "must be a file"
        raise ValidationFailed.field(["body", "file"], msg)
    return form, upload


def file_answer(
    description: str, *media_types: str, binary: bool = False
) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` of a route whose 200 is a file of one of ``media_types`` (each a
    binary string when ``binary`` says so)."""
    return {
        200: {
            "content": {
                media_type: {"schema": {"type": "string", "format": "binary"}} if binary else {}
                for media_type in media_types
            },
            "description": description,
        }
    }


def disposition(filename: str, *, inline: bool = False) -> dict[str, str]:
    """The ``Content-Disposition`` of a file to save (``attachment``) or to show (``inline``)."""
    kind = "inline" if inline else "attachment"
    return {"Content-Disposition": f'{kind}; filename="{filename}"'}


def download(
    body: bytes,
    media_type: str,
    filename: str,
    *,
    inline: bool = False,
    headers: dict[str, str] | None = None,
) -> Response:
    """A file made whole before it is sent, named ``filename``."""
    return Response(
        body,
        media_type=media_type,
        headers={**disposition(filename, inline=inline), **(headers or {})},
    )
