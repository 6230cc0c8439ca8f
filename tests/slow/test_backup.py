"""Issue 6, production: backups and restores, tested as docs/operations.md tells an operator.

SQLite: ``konvensi backup FILE`` while the server writes gives a consistent, intact copy that
holds every write acknowledged before it started; restoring is copying the file back.
PostgreSQL: ``pg_dump -Fc`` of a live database and ``pg_restore`` into an empty one give a
database the service serves as it was.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from tests.slow.conftest import (
    JUROR_PASSWORD,
    Convention,
    client,
    login,
    ok,
    seed_convention,
    sheet_view,
    which,
)
from tests.support.postgres import POSTGRES_URL, create_database, drop_database
from tests.support.server import Server, konvensi_command, migrate, server_env

Key = tuple[int, int]  # (juror_id, entry_id)


class Writers:
    """Each juror rewrites its sheets in turn until stopped; every answer is recorded."""

    def __init__(self, base_url: str, conv: Convention) -> None:
        self.base_url = base_url
        self.conv = conv
        self.stop = threading.Event()
        self.acks: list[tuple[float, Key, dict[str, Any]]] = []
        self.failures: list[str] = []
        self.threads = [
            threading.Thread(target=self._write, args=(j,)) for j in range(len(conv.jurors))
        ]

    def __enter__(self) -> Writers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def _write(self, index: int) -> None:
        juror = self.conv.jurors[index]
        with client(self.base_url, juror.token) as c:
            for n in range(10_000):
                if self.stop.is_set():
                    return
                entry_id = self.conv.entry_ids[n % len(self.conv.entry_ids)]
                body = {"scores": {self.conv.codes[0]: n % 11}, "comment": f"tulis {n}"}
                response = c.put(self.conv.sheet_url(entry_id), json=body)
                if response.status_code != 200:
                    self.failures.append(f"{response.status_code} {response.text}")
                    return
                self.acks.append((time.monotonic(), (juror.id, entry_id), response.json()))

    def wait_for(self, count: int, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while len(self.acks) < count and time.monotonic() < deadline and not self.failures:
            time.sleep(0.02)
        assert len(self.acks) >= count, (len(self.acks), self.failures)


def backup_rows(path: Path) -> dict[Key, dict[str, Any]]:
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        sheets = conn.execute(
            "SELECT juror_id, entry_id, scores, comment, status, version FROM sheet"
        ).fetchall()
        audited = dict(
            ((j, e), n)
            for j, e, n in conn.execute(
                "SELECT juror_id, entry_id, count(*) FROM audit_event "
                "WHERE target_type = 'sheet' GROUP BY juror_id, entry_id"
            )
        )
    rows = {}
    for juror_id, entry_id, scores, comment, status, version in sheets:
        # The copy is one moment: each sheet and its audit log agree.
        assert audited[(juror_id, entry_id)] == version
        view = {"scores": json.loads(scores), "comment": comment, "status": status}
        rows[(juror_id, entry_id)] = sheet_view({**view, "version": version})
    return rows


def test_sqlite_backup_while_writing_holds_acknowledged_rows_and_restores(
    tmp_path: Path, servers: Callable[..., Server]
) -> None:
    live = tmp_path / "live.db"
    url = f"sqlite:///{live}"
    migrate(url)
    server = servers(url, workers=2)
    conv = seed_convention(server.url, entries=5, jurors=4)
    copy = tmp_path / "backups" / "konvensi-backup.db"
    copy.parent.mkdir()
    with Writers(server.url, conv) as writers:
        writers.wait_for(60)
        started = time.monotonic()
        done = subprocess.run(
            [*konvensi_command(), "backup", str(copy)],
            env=server_env(url),
            capture_output=True,
            text=True,
            timeout=120,
        )
        writers.wait_for(len(writers.acks) + 30)  # the service kept writing meanwhile
    assert done.returncode == 0, done.stderr
    assert "integrity ok" in done.stdout
    assert not writers.failures, writers.failures[:3]

    states: dict[Key, dict[int, dict[str, Any]]] = defaultdict(dict)
    before: dict[Key, int] = {}
    for at, key, sheet in writers.acks:
        states[key][sheet["version"]] = sheet_view(sheet)
        if at < started:
            before[key] = sheet["version"]
    rows = backup_rows(copy)
    for key, version in before.items():
        assert key in rows, f"{key} acknowledged before the backup, missing from it"
        assert rows[key]["version"] >= version
    for key, row in rows.items():
        # Every sheet in the copy is exactly one that the service acknowledged.
        assert states[key][row["version"]] == row

    # Restore: stop the service, put the copy in place of the file (and its -wal, -shm).
    server.stop()
    for leftover in (live, live.with_name("live.db-wal"), live.with_name("live.db-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(copy, live)
    server.start()
    with client(server.url, login(server.url, "sekretariat", "admin-password-123")) as admin:
        for (juror_id, entry_id), row in rows.items():
            stored = ok(admin.get(conv.url(f"/jurors/{juror_id}/sheets/{entry_id}")))
            assert sheet_view(stored) == row
    juror = conv.jurors[0]
    (juror_id, entry_id), row = next((k, r) for k, r in rows.items() if k[0] == juror.id)
    with client(server.url, login(server.url, juror.username, JUROR_PASSWORD)) as c:
        again = c.put(
            conv.sheet_url(entry_id),
            json={"scores": {}, "comment": "setelah pemulihan"},
            headers={"If-Match": f'"{row["version"]}"'},
        )
    assert ok(again)["version"] == row["version"] + 1


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.mark.postgres
def test_pg_dump_and_pg_restore_round_trip(tmp_path: Path, servers: Callable[..., Server]) -> None:
    if not POSTGRES_URL:
        pytest.skip("KONVENSI_TEST_POSTGRES_URL is not set")
    pg_dump, pg_restore = which("pg_dump"), which("pg_restore")
    if pg_dump is None or pg_restore is None:
        pytest.skip("pg_dump and pg_restore are not installed")
    made: list[str] = []
    try:
        source = create_database(POSTGRES_URL, "konvensi_slow")
        made.append(source)
        migrate(source)
        server = servers(source, workers=1)
        conv = seed_convention(server.url, entries=3, jurors=2)
        for juror in conv.jurors:
            with client(server.url, juror.token) as c:
                for n, entry_id in enumerate(conv.entry_ids):
                    scores = {code: (n + i) % 11 for i, code in enumerate(conv.codes)}
                    body = {"scores": scores, "comment": "Sudah direplikasi", "submit": n > 0}
                    ok(c.put(conv.sheet_url(entry_id), json=body))
        with client(server.url, conv.admin_token) as admin:
            ranking = ok(admin.get(conv.url("/ranking")))
            audit = ok(admin.get(conv.url("/audit"), params={"limit": 500}))["items"]

        dump = tmp_path / "konvensi.dump"
        # Online, as in production: the service keeps running while pg_dump reads.
        subprocess.run(
            [pg_dump, "-Fc", "--no-owner", "-f", str(dump), "-d", _libpq(source)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        restored = create_database(POSTGRES_URL, "konvensi_slow")
        made.append(restored)
        subprocess.run(
            [pg_restore, "--no-owner", "--exit-on-error", "-d", _libpq(restored), str(dump)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        # `serve` refuses a database that is not at the newest revision: this one is.
        again = servers(restored, workers=1)
        with client(again.url, login(again.url, "sekretariat", "admin-password-123")) as admin:
            assert ok(admin.get(conv.url("/ranking"))) == ranking
            assert ok(admin.get(conv.url("/audit"), params={"limit": 500}))["items"] == audit
            for juror in conv.jurors:
                sheets = ok(admin.get(conv.url(f"/jurors/{juror.id}/sheets")))
                assert sheets["total"] == len(conv.entry_ids)
        # Sequences came along: new rows get new ids.
        with client(again.url, login(again.url, conv.jurors[0].username, JUROR_PASSWORD)) as c:
            ok(c.post(conv.url("/jurors/me/recusals"), json={"entry_id": conv.entry_ids[0]}), 201)
    finally:
        for url in made:
            drop_database(url)
