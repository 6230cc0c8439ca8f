"""Issue 6, production: workers are stateless. Two workers share one database (PostgreSQL and
SQLite) and give the same answers whichever of them a request reaches.

Each worker is its own ``konvensi serve --workers 1`` on its own port, as behind a proxy on
several hosts, so that the test knows which worker answered (the workers of one ``serve``
share a socket and the kernel picks).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.slow.conftest import (
    JUROR_PASSWORD,
    Convention,
    Databases,
    attempt,
    client,
    ok,
    seed_convention,
)
from tests.support.server import Server

PER_USERNAME = 10  # the service's default
PER_ADDRESS = 12


@pytest.fixture(scope="module")
def pair(
    databases: Databases, module_servers: Callable[..., Server]
) -> tuple[Server, Server, Convention]:
    url = databases.new()
    # A deployment's own per-address limit (the default, 100, is for a venue behind one NAT).
    env = {"KONVENSI_LOGIN_MAX_FAILURES_PER_ADDRESS": str(PER_ADDRESS)}
    a = module_servers(url, workers=1, env=env)
    b = module_servers(url, workers=1, env=env)
    return a, b, seed_convention(a.url, entries=2, jurors=4)


def test_token_issued_by_one_worker_works_on_the_other(
    pair: tuple[Server, Server, Convention],
) -> None:
    a, b, conv = pair
    juror = conv.jurors[0]
    token = ok(attempt(a.url, juror.username, JUROR_PASSWORD, "10.1.0.1"))["access_token"]
    with client(b.url, token) as c:
        assert ok(c.get("/api/v1/me"))["username"] == juror.username
        written = ok(c.put(conv.sheet_url(conv.entry_ids[0]), json={"scores": {}}))
    with client(a.url, token) as c:
        assert ok(c.get(conv.sheet_url(conv.entry_ids[0]))) == written


def test_failed_logins_spread_over_workers_are_counted_together(
    pair: tuple[Server, Server, Convention],
) -> None:
    a, b, conv = pair
    # Per username from one address: 10 failures, alternating workers.
    victim = conv.jurors[1].username
    for n in range(PER_USERNAME):
        response = attempt((a, b)[n % 2].url, victim, "wrong-password", "10.2.0.1")
        assert response.status_code == 401, response.text
    for server in (a, b):
        refused = attempt(server.url, victim, JUROR_PASSWORD, "10.2.0.1")
        assert refused.status_code == 429, refused.text
        assert refused.json()["type"] == "/problems/rate-limited"
        assert int(refused.headers["Retry-After"]) >= 1
    # The victim is not locked out: from its own address it logs in, on either worker.
    for server in (a, b):
        ok(attempt(server.url, victim, JUROR_PASSWORD, "10.2.1.1"))
    # Per address: failures for as many usernames from one address, alternating workers.
    for n in range(PER_ADDRESS):
        response = attempt((b, a)[n % 2].url, f"nobody{n}", "wrong-password", "10.3.0.1")
        assert response.status_code == 401, response.text
    for server in (a, b):
        refused = attempt(server.url, conv.jurors[2].username, JUROR_PASSWORD, "10.3.0.1")
        assert refused.status_code == 429, refused.text
    # Others are not affected, on either worker.
    for server in (a, b):
        ok(attempt(server.url, conv.jurors[2].username, JUROR_PASSWORD, "10.3.0.2"))


def test_deleted_juror_token_is_refused_by_both_workers(
    pair: tuple[Server, Server, Convention],
) -> None:
    a, b, conv = pair
    juror = conv.jurors[3]
    for server in (a, b):
        with client(server.url, juror.token) as c:
            ok(c.get("/api/v1/me"))
    with client(a.url, conv.admin_token) as admin:
        assert admin.delete(conv.url(f"/jurors/{juror.id}")).status_code == 204
    for server in (a, b):
        with client(server.url, juror.token) as c:
            refused = c.get("/api/v1/me")
        assert refused.status_code == 401, refused.text
        assert refused.headers["WWW-Authenticate"] == "Bearer"


def test_password_change_and_status_move_seen_by_both_workers(
    pair: tuple[Server, Server, Convention],
) -> None:
    a, b, conv = pair
    juror = conv.jurors[0]
    old = ok(attempt(b.url, juror.username, JUROR_PASSWORD, "10.4.0.1"))["access_token"]
    with client(b.url, conv.admin_token) as admin:
        ok(admin.patch(conv.url(f"/jurors/{juror.id}"), json={"password": "new-password-456"}))
    for server in (a, b):
        with client(server.url, old) as c:
            assert c.get("/api/v1/me").status_code == 401
        ok(attempt(server.url, juror.username, "new-password-456", "10.4.0.2"))
    new = ok(attempt(a.url, juror.username, "new-password-456", "10.4.0.3"))["access_token"]
    # The convention closes on one worker; the other refuses sheets at once.
    with client(a.url, conv.admin_token) as admin:
        ok(admin.patch(conv.url(), json={"status": "closed"}))
    with client(b.url, new) as c:
        refused = c.put(conv.sheet_url(conv.entry_ids[1]), json={"scores": {}})
    assert refused.status_code == 409, refused.text
    assert refused.json()["type"] == "/problems/convention-state"
