"""Real servers on loopback: ``konvensi serve`` (or any command serving HTTP) as a subprocess
on a free port, in its own process group, ready once its health route answers.

Every server is stopped, whole group included (SIGKILL after a short grace), by ``stop()``,
by leaving its ``with`` block, by the pool that started it, or by ``stop_all()``. Waits have
deadlines, and only loopback is used.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from tempfile import mkdtemp
from types import TracebackType
from typing import Self

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
SECRET = "test-server-secret-key-long-enough-for-hs256"
ADMIN = ("sekretariat", "admin-password-123")

Command = Callable[[int], Sequence[str]]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def konvensi_command() -> list[str]:
    """The ``konvensi`` script of this interpreter's environment (or ``python -m app.cli``)."""
    script = Path(sys.executable).with_name("konvensi")
    return [str(script)] if script.exists() else [sys.executable, "-m", "app.cli"]


def serve_command(workers: int = 1) -> Command:
    """``konvensi serve`` with ``workers`` workers, on the port it is given."""

    def command(port: int) -> list[str]:
        serve = ["serve", "--host", HOST, "--port", str(port), "--workers", str(workers)]
        return [*konvensi_command(), *serve]

    return command


def server_env(
    database_url: str,
    *,
    secret: str = SECRET,
    admin: tuple[str, str] | None = ADMIN,
    keep: Sequence[str] = (),
    **extra: str,
) -> dict[str, str]:
    """This process's environment without its ``KONVENSI_`` variables (but those in ``keep``),
    then the database, the secret key, the secretariat account (unless ``admin`` is None) and
    ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KONVENSI_") or k in keep}
    env.update(
        KONVENSI_DATABASE_URL=database_url,
        KONVENSI_SECRET_KEY=secret,
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(ROOT),
    )
    if admin is not None:
        env.update(KONVENSI_ADMIN_USERNAME=admin[0], KONVENSI_ADMIN_PASSWORD=admin[1])
    env.update(extra)
    return env


def migrate(database_url: str, env: dict[str, str] | None = None) -> None:
    """``konvensi migrate``, as an operator runs it."""
    subprocess.run(
        [*konvensi_command(), "migrate"],
        env=env or server_env(database_url, admin=None),
        check=True,
        capture_output=True,
        timeout=120,
    )


_running: set[Server] = set()


class Server:
    """A command serving HTTP on loopback, in its own process group.

    ``command(port)`` is what runs. The port is ``port`` if given, else a free one chosen at
    every start. Ready when ``health`` answers 200; ``settle`` seconds more let every worker of
    a multi-worker server bind before a measurement. The output goes to ``log_dir``.
    """

    def __init__(
        self,
        command: Command,
        env: dict[str, str],
        *,
        log_dir: Path | None = None,
        port: int | None = None,
        health: str = "/health",
        settle: float = 0.0,
    ) -> None:
        self.command = command
        self.env = env
        # A log folder of its own is removed at stop; one handed in is the caller's.
        self._own_log_dir = log_dir is None
        self.log_dir = log_dir or Path(mkdtemp(prefix="konvensi-server-"))
        self.fixed_port = port
        self.port = port or 0
        self.health = health
        self.settle = settle
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, timeout: float = 60.0, *, same_port: bool = False) -> Self:
        """Start (or restart) the server; ``same_port`` keeps its address, as a browser that
        loaded a page from it expects after a restart."""
        assert self.proc is None, "already running"
        if not (same_port and self.port):
            self.port = self.fixed_port or free_port()
        self.starts += 1
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with (self.log_dir / f"server-{self.port}-{self.starts}.log").open("wb") as log:
            self.proc = subprocess.Popen(
                list(self.command(self.port)),
                env=self.env,
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _running.add(self)
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self, timeout: float) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"the server exited at start ({self.proc.returncode}):\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(self.url + self.health, timeout=2) as response:
                    if response.status == 200:
                        time.sleep(self.settle)
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the server did not answer {self.health} within {timeout:.0f} s")

    def stop(self) -> None:
        """SIGTERM, then SIGKILL whatever is left after a short grace."""
        if self.proc is None:
            return
        self._signal_group(signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        self.kill()

    def kill(self) -> None:
        """SIGKILL the whole process group: the supervisor and every worker."""
        if self.proc is None:
            return
        self._signal_group(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.proc = None
        _running.discard(self)
        if self._own_log_dir:
            shutil.rmtree(self.log_dir, ignore_errors=True)

    def _signal_group(self, sig: signal.Signals) -> None:
        assert self.proc is not None
        with suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)
        if sig == signal.SIGKILL:
            # Workers may outlive the leader for a moment; the group is gone once none answers.
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                self.proc.poll()  # reap the leader: a zombie still counts as the group's member
                try:
                    os.killpg(self.proc.pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)

    def pids(self) -> list[int]:
        """The processes of the server's group (the one started and its workers)."""
        if self.proc is None:
            return []
        pids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            # The command name may hold spaces: fields after the closing parenthesis.
            if int(stat[stat.rfind(")") + 2 :].split()[2]) == self.proc.pid:
                pids.append(int(entry))
        return pids

    def _logs(self) -> list[Path]:
        return sorted(self.log_dir.glob("server-*.log"), key=lambda p: p.stat().st_mtime)

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the latest start's output."""
        logs = self._logs()
        if not logs:
            return ""
        return "\n".join(logs[-1].read_text(errors="replace").splitlines()[-lines:])

    def log_text(self) -> str:
        """The output of every start."""
        return "\n".join(p.read_text(errors="replace") for p in self._logs())

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.stop()


def stop_all() -> None:
    """Stop every server still running (a benchmark interrupted, a test run ending)."""
    for server in list(_running):
        server.stop()


@contextmanager
def server_pool(tmp: Path) -> Iterator[Callable[..., Server]]:
    """``start(database_url, workers=2, env=None)`` starts ``konvensi serve`` on a database;
    every server started is stopped when the block ends."""
    started: list[Server] = []

    def start(database_url: str, *, workers: int = 2, env: dict[str, str] | None = None) -> Server:
        log_dir = tmp / f"server-{len(started)}"
        log_dir.mkdir()
        server = Server(
            serve_command(workers), {**server_env(database_url), **(env or {})}, log_dir=log_dir
        )
        started.append(server)
        return server.start()

    try:
        yield start
    finally:
        for server in started:
            server.stop()
