"""Issue 6, database restart: a private PostgreSQL cluster restarted under load. Meanwhile the
service answers 503 problem+json at once (never hangs, never a 500), and afterwards it takes
writes again by itself, without being restarted."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.slow.conftest import Convention, audit_of, client, seed_convention, sheet_view, which
from tests.support.postgres import create_database
from tests.support.server import Server, free_port, migrate

ANSWER_WITHIN = 8.0  # seconds: "never hangs"
DOWN_FOR = 3.0


class PrivatePostgres:
    """A throwaway cluster (initdb + pg_ctl) on a free loopback port, in a temp dir.

    PostgreSQL refuses to run as root: as root, the cluster belongs to the ``postgres`` user.
    """

    def __init__(self) -> None:
        pg_ctl = which("pg_ctl")
        if pg_ctl is None:
            pytest.skip("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
        self.bindir = Path(pg_ctl).parent
        self.dir = Path(tempfile.mkdtemp(prefix="konvensi_slow_pg_"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.running = False
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")

    def _run(self, program: str, *args: str, timeout: float = 60) -> None:
        cmd = [str(self.bindir / program), *args]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, timeout=timeout, cwd=self.dir)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8")
        conf = self.data / "postgresql.conf"
        with conf.open("a") as f:
            f.write(
                f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\n"
                f"unix_socket_directories = '{self.dir}'\nmax_connections = 50\n"
            )

    def start(self) -> None:
        log = str(self.dir / "postgres.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-w", "-t", "60", "start")
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")
        self.running = False

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def destroy(self) -> None:
        if self.running:
            with suppress(subprocess.SubprocessError):
                self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    cluster = PrivatePostgres()
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()


@dataclass
class Call:
    at: float
    seconds: float
    status: int | None
    content_type: str = ""
    body: Any = None
    error: str = ""


@dataclass
class Load:
    """Jurors writing their sheets and a monitor reading /health, until told to stop."""

    conv: Convention
    base_url: str
    calls: list[Call] = field(default_factory=list)
    acked: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _record(self, started: float, response: httpx.Response | None, error: str = "") -> Call:
        call = Call(started, time.monotonic() - started, None, error=error)
        if response is not None:
            call.status = response.status_code
            call.content_type = response.headers.get("content-type", "")
            try:
                call.body = response.json()
            except ValueError:
                call.body = response.text
        with self.lock:
            self.calls.append(call)
        return call

    def writer(self, juror_index: int) -> None:
        juror = self.conv.jurors[juror_index]
        with client(self.base_url, juror.token, timeout=ANSWER_WITHIN + 5) as c:
            for n in range(100_000):
                if self.stop.is_set():
                    return
                entry_id = self.conv.entry_ids[n % len(self.conv.entry_ids)]
                body = {"scores": {self.conv.codes[0]: n % 11}, "comment": f"tulis {n}"}
                started = time.monotonic()
                try:
                    response = c.put(self.conv.sheet_url(entry_id), json=body)
                except httpx.HTTPError as exc:
                    self._record(started, None, repr(exc))
                    continue
                call = self._record(started, response)
                if call.status == 200:
                    with self.lock:
                        self.acked[(juror.id, entry_id)] = response.json()
                else:
                    time.sleep(0.05)  # a tablet backs off (Retry-After) before retrying

    def monitor(self) -> None:
        with client(self.base_url, timeout=ANSWER_WITHIN + 5) as c:
            while not self.stop.is_set():
                started = time.monotonic()
                try:
                    self._record(started, c.get("/health"))
                except httpx.HTTPError as exc:
                    self._record(started, None, repr(exc))
                time.sleep(0.05)

    def since(self, moment: float) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.at >= moment]


def wait_until_writes_succeed(load: Load, since: float, seconds: float) -> float:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(c.status == 200 and c.body.get("version") for c in load.since(since)):
            return time.monotonic()
        time.sleep(0.1)
    raise AssertionError(f"no write succeeded within {seconds} s of the database's return")


def test_postgres_restart_under_load_answers_503_then_recovers(
    private_postgres: PrivatePostgres, servers: Callable[..., Server]
) -> None:
    url = create_database(private_postgres.url("postgres"), "konvensi_slow_restart")
    migrate(url)
    server = servers(url, workers=2)
    conv = seed_convention(server.url, entries=3, jurors=4)
    assert server.proc is not None
    server_pid = server.proc.pid

    load = Load(conv, server.url)
    threads = [threading.Thread(target=load.writer, args=(i,)) for i in range(len(conv.jurors))]
    threads.append(threading.Thread(target=load.monitor))
    for thread in threads:
        thread.start()
    try:
        for mode in ("fast", "immediate"):
            time.sleep(1.5)
            assert any(c.status == 200 for c in load.since(time.monotonic() - 1.5)), "no load"
            down_at = time.monotonic()
            private_postgres.stop(mode)
            time.sleep(DOWN_FOR)
            private_postgres.start()
            up_at = time.monotonic()
            recovered_at = wait_until_writes_succeed(load, up_at, seconds=30)
            outage = load.since(down_at + 0.5)
            outage = [c for c in outage if c.at < up_at - 0.5]
            assert any(c.status == 503 for c in outage), f"no 503 while down ({mode})"
            assert recovered_at - up_at < 15
        time.sleep(1.0)
    finally:
        load.stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)

    calls = load.calls
    assert not [c for c in calls if c.error], [c.error for c in calls if c.error][:5]
    slow = [c for c in calls if c.seconds > ANSWER_WITHIN]
    assert not slow, f"{len(slow)} answers took over {ANSWER_WITHIN} s: {slow[:3]}"
    assert {c.status for c in calls} <= {200, 503}, {c.status for c in calls}
    for call in calls:
        if call.status == 503:
            assert call.content_type.startswith("application/problem+json"), call
            assert call.body["type"] == "/problems/unavailable", call.body
            assert call.body["status"] == 503
    # The same server process throughout: it recovered by itself.
    assert server.proc is not None and server.proc.pid == server_pid
    assert server.proc.poll() is None
    assert "Traceback" not in server.log_text()

    # Every write that got a 200 is in the sheet's history exactly as acknowledged.
    for (juror_id, entry_id), sheet in load.acked.items():
        events = audit_of(server.url, conv, juror_id, entry_id)
        by_version = {e["after"]["version"]: e["after"] for e in events}
        assert sheet_view(by_version[sheet["version"]]) == sheet_view(sheet)
