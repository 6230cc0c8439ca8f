"""The application: routers, error handlers, limits, and what it holds for its lifetime."""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import text
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import __version__, openapi
from app.config import Settings, get_settings, secret_key_problem
from app.db import Database, create_db_engine
from app.edge import Edge
from app.routers import (
    accounts,
    auth,
    awards,
    conventions,
    dashboard,
    entries,
    exports,
    imports,
    judging,
    jurors,
    objections,
    opds,
    pages,
    piagam,
    public,
    ranking,
    results_page,
    rubric,
    sheets,
    site,
    stages,
)
from app.routers.problems import install_error_handlers, problem_response, problems
from app.schemas.analysis import HealthOut
from app.security import PasswordGate
from app.services import imports as imports_service
from app.services import logos

API_PREFIX = "/api/v1"
IMPORT_PATH = re.compile(rf"^{API_PREFIX}/conventions/[^/]+/imports/[^/]+$")
LOGO_PATH = re.compile(rf"^{API_PREFIX}/conventions/[^/]+/logo$")

DESCRIPTION = """
Konvensi runs a regional innovation convention (*Konvensi Inovasi Daerah*): OPDs enter
innovations, jurors score them on tablets, the secretariat ranks them and issues awards,
certificates (*piagam*) and rewards.

**Log in** with `POST /api/v1/auth/token` (form fields `username`, `password`) and send
`Authorization: Bearer <access_token>`. Roles: `admin` (every convention), `secretariat` (the
admin's rights on its own conventions) and `juror`.

**Errors** are RFC 9457 problem details (`application/problem+json`) whose `type` is one of
`/problems/validation`, `unauthenticated`, `forbidden`, `conflict-of-interest`, `not-found`,
`method-not-allowed`, `duplicate`, `in-use`, `convention-state`, `sheet-final`,
`not-in-stage`, `incomplete`, `precondition-failed`, `too-large`, `unsupported-media-type`,
`rate-limited`, `unavailable`.

**Lists** take `?limit=` (1 to 500, default 50) and `?offset=`, and answer
`{"items", "total", "limit", "offset"}` ordered by id.

**Clients**: the operation ids are short and stable (`sheets-put_my_sheet`); a client generated
with `openapi-python-client` from `/openapi.json` runs a juror's whole flow (see the README).
"""


class BodyLimit:
    """Refuses request bodies over ``max_bytes`` with 413, declared or streamed; a path that
    matches one of ``wider`` (an import's file) has its own, larger limit."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, wider: Sequence[tuple[re.Pattern[str], int]] = ()
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.wider = [(path, max(limit, max_bytes)) for path, limit in wider]

    def limit(self, path: str) -> int:
        for pattern, limit in self.wider:
            if pattern.match(path):
                return limit
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.limit(scope["path"]) if self.wider else self.max_bytes
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > max_bytes:
                    response = problem_response(
                        413,
                        "too-large",
                        "Request too large",
                        f"The body may be at most {max_bytes} bytes.",
                    )
                    await response(scope, receive, send)
                    return
                break
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise StarletteHTTPException(413, f"The body may be at most {max_bytes} bytes.")
            return message

        await self.app(scope, limited_receive, send)


def _secret_key(settings: Settings, demo: bool) -> str:
    if settings.secret_key is not None and settings.secret_key.get_secret_value():
        key = settings.secret_key.get_secret_value()
        if (problem := secret_key_problem(key)) is not None:
            raise RuntimeError(problem)
        return key
    if demo:
        return secrets.token_urlsafe(32)
    raise RuntimeError("KONVENSI_SECRET_KEY is not set")


def create_app(
    settings: Settings | None = None, *, db: Database | None = None, demo: bool = False
) -> FastAPI:
    """Build the application. ``db`` lets tests hand in a database bound to their transaction."""
    settings = settings or get_settings()
    owns_db = db is None
    if db is None:
        db = Database(
            create_db_engine(
                settings.database_url,
                pool_size=settings.db_pool_size,
                max_overflow=settings.db_max_overflow,
                pool_timeout=settings.db_pool_timeout,
                busy_timeout_ms=settings.sqlite_busy_timeout_ms,
                statement_timeout_ms=settings.db_statement_timeout_ms,
            )
        )
    database = db

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if owns_db:  # a database handed in belongs to the caller
            database.dispose()

    app = FastAPI(
        lifespan=lifespan,
        # Served by app.routers.site from vendored assets: a venue may have no internet.
        docs_url=None,
        redoc_url=None,
        generate_unique_id_function=openapi.operation_id,
        title="Konvensi",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=[
            {"name": "auth", "description": "Logging in and out, and one's own password."},
            {"name": "accounts", "description": "Admin and secretariat accounts."},
            {"name": "conventions", "description": "Conventions and their status."},
            {"name": "rubric", "description": "Criteria and panels."},
            {"name": "opds", "description": "Government units (OPD)."},
            {"name": "entries", "description": "Innovations and their innovators."},
            {"name": "jurors", "description": "Jurors' accounts, panels and conflicts."},
            {"name": "imports", "description": "OPDs, entries and jurors from a CSV or XLSX."},
            {"name": "stages", "description": "Stages of judging: rounds, screening, advancing."},
            {"name": "sheets", "description": "Score sheets, written from juror tablets."},
            {"name": "judging", "description": "Progress, recusals, assignments, audit log."},
            {"name": "ranking", "description": "Rankings (docs/scoring.md) and published results."},
            {"name": "objections", "description": "The objection window (masa sanggah)."},
            {"name": "awards", "description": "Awards, certificates (piagam) and rewards."},
            {"name": "exports", "description": "CSV, XLSX and ZIP downloads for the secretariat."},
            {"name": "public", "description": "Published results and certificate checks."},
        ],
    )
    app.state.settings = settings
    app.state.db = db
    app.state.secret_key = _secret_key(settings, demo)
    app.state.password_gate = PasswordGate(
        settings.password_concurrency, settings.password_queue, settings.password_wait_seconds
    )
    install_error_handlers(app)

    @app.get(
        "/health",
        tags=["health"],
        responses={200: {"model": HealthOut}, **problems(503, s503="The database is down")},
    )
    async def read_health() -> Any:
        """`{"status": "ok"}` when the database answers; 503 otherwise. No auth."""
        try:
            with db.lookup() as session:
                session.execute(text("SELECT 1"))
        except Exception:
            return problem_response(
                503, "unavailable", "Service unavailable", "The database is not answering."
            )
        return JSONResponse({"status": "ok"})

    # Sheets first: its PUT is the hot path, and routes are matched in order.
    for module in (
        sheets,
        auth,
        accounts,
        conventions,
        rubric,
        stages,
        opds,
        entries,
        jurors,
        imports,
        judging,
        ranking,
        objections,
        piagam,
        awards,
        exports,
        public,
    ):
        app.include_router(module.router, prefix=API_PREFIX)
    # Outside /api/v1: the page a certificate's QR code opens (paper outlives API versions).
    app.include_router(pages.router)
    app.include_router(dashboard.router)
    app.include_router(site.router)
    app.include_router(results_page.router)

    app.add_middleware(
        BodyLimit,
        max_bytes=settings.max_body_bytes,
        # An import's file and a logo, with room for the multipart framing around them.
        wider=[
            (IMPORT_PATH, imports_service.MAX_BYTES + 64 * 1024),
            (LOGO_PATH, logos.MAX_BYTES + 64 * 1024),
        ],
    )
    # Outermost: every answer, the 413s above included, gets its headers and log line.
    app.add_middleware(Edge)
    openapi.install(app)
    return app
