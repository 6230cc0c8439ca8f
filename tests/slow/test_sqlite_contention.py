"""Issue 6, SQLite contention: two workers writing one SQLite file at once. No "database is
locked" (nor any 5xx) reaches a client, and every acknowledged write is stored."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tests.slow.conftest import client, ok, seed_convention, sheet_view
from tests.support.server import Server, migrate

JURORS = 4
CLIENTS_PER_JUROR = 4
ENTRIES = CLIENTS_PER_JUROR * 3  # each client writes three sheets of its own
WRITES_PER_CLIENT = 30


def test_two_workers_on_one_sqlite_file_never_show_a_lock(
    tmp_path: Path, servers: Callable[..., Server]
) -> None:
    url = f"sqlite:///{tmp_path / 'contended.db'}"
    migrate(url)
    server = servers(url, workers=2)
    conv = seed_convention(server.url, entries=ENTRIES, jurors=JURORS)
    failures: list[str] = []
    acked: dict[tuple[int, int], dict[str, Any]] = {}
    start = threading.Barrier(JURORS * CLIENTS_PER_JUROR + 1)

    def writer(juror_index: int, slot: int) -> None:
        juror = conv.jurors[juror_index]
        mine = conv.entry_ids[slot * 3 : slot * 3 + 3]
        with client(server.url, juror.token) as c:
            start.wait(timeout=30)
            for n in range(WRITES_PER_CLIENT):
                entry_id = mine[n % 3]
                body = {
                    "scores": {code: (n + i) % 11 for i, code in enumerate(conv.codes)},
                    "comment": f"juri {juror.id} tulis {n}",
                    "submit": n >= WRITES_PER_CLIENT - 3,  # each sheet ends submitted
                }
                response = c.put(conv.sheet_url(entry_id), json=body)
                if response.status_code != 200:
                    failures.append(f"{response.status_code} {response.text}")
                    continue
                acked[(juror.id, entry_id)] = response.json()

    def reader() -> None:
        # The secretariat's screens read while the tablets write.
        with client(server.url, conv.admin_token) as c:
            start.wait(timeout=30)
            for _ in range(WRITES_PER_CLIENT):
                for path in ("/progress", "/ranking", "/audit"):
                    response = c.get(conv.url(path))
                    if response.status_code != 200:
                        failures.append(f"{path}: {response.status_code} {response.text}")

    jobs: list[tuple[Callable[..., None], tuple[int, ...]]] = [
        (writer, (j, s)) for j in range(JURORS) for s in range(CLIENTS_PER_JUROR)
    ]
    jobs.append((reader, ()))
    with ThreadPoolExecutor(len(jobs)) as pool:
        for future in [pool.submit(fn, *args) for fn, args in jobs]:
            future.result(timeout=180)

    assert not failures, failures[:5]
    assert "locked" not in server.log_text()
    assert len(acked) == JURORS * ENTRIES
    with client(server.url, conv.admin_token) as admin:
        for (juror_id, entry_id), sheet in acked.items():
            stored = ok(admin.get(conv.url(f"/jurors/{juror_id}/sheets/{entry_id}")))
            assert sheet_view(stored) == sheet_view(sheet)
            assert stored["status"] == "submitted"
        # Every write is one audited version: WRITES_PER_CLIENT per client, none lost.
        total = ok(admin.get(conv.url("/audit"), params={"action": "sheet.save", "limit": 1}))
        submits = ok(admin.get(conv.url("/audit"), params={"action": "sheet.submit", "limit": 1}))
    assert total["total"] + submits["total"] == JURORS * CLIENTS_PER_JUROR * WRITES_PER_CLIENT
