"""Issue 13, defect 11, against ``konvensi serve`` itself: no ``server`` banner, the headers on
the wire, and the access log as JSON lines in the server's output, never with a token."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx

from tests.slow.conftest import Databases, client, login, ok
from tests.support.server import ADMIN, Server


def _access_lines(server: Server) -> list[dict[str, Any]]:
    lines = []
    for text in server.log_text().splitlines():
        if text.startswith("{"):
            lines.append(json.loads(text))
    return lines


def test_serve_sends_no_banner_and_logs_each_request_as_json(
    databases: Databases, servers: Callable[..., Server]
) -> None:
    server = servers(databases.new(), workers=2)
    token = login(server.url, *ADMIN)
    with client(server.url, token) as c:
        me = c.get("/api/v1/me?token=rahasia")
        assert ok(me)["username"] == ADMIN[0]
        assert me.headers["cache-control"] == "no-store"
    health = httpx.get(f"{server.url}/health")
    page = httpx.get(f"{server.url}/verify")
    missing = httpx.get(f"{server.url}/api/v1/conventions/999/results")
    for response in (me, health, page, missing):
        assert "server" not in response.headers, response.headers
        assert response.headers["x-content-type-options"] == "nosniff"
    assert missing.status_code == 404
    expected = [
        ("POST", "/api/v1/auth/token", 200),
        ("GET", "/api/v1/me", 200),
        ("GET", "/verify", 200),
        ("GET", "/api/v1/conventions/999/results", 404),
    ]
    # The line is written as the answer ends; the workers' output reaches the file soon after.
    deadline = time.monotonic() + 15
    while True:
        lines = _access_lines(server)
        seen = [(x["method"], x["path"], x["status"]) for x in lines]
        if all(e in seen for e in expected) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert all(e in seen for e in expected), seen
    assert all(x["client"] == "127.0.0.1" and x["duration_ms"] >= 0 for x in lines)
    output = server.log_text()
    for secret in (token, ADMIN[1], "rahasia", "Bearer"):
        assert secret not in output
