"""Issue 6, crash: SIGKILL the server mid-burst; every acknowledged write survives as it was
acknowledged, and no sheet is half-written."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.slow.conftest import (
    Convention,
    Databases,
    Juror,
    audit_of,
    client,
    ok,
    seed_convention,
    sheet_view,
)
from tests.support.server import Server

JURORS = 8  # the even ones PUT sheet by sheet, the odd ones send :sync batches
ENTRIES = 6
KILL_AFTER_ACKS = 150
Key = tuple[int, int]  # (juror_id, entry_id)


@dataclass
class Tablet:
    """What one juror's tablet was told, and what it sent without hearing back."""

    juror: Juror
    acked: dict[int, dict[str, Any]] = field(default_factory=dict)  # entry_id -> sheet
    pending: dict[int, dict[str, Any]] = field(default_factory=dict)  # entry_id -> body
    errors: list[str] = field(default_factory=list)


def sheet_body(conv: Convention, juror: Juror, entry_id: int, n: int) -> dict[str, Any]:
    # The first entry is submitted (final) on the third write; the others stay drafts.
    submit = entry_id == conv.entry_ids[0] and n == 2
    scores: dict[str, float] = {
        code: (juror.id + entry_id + n + i) % 11 for i, code in enumerate(conv.codes)
    }
    if not submit:
        scores.pop(conv.codes[-1])
        scores[conv.codes[0]] = scores[conv.codes[0]] / 2
    return {
        "scores": scores,
        "comment": f"juri {juror.id} entri {entry_id} tulis {n}",
        "submit": submit,
    }


def burst(conv: Convention, tablet: Tablet, base_url: str, stop: threading.Event) -> None:
    """Write sheets until the server dies (or ``stop``): PUTs, or :sync batches of three."""
    use_sync = tablet.juror.id % 2 == 1
    with client(base_url, tablet.juror.token, timeout=20) as c:
        for n in range(1000):
            open_entries = [
                e for e in conv.entry_ids if tablet.acked.get(e, {}).get("status") != "submitted"
            ]
            groups = (
                [open_entries[i : i + 3] for i in range(0, len(open_entries), 3)]
                if use_sync
                else [[e] for e in open_entries]
            )
            for group in groups:
                if stop.is_set():
                    return
                bodies = {e: sheet_body(conv, tablet.juror, e, n) for e in group}
                tablet.pending = bodies
                try:
                    if use_sync:
                        items = [{"entry_id": e, **b} for e, b in bodies.items()]
                        response = c.post(
                            conv.url("/jurors/me/sheets:sync"), json={"sheets": items}
                        )
                    else:
                        (e,) = group
                        response = c.put(conv.sheet_url(e), json=bodies[e])
                except httpx.TransportError:
                    return  # the server is gone: what was pending is unknown
                if response.status_code != 200:
                    tablet.errors.append(f"{response.status_code} {response.text}")
                    return
                if use_sync:
                    for result in response.json()["results"]:
                        if result["outcome"] != "accepted":
                            tablet.errors.append(str(result))
                            return
                        tablet.acked[result["entry_id"]] = result["sheet"]
                else:
                    tablet.acked[group[0]] = response.json()
                tablet.pending = {}


def wait_for_acks(tablets: list[Tablet], count: int, seconds: float) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if sum(_writes(t) for t in tablets) >= count:
            break
        time.sleep(0.02)
    return sum(_writes(t) for t in tablets)


def _writes(tablet: Tablet) -> int:
    return sum(sheet["version"] for sheet in tablet.acked.values())


def check_survivors(base_url: str, conv: Convention, tablets: list[Tablet]) -> None:
    with client(base_url, conv.admin_token) as admin:
        for tablet in tablets:
            jid = tablet.juror.id
            for entry_id in conv.entry_ids:
                acked = tablet.acked.get(entry_id)
                pending = tablet.pending.get(entry_id)
                response = admin.get(conv.url(f"/jurors/{jid}/sheets/{entry_id}"))
                if response.status_code == 404:
                    assert acked is None, f"acknowledged sheet lost: {acked}"
                    continue
                stored = ok(response)
                expected = []
                if acked is not None:
                    expected.append(sheet_view(acked))
                if pending is not None:
                    # The write in flight at the kill may have committed, wholly.
                    version = acked["version"] + 1 if acked else 1
                    status = "submitted" if pending["submit"] else "draft"
                    expected.append(sheet_view({**pending, "status": status, "version": version}))
                assert sheet_view(stored) in expected, (jid, entry_id, stored, expected)
                if acked is not None and sheet_view(stored) == sheet_view(acked):
                    assert stored["updated_at"] == acked["updated_at"]
                # Not half-written: one audited write per version, the last one as stored.
                events = audit_of(base_url, conv, jid, entry_id)
                assert [e["after"]["version"] for e in events] == list(
                    range(1, stored["version"] + 1)
                ), (jid, entry_id, events)
                assert sheet_view(events[-1]["after"]) == sheet_view(stored)


def test_sigkill_mid_burst_loses_no_acknowledged_write(
    databases: Databases, servers: Callable[..., Server]
) -> None:
    server = servers(databases.new(), workers=2)
    conv = seed_convention(server.url, entries=ENTRIES, jurors=JURORS)
    tablets = [Tablet(juror) for juror in conv.jurors]
    stop = threading.Event()
    threads = [
        threading.Thread(target=burst, args=(conv, t, server.url, stop), daemon=True)
        for t in tablets
    ]
    for thread in threads:
        thread.start()
    try:
        acks = wait_for_acks(tablets, KILL_AFTER_ACKS, seconds=60)
        server.kill()
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert acks >= 20, f"only {acks} writes were acknowledged before the kill"
    assert not [e for t in tablets for e in t.errors], [t.errors for t in tablets]
    in_flight = sum(1 for t in tablets if t.pending)
    assert in_flight > 0, "the kill came after the burst, not in the middle of it"

    server.start()
    check_survivors(server.url, conv, tablets)
    # The service takes writes again after the restart, from where each sheet was.
    tablet = tablets[0]
    entry_id = conv.entry_ids[1]
    with client(server.url, tablet.juror.token) as c:
        current = ok(c.get(conv.sheet_url(entry_id)))
        again = ok(
            c.put(
                conv.sheet_url(entry_id),
                json={"scores": {}, "comment": "setelah restart"},
                headers={"If-Match": f'"{current["version"]}"'},
            )
        )
    assert again["version"] == current["version"] + 1
