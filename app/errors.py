"""One error hierarchy, and the one handler that turns it into RFC 9457 problem details."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, ClassVar

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

log = logging.getLogger("konvensi")

PROBLEM_JSON = "application/problem+json"


class Problem(Exception):
    """An error the API answers with; ``type`` is ``/problems/<name>``."""

    status: ClassVar[int] = 500
    name: ClassVar[str] = "internal"
    title: ClassVar[str] = "Internal error"

    def __init__(
        self,
        detail: str,
        *,
        errors: Sequence[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = list(errors) if errors is not None else None
        self.headers = headers or {}
        self.extra = extra or {}


class ValidationFailed(Problem):
    status, name, title = 422, "validation", "Invalid input"

    @classmethod
    def field(cls, loc: Sequence[str | int], msg: str) -> ValidationFailed:
        """A 422 naming one field."""
        where = ".".join(str(part) for part in loc)
        return cls(f"{where}: {msg}", errors=[{"loc": list(loc), "msg": msg}])


class Unauthenticated(Problem):
    status, name, title = 401, "unauthenticated", "Not authenticated"

    def __init__(self, detail: str = "A valid bearer token is required.") -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(Problem):
    status, name, title = 403, "forbidden", "Forbidden"


class ConflictOfInterest(Problem):
    status, name, title = 403, "conflict-of-interest", "Conflict of interest"


class NotFound(Problem):
    status, name, title = 404, "not-found", "Not found"


class MethodNotAllowed(Problem):
    status, name, title = 405, "method-not-allowed", "Method not allowed"


class Duplicate(Problem):
    status, name, title = 409, "duplicate", "Already exists"


class InUse(Problem):
    status, name, title = 409, "in-use", "In use"


class ConventionState(Problem):
    status, name, title = 409, "convention-state", "Not allowed in the convention's status"


class SheetFinal(Problem):
    status, name, title = 409, "sheet-final", "Sheet already submitted"


class AlreadyDone(Problem):
    status, name, title = 409, "already-done", "Already done"


class PreconditionFailed(Problem):
    status, name, title = 412, "precondition-failed", "Precondition failed"


class TooLarge(Problem):
    status, name, title = 413, "too-large", "Request too large"


class RateLimited(Problem):
    status, name, title = 429, "rate-limited", "Too many requests"


class Unavailable(Problem):
    status, name, title = 503, "unavailable", "Service unavailable"


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
    return problem_response(
        exc.status,
        exc.name,
        exc.title,
        exc.detail,
        errors=exc.errors,
        headers=exc.headers,
        extra=exc.extra,
    )


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    errors = []
    for err in exc.errors():
        loc = [part for part in err.get("loc", ()) if isinstance(part, str | int)]
        msg = str(err.get("msg", "invalid"))
        errors.append({"loc": loc, "msg": msg})
    return errors


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
    async def _invalid(_request: Request, exc: RequestValidationError) -> Response:
        errors = _validation_errors(exc)
        return problem_response(
            422, "validation", "Invalid input", _describe(errors), errors=errors
        )

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
        return problem_response(
            500, "internal", "Internal error", "The server failed; the request changed nothing."
        )
