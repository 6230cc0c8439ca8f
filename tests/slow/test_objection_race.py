"""Objections racing the deadline and the secretariat's finalize, on both engines: an objection
accepted (201) is never left open under final results.

``finalize`` and ``withdraw`` lock the convention's row; an objection takes the same lock
before it checks the window, so it commits before finalize looks for open objections, or finds
the window closed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, create_engine, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.db import Database, create_db_engine
from app.errors import ConventionState
from app.models import Convention, Result
from app.security import Principal
from app.services import objections, results
from tests.app import factories as f
from tests.slow.conftest import Databases, client, ok, seed_convention
from tests.support.server import Server

REASON = "Inovasi ini sudah diterapkan di daerah lain sejak 2015."


def _set_deadline(url: str, cid: int, deadline: datetime) -> None:
    engine: Engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                update(Result)
                .where(Result.convention_id == cid)
                .values(objection_deadline=deadline)
            )
    finally:
        engine.dispose()


def test_two_objections_racing_the_deadline_and_finalize(
    databases: Databases, servers: Callable[..., Server]
) -> None:
    """One objection sent just before the deadline, one just after, while the secretariat
    presses finalize from the deadline on: whatever the timing, every accepted objection is
    open in a finalize refusal, and finalize succeeds only when none was accepted."""
    url = databases.new()
    server = servers(url, workers=2)
    convention = seed_convention(server.url, entries=2, jurors=2)
    full = dict.fromkeys(convention.codes, 8)
    for juror in convention.jurors:
        with client(server.url, juror.token) as c:
            for entry_id in convention.entry_ids:
                ok(c.put(convention.sheet_url(entry_id), json={"scores": full, "submit": True}))
    with client(server.url, convention.admin_token) as c:
        ok(c.patch(convention.url(), json={"status": "closed"}))
        ok(c.post(convention.url("/results"), json={"objection_days": 1}), 201)
    deadline = datetime.now(UTC) + timedelta(seconds=1.5)
    _set_deadline(url, convention.cid, deadline)
    start = threading.Barrier(3)

    def at(offset: float) -> None:
        delay = (deadline - datetime.now(UTC)).total_seconds() + offset
        time.sleep(max(0.0, delay))

    def objector(offset: float, entry_id: int) -> httpx.Response:
        with client(server.url) as c:
            ok(c.get("/health"))
            start.wait(timeout=30)
            at(offset)
            body = {"entry_id": entry_id, "name": "Budi", "contact": "b@x.id", "reason": REASON}
            return c.post(convention.url("/objections"), json=body)

    def secretariat() -> list[httpx.Response]:
        answers = []
        with client(server.url, convention.admin_token) as c:
            start.wait(timeout=30)
            at(0.0)
            for _ in range(40):
                answers.append(c.post(convention.url("/results/finalize")))
                if answers[-1].status_code == 200:
                    break
                time.sleep(0.025)
        return answers

    with ThreadPoolExecutor(3) as pool:
        early = pool.submit(objector, -0.03, convention.entry_ids[0])
        late = pool.submit(objector, 0.03, convention.entry_ids[1])
        pressed = pool.submit(secretariat)
        sent = [early.result(), late.result()]
        finalizes = pressed.result()
    assert all(r.status_code in (201, 409) for r in sent), [r.text for r in sent]
    accepted = sorted(r.json()["id"] for r in sent if r.status_code == 201)
    assert all(r.status_code in (200, 409) for r in finalizes), [r.text for r in finalizes]
    last = finalizes[-1]
    with client(server.url) as c:
        public: dict[str, Any] = ok(c.get(convention.url("/results")))
    if accepted:
        assert last.status_code == 409, last.text
        assert last.json()["objection_ids"] == accepted
        assert public["status"] == "provisional"
    else:
        assert last.status_code == 200, [r.text for r in finalizes]
        assert public["status"] == "final"


def test_an_objection_in_flight_holds_finalize_back(
    databases: Databases, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deterministic: an objection that found the window open a moment before the deadline is
    held between that check and its insert; finalize, after the deadline, waits for it (and
    gives up after the timeout) instead of finalizing over it; once the objection commits,
    finalize names it."""
    url = databases.new()
    engine = create_db_engine(url, busy_timeout_ms=500, statement_timeout_ms=1000)
    db = Database(engine)
    try:
        with Session(engine, expire_on_commit=False) as setup:
            world = f.make_world(setup, f.SECRET)
            for entry in world.entries:
                for juror in world.jurors:
                    f.make_sheet(setup, juror.account, entry, {"A": 7, "B": 7})
            f.set_status(setup, world.convention, "closed")
            admin = world.admin.account
            principal = Principal(admin.id, admin.username, admin.full_name, "admin", None, None)
            results.publish(setup, principal, world.convention, "mean", False, 1)
            setup.commit()
        deadline = datetime.now(UTC) + timedelta(seconds=1)
        _set_deadline(url, world.cid, deadline)
        checked, go_on = threading.Event(), threading.Event()
        throttle = objections._throttle

        def held(session: Session, address: str) -> None:
            checked.set()  # the window was found open
            go_on.wait(timeout=30)
            throttle(session, address)

        monkeypatch.setattr(objections, "_throttle", held)

        def objector() -> int:
            with db.session(write=True) as objecting:
                made = objections.create(
                    objecting,
                    world.cid,
                    entry_id=world.entries[0].id,
                    name="Budi",
                    contact="b@x.id",
                    reason=REASON,
                    address="198.51.100.7",
                )
                objecting.commit()
                return made.id

        with ThreadPoolExecutor(1) as pool:
            filed = pool.submit(objector)
            assert checked.wait(timeout=30)
            time.sleep(max(0.0, (deadline - datetime.now(UTC)).total_seconds()) + 0.1)
            try:
                with db.session(write=True) as finalizing, pytest.raises(OperationalError):
                    convention = finalizing.get(Convention, world.cid)
                    assert convention is not None
                    results.finalize(finalizing, principal, convention)
            finally:
                go_on.set()
            objection_id = filed.result(timeout=30)
        with db.session(write=True) as finalizing:
            convention = finalizing.get(Convention, world.cid)
            assert convention is not None
            with pytest.raises(ConventionState) as refused:
                results.finalize(finalizing, principal, convention)
        assert refused.value.extra["objection_ids"] == [objection_id]
    finally:
        engine.dispose()
