"""Issue 3: one juror's sheet written from many tablets at once, against a real server.

Two worker processes share the database, so the races are between processes as well as
connections. Each test proves, on SQLite and on PostgreSQL, that exactly one version wins
each race and that no write that got a 200 is lost.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.slow.conftest import (
    Convention,
    Databases,
    audit_of,
    client,
    ok,
    seed_convention,
    sheet_view,
)
from tests.support.server import Server

TABLETS = 8
ROUNDS = 10
FIRST_WRITE_ROUNDS = 4


@pytest.fixture(scope="module")
def judging(
    databases: Databases, module_servers: Callable[..., Server]
) -> tuple[Server, Convention]:
    """One server (2 workers) per engine; each test races on entries of its own."""
    server = module_servers(databases.new(), workers=2)
    return server, seed_convention(server.url, entries=2 + 2 * FIRST_WRITE_ROUNDS, jurors=1)


@pytest.fixture
def tablets(judging: tuple[Server, Convention]) -> Iterator[list[httpx.Client]]:
    """One connection per tablet, all of the same juror, opened before any race."""
    server, convention = judging
    clients = [client(server.url, convention.jurors[0].token) for _ in range(TABLETS)]
    for c in clients:
        ok(c.get("/health"))
    try:
        yield clients
    finally:
        for c in clients:
            c.close()


def race(
    tablets: list[httpx.Client],
    url: str,
    bodies: list[dict[str, Any]],
    headers: dict[str, str] | None = None,
) -> list[httpx.Response]:
    """Tablet ``i`` PUTs ``bodies[i]``; a barrier releases them all at the same moment."""
    barrier = threading.Barrier(len(tablets))

    def one(i: int) -> httpx.Response:
        barrier.wait(timeout=30)
        return tablets[i].put(url, json=bodies[i], headers=headers)

    with ThreadPoolExecutor(len(tablets)) as pool:
        return list(pool.map(one, range(len(tablets))))


def body(codes: list[str], tablet: int, n: int) -> dict[str, Any]:
    """A draft body unique to (tablet, n)."""
    return {
        "scores": {codes[0]: tablet % 11, codes[1]: (n % 20) / 2},
        "comment": f"tablet {tablet}, write {n}",
    }


def no_server_error(responses: list[httpx.Response]) -> None:
    errors = [(r.status_code, r.text) for r in responses if r.status_code >= 500]
    assert not errors, errors


def test_race_with_if_match_has_exactly_one_winner_per_round(
    judging: tuple[Server, Convention], tablets: list[httpx.Client]
) -> None:
    server, conv = judging
    entry = conv.entry_ids[0]
    first = ok(tablets[0].put(conv.sheet_url(entry), json=body(conv.codes, 0, 0)))
    version = first["version"]
    for round_ in range(1, ROUNDS + 1):
        bodies = [body(conv.codes, i, round_) for i in range(TABLETS)]
        responses = race(
            tablets, conv.sheet_url(entry), bodies, headers={"If-Match": f'"{version}"'}
        )
        no_server_error(responses)
        winners = [i for i, r in enumerate(responses) if r.status_code == 200]
        assert len(winners) == 1, [r.status_code for r in responses]
        losers = [r for r in responses if r.status_code != 200]
        assert all(r.status_code == 412 for r in losers), [r.text for r in losers]
        assert all(r.json()["type"] == "/problems/precondition-failed" for r in losers)
        won = responses[winners[0]]
        assert won.json()["version"] == version + 1
        assert won.headers["etag"] == f'"{version + 1}"'
        stored = tablets[0].get(conv.sheet_url(entry))
        assert sheet_view(ok(stored)) == sheet_view(won.json())
        assert ok(stored)["comment"] == bodies[winners[0]]["comment"]
        version += 1
    # One audited write per version: no loser wrote anything.
    events = audit_of(server.url, conv, conv.jurors[0].id, entry)
    assert [e["after"]["version"] for e in events] == list(range(1, ROUNDS + 2))


def test_race_without_if_match_applies_every_acknowledged_write_in_turn(
    judging: tuple[Server, Convention], tablets: list[httpx.Client]
) -> None:
    server, conv = judging
    entry = conv.entry_ids[1]
    writes = 6

    def burst(i: int, c: httpx.Client) -> list[httpx.Response]:
        return [c.put(conv.sheet_url(entry), json=body(conv.codes, i, n)) for n in range(writes)]

    barrier = threading.Barrier(TABLETS)

    def one(i: int) -> list[httpx.Response]:
        barrier.wait(timeout=30)
        return burst(i, tablets[i])

    with ThreadPoolExecutor(TABLETS) as pool:
        responses = [r for rs in pool.map(one, range(TABLETS)) for r in rs]
    no_server_error(responses)
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    acked = {r.json()["version"]: sheet_view(r.json()) for r in responses}
    # Versions strictly increase with no gap and no repeat: every write got its own version.
    assert sorted(acked) == list(range(1, TABLETS * writes + 1))
    stored = ok(tablets[0].get(conv.sheet_url(entry)))
    assert sheet_view(stored) == acked[max(acked)]
    # Each acknowledged version is the one that was stored at that version: none was lost.
    events = audit_of(server.url, conv, conv.jurors[0].id, entry)
    assert len(events) == len(acked)
    for event in events:
        assert sheet_view(event["after"]) == acked[event["after"]["version"]]


def test_race_on_first_write_creates_version_one_once(
    judging: tuple[Server, Convention], tablets: list[httpx.Client]
) -> None:
    _server, conv = judging
    fresh = iter(conv.entry_ids[2:])
    for round_ in range(FIRST_WRITE_ROUNDS):
        # Different bodies: one creates version 1, the others follow it one by one.
        entry = next(fresh)
        bodies = [body(conv.codes, i, round_) for i in range(TABLETS)]
        responses = race(tablets, conv.sheet_url(entry), bodies)
        no_server_error(responses)
        assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
        versions = sorted(r.json()["version"] for r in responses)
        assert versions == list(range(1, TABLETS + 1))
        top = max(responses, key=lambda r: r.json()["version"])
        assert sheet_view(ok(tablets[0].get(conv.sheet_url(entry)))) == sheet_view(top.json())

        # The same body from every tablet (a blind retry): one write, version 1 for all.
        entry = next(fresh)
        responses = race(tablets, conv.sheet_url(entry), [body(conv.codes, 99, round_)] * TABLETS)
        no_server_error(responses)
        assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
        assert {r.json()["version"] for r in responses} == {1}
        assert len({r.json()["updated_at"] for r in responses}) == 1


# --- issuing once: results and awards ------------------------------------------------------

CALLERS = 8


def _all_at_once(url: str, token: str, method: str, path: str, body: Any = None) -> list[Any]:
    """``CALLERS`` identical requests released together, each on its own connection."""
    clients = [client(url, token) for _ in range(CALLERS)]
    for c in clients:
        ok(c.get("/health"))
    barrier = threading.Barrier(CALLERS)

    def one(c: httpx.Client) -> httpx.Response:
        barrier.wait()
        return c.request(method, path, json=body)

    try:
        with ThreadPoolExecutor(CALLERS) as pool:
            return list(pool.map(one, clients))
    finally:
        for c in clients:
            c.close()


def test_concurrent_publish_and_awards_issue_exactly_once(
    databases: Databases, module_servers: Callable[..., Server]
) -> None:
    """Defect 7 of issue 13: on PostgreSQL, concurrent POST …/awards answered 201, a 409
    duplicate and 200s. Now: one 201 and the rest 200 for awards (no duplicate number or
    code); one 201 and the rest 409 `duplicate` for results."""
    server = module_servers(databases.new(), workers=2)
    convention = seed_convention(server.url, entries=4, jurors=2)
    full = dict.fromkeys(convention.codes, 8)
    for juror in convention.jurors:
        with client(server.url, juror.token) as c:
            for n, entry_id in enumerate(convention.entry_ids):
                scores = {**full, convention.codes[0]: 9 - n}
                ok(c.put(convention.sheet_url(entry_id), json={"scores": scores, "submit": True}))
    with client(server.url, convention.admin_token) as c:
        ok(c.patch(convention.url(), json={"status": "closed"}))
    published = _all_at_once(
        server.url, convention.admin_token, "POST", convention.url("/results"), {}
    )
    statuses = sorted(r.status_code for r in published)
    assert statuses == [201] + [409] * (CALLERS - 1), [r.text for r in published]
    assert all(r.json()["type"] == "/problems/duplicate" for r in published if r.status_code == 409)
    issued = _all_at_once(server.url, convention.admin_token, "POST", convention.url("/awards"))
    assert sorted(r.status_code for r in issued) == [200] * (CALLERS - 1) + [201]
    with client(server.url, convention.admin_token) as c:
        awards = ok(c.get(convention.url("/awards"), params={"limit": 500}))["items"]
        certificates = ok(c.get(convention.url("/certificates"), params={"limit": 500}))["items"]
    assert [a["rank"] for a in awards] == [1, 2, 3, 4]  # top_n 10: every ranked entry, once
    numbers = [cert["number"] for cert in certificates]
    codes = [cert["code"] for cert in certificates]
    assert len(numbers) == len(set(numbers)) and len(codes) == len(set(codes))
    # Every answer names the same certificates: the 200s say what the 201 made.
    first = next(r for r in issued if r.status_code == 201).json()
    for answer in issued:
        assert {c["id"] for c in answer.json()["certificates"]} == {
            c["id"] for c in first["certificates"]
        }
