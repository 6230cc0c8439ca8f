"""What every answer gets on its way out, whatever route made it: the headers a browser and a
cache need, and one line in the access log.

- ``X-Content-Type-Options: nosniff`` on every answer (pages, static files, PDFs, problems);
- ``Cache-Control: no-store`` on the token answer and on every JSON answer to a request that
  carries ``Authorization`` (and on any other such answer that sets no caching of its own):
  nothing a caller is shown with a token stays in a shared or browser cache;
- one JSON line per request on the ``konvensi.access`` logger: time, method, path (never the
  query string, where a client could put a secret), status, duration in ms and client address
  (as uvicorn's proxy settings define it); never a header, so never a token. ``konvensi serve``
  turns it on (``log_config``); in code and tests it stays silent unless logging is set up.
"""

from __future__ import annotations

import copy
import json
import logging
import time
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("konvensi.access")

TOKEN_PATH = "/api/v1/auth/token"
NOSNIFF = (b"x-content-type-options", b"nosniff")
NO_STORE = (b"cache-control", b"no-store")
# The headers of an answer made outside this middleware (the 500 of an unhandled error).
FALLBACK_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}
MAX_LOGGED_PATH = 512


def _is_json(headers: list[tuple[bytes, bytes]]) -> bool:
    for name, value in headers:
        if name == b"content-type":
            media_type = value.split(b";")[0].strip().lower()
            return media_type == b"application/json" or media_type.endswith(b"+json")
    return False


def _harden(headers: list[tuple[bytes, bytes]], private: bool) -> list[tuple[bytes, bytes]]:
    names = {name.lower() for name, _ in headers}
    out = list(headers)
    if b"x-content-type-options" not in names:
        out.append(NOSNIFF)
    if private and (b"cache-control" not in names or _is_json(headers)):
        out = [(name, value) for name, value in out if name.lower() != b"cache-control"]
        out.append(NO_STORE)
    return out


def _line(scope: Scope, status: int, started: float) -> str:
    client = scope.get("client")
    return json.dumps(
        {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "method": scope.get("method", ""),
            "path": scope.get("path", "")[:MAX_LOGGED_PATH],
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "client": client[0] if client else None,
        },
        separators=(",", ":"),
    )


class Edge:
    """The outermost middleware: headers on every answer, and the access log line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        private = scope.get("path") == TOKEN_PATH or any(
            name == b"authorization" for name, _ in scope["headers"]
        )
        status = 500  # unless an answer starts: an error that escapes is the server's 500

        async def edge_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = _harden(list(message.get("headers", [])), private)
            await send(message)

        try:
            await self.app(scope, receive, edge_send)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                access_log.info(_line(scope, status, started))


def log_config() -> dict[str, Any]:
    """uvicorn's logging with the access log as JSON lines on stdout (uvicorn's own access log
    is off) and the service's other messages (``konvensi``) on stderr."""
    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["konvensi"] = {
        "()": "uvicorn.logging.DefaultFormatter",
        "fmt": "%(levelprefix)s %(name)s: %(message)s",
        "use_colors": False,
    }
    config["formatters"]["konvensi.access"] = {"format": "%(message)s"}
    config["handlers"]["konvensi"] = {
        "class": "logging.StreamHandler",
        "formatter": "konvensi",
        "stream": "ext://sys.stderr",
    }
    config["handlers"]["konvensi.access"] = {
        "class": "logging.StreamHandler",
        "formatter": "konvensi.access",
        "stream": "ext://sys.stdout",
    }
    config["loggers"]["konvensi"] = {"handlers": ["konvensi"], "level": "INFO", "propagate": False}
    config["loggers"]["konvensi.access"] = {
        "handlers": ["konvensi.access"],
        "level": "INFO",
        "propagate": False,
    }
    return config
