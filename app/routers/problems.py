"""The one handler set that turns every error into RFC 9457 problem details
(``application/problem+json``), and the OpenAPI text of those answers."""

from __future__ import annotations

import logging
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from app.edge import FALLBACK_HEADERS
from app.errors import (
    PROBLEM_JSON,
    Duplicate,
    Forbidden,
    InUse,
    MethodNotAllowed,
    NotFound,
    Problem,
    RateLimited,
    TooLarge,
    Unauthenticated,
    Unavailable,
    ValidationFailed,
)

log = logging.getLogger("konvensi")


def problem_response(
    status: int,
    name: str,
    title: str,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": f"/problems/{name}",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    if extra:
        body.update(extra)
    return Response(
        orjson.dumps(body), status_code=status, media_type=PROBLEM_JSON, headers=headers
    )


def _from_problem(exc: Problem) -> Response:
    return Response(
        orjson.dumps(exc.body()),
        status_code=exc.status,
        media_type=PROBLEM_JSON,
        headers=exc.headers,
    )


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    errors = []
    for err in exc.errors():
        loc = [part for part in err.get("loc", ()) if isinstance(part, str | int)]
        msg = str(err.get("msg", "invalid"))
        errors.append({"loc": loc, "msg": msg})
    return errors


def _body_model(request: Request) -> Any:
    route = request.scope.get("route")
    field = getattr(route, "body_field", None)
    return getattr(getattr(field, "field_info", None), "annotation", None)


def _missing_body_fields(request: Request, errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A request with no body at all names the body's required fields, not just ``body``."""
    if not any(err["loc"] == ["body"] and err["msg"] == "Field required" for err in errors):
        return errors
    fields = getattr(_body_model(request), "model_fields", None) or {}
    required = [name for name, info in fields.items() if info.is_required()]
    if not required:
        return errors
    named = [{"loc": ["body", name], "msg": "Field required"} for name in required]
    return [err for err in errors if err["loc"] != ["body"]] + named


def _json_sent_to_a_form(request: Request) -> bool:
    route = request.scope.get("route")
    field = getattr(route, "body_field", None)
    is_form = field is not None and type(field.field_info).__name__ == "Form"
    content_type = request.headers.get("content-type", "")
    return is_form and content_type.split(";")[0].strip().lower().endswith("json")


def _describe(errors: list[dict[str, Any]]) -> str:
    parts = []
    for err in errors[:5]:
        where = ".".join(str(p) for p in err["loc"] if p not in ("body", "query", "path"))
        parts.append(f"{where or 'body'}: {err['msg']}")
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return "; ".join(parts) + more


def _violated(exc: IntegrityError) -> str | None:
    """``unique`` or ``foreign-key``, from PostgreSQL's SQLSTATE or SQLite's error name."""
    sqlstate = getattr(exc.orig, "sqlstate", None)
    name = getattr(exc.orig, "sqlite_errorname", None)
    if sqlstate == "23505" or name in ("SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"):
        return "unique"
    if sqlstate == "23503" or name == "SQLITE_CONSTRAINT_FOREIGNKEY":
        return "foreign-key"
    return None


_HTTP_NAMES: dict[int, type[Problem]] = {
    400: ValidationFailed,
    401: Unauthenticated,
    403: Forbidden,
    404: NotFound,
    405: MethodNotAllowed,
    413: TooLarge,
    429: RateLimited,
    503: Unavailable,
}


def install_error_handlers(app: FastAPI) -> None:
    """Every error leaves the service as ``application/problem+json``."""

    @app.exception_handler(Problem)
    async def _problem(_request: Request, exc: Problem) -> Response:
        return _from_problem(exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = _missing_body_fields(request, _validation_errors(exc))
        detail = _describe(errors)
        if _json_sent_to_a_form(request):
            detail = (
                "send form fields (application/x-www-form-urlencoded), not JSON: "
                "username=...&password=... (the OAuth2 password flow); " + detail
            )
        return problem_response(422, "validation", "Invalid input", detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> Response:
        kind = _HTTP_NAMES.get(exc.status_code)
        if exc.status_code == 400:
            # FastAPI answers 400 for a body it cannot parse at all (nesting too deep, bad
            # encoding); for a client that is invalid input like any other.
            return problem_response(
                422,
                "validation",
                "Invalid input",
                "body: not a valid JSON document",
                errors=[{"loc": ["body"], "msg": "not a valid JSON document"}],
            )
        if kind is None:
            return problem_response(
                exc.status_code,
                "http",
                "HTTP error",
                str(exc.detail),
                headers=dict(exc.headers or {}),
            )
        detail = str(exc.detail)
        if exc.status_code == 404 and detail == "Not Found":
            detail = "No such resource."
        headers = dict(exc.headers or {})
        if exc.status_code == 401:
            headers.setdefault("WWW-Authenticate", "Bearer")
        return problem_response(kind.status, kind.name, kind.title, detail, headers=headers)

    @app.exception_handler(PoolTimeoutError)
    async def _pool(_request: Request, exc: PoolTimeoutError) -> Response:
        log.warning("database pool exhausted: %s", exc)
        return problem_response(
            503,
            "unavailable",
            "Service unavailable",
            "The database is busy; retry shortly.",
            headers={"Retry-After": "1"},
        )

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> Response:
        # The services check first; this is a concurrent request that won the race between
        # that check and the write.
        violated = _violated(exc)
        log.info("integrity error (%s): %s", violated, exc.orig)
        if violated == "unique":
            return _from_problem(Duplicate("It already exists (created at the same moment)."))
        if violated == "foreign-key" and request.method == "DELETE":
            return _from_problem(InUse("Something refers to it; nothing was deleted."))
        if violated == "foreign-key":
            return _from_problem(
                ValidationFailed(
                    "body: refers to something that no longer exists",
                    errors=[{"loc": ["body"], "msg": "refers to something that no longer exists"}],
                )
            )
        log.exception("database integrity error")
        return problem_response(
            500, "internal", "Internal error", "The server failed; the request changed nothing."
        )

    @app.exception_handler(DBAPIError)
    async def _db(_request: Request, exc: DBAPIError) -> Response:
        if isinstance(exc, OperationalError) or exc.connection_invalidated:
            log.warning("database unavailable: %s", exc.orig)
            return problem_response(
                503,
                "unavailable",
                "Service unavailable",
                "The database is not answering; retry shortly.",
                headers={"Retry-After": "1"},
            )
        log.exception("database error")
        return problem_response(
            500, "internal", "Internal error", "The server failed; the request changed nothing."
        )

    @app.exception_handler(Exception)
    async def _crash(_request: Request, exc: Exception) -> Response:
        log.exception("unhandled error", exc_info=exc)
        # Sent from outside every middleware (Starlette's ServerErrorMiddleware): its headers
        # are set here.
        return problem_response(
            500,
            "internal",
            "Internal error",
            "The server failed; the request changed nothing.",
            headers=dict(FALLBACK_HEADERS),
        )


# --- OpenAPI: what a route's problem answers mean ----------------------------------------

_PROBLEM_DESCRIPTIONS = {
    401: "`unauthenticated`: no token, or one that is expired, tampered or revoked",
    403: "`forbidden` (not allowed to the caller's role) or `conflict-of-interest`",
    404: "`not-found`: an unknown id, or one of another convention",
    405: "`method-not-allowed`",
    409: "`duplicate`, `in-use`, `convention-state`, `sheet-final`, `not-in-stage` or "
    "`incomplete` (with `entry_ids`)",
    412: "`precondition-failed`: `If-Match` is not the current ETag",
    413: "`too-large`: the body is over the size limit",
    415: "`unsupported-media-type`: the file is not of an accepted type",
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
