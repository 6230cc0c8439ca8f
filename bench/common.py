"""What both benchmarks share: databases, servers, resident memory, tables and results.

Everything here is bounded: servers are started in their own process group and killed on
exit (also on Ctrl-C or an exception), waits have deadlines, and only loopback is used.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
HOST = "127.0.0.1"
SECRET = "bench-secret-key-not-for-production-0123456789"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
ENGINES = ("sqlite", "postgresql")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


# --- databases -----------------------------------------------------------------------------


def postgres_base_url() -> str:
    return (
        os.environ.get("KONVENSI_BENCH_POSTGRES_URL")
        or os.environ.get("KONVENSI_TEST_POSTGRES_URL")
        or DEFAULT_PG
    )


def postgres_available() -> bool:
    import psycopg

    url = make_url(postgres_base_url())
    try:
        with psycopg.connect(_conninfo(url.set(database="postgres")), connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def _conninfo(url: Any) -> str:
    """A libpq connection string from a SQLAlchemy URL."""
    parts = {
        "host": url.host or HOST,
        "port": str(url.port or 5432),
        "user": url.username or "postgres",
        "dbname": url.database,
    }
    if url.password:
        parts["password"] = url.password
    return " ".join(f"{k}={v}" for k, v in parts.items())


def libpq(url: str) -> str:
    return _conninfo(make_url(url))


@contextlib.contextmanager
def database(engine: str, label: str) -> Iterator[str]:
    """A new, empty database of ``engine`` (a temp SQLite file or ``konvensi_bench_*``),
    removed afterwards. Yields its SQLAlchemy URL."""
    if engine == "sqlite":
        with tempfile.TemporaryDirectory(prefix=f"konvensi_bench_{label}_") as tmp:
            yield f"sqlite:///{tmp}/bench.db"
        return
    import psycopg

    base = make_url(postgres_base_url())
    name = f"konvensi_bench_{label}_{uuid.uuid4().hex[:8]}"
    admin = _conninfo(base.set(database="postgres"))
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate(url: str) -> None:
    from app import migrate as migrations

    migrations.upgrade(url)


# --- servers -------------------------------------------------------------------------------


def _group_pids(pgid: int) -> list[int]:
    """The processes of one process group (the server we started and its workers)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # The command name may hold spaces: fields after the closing parenthesis.
        fields = stat[stat.rfind(")") + 2 :].split()
        if int(fields[2]) == pgid:
            pids.append(int(entry))
    return pids


def _status_kb(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return 0.0
    fields = stat[stat.rfind(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Memory:
    """Resident memory of a server's processes, in MB."""

    per_process: dict[int, float] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(self.per_process.values())

    @property
    def largest(self) -> float:
        return max(self.per_process.values(), default=0.0)


class Server:
    """A server process (and its workers) in its own process group, killed on exit."""

    def __init__(
        self, argv: Sequence[str], env: dict[str, str], port: int, health: str = "/health"
    ) -> None:
        self.argv = list(argv)
        self.env = env
        self.port = port
        self.health = health
        self.proc: subprocess.Popen[bytes] | None = None
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop())

    def __enter__(self) -> Server:
        self.proc = subprocess.Popen(
            self.argv,
            env=self.env,
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _live.add(self)
        try:
            self._wait_ready(timeout=60.0)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def _wait_ready(self, timeout: float) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited ({self.proc.returncode}):\n{self.output()}")
            try:
                with urllib.request.urlopen(self.url + self.health, timeout=2) as response:
                    if response.status == 200:
                        # With several workers, give every worker time to bind and start.
                        time.sleep(1.0)
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server not ready after {timeout:.0f} s:\n{self.output()}")

    def pids(self) -> list[int]:
        return _group_pids(self.proc.pid) if self.proc is not None else []

    def peak_rss(self) -> Memory:
        """Peak resident memory (VmHWM) of every process of the server so far."""
        return Memory({pid: _status_kb(pid, "VmHWM") / 1024 for pid in self.pids()})

    def rss(self) -> Memory:
        """Resident memory (VmRSS) of every process of the server now."""
        return Memory({pid: _status_kb(pid, "VmRSS") / 1024 for pid in self.pids()})

    def cpu_seconds(self) -> float:
        return sum(_cpu_seconds(pid) for pid in self.pids())

    def output(self) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-4000:]

    def stop(self) -> None:
        proc = self.proc
        if proc is None:
            return
        self.proc = None
        _live.discard(self)
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        # Workers left behind by a killed supervisor share its group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        self._log.close()


_live: set[Server] = set()


def stop_all() -> None:
    for server in list(_live):
        server.stop()


def _on_signal(signum: int, _frame: Any) -> None:
    stop_all()
    raise SystemExit(128 + signum)


def install_signal_handlers() -> None:
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)


def server_env(url: str, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("KONVENSI_") or k == "KONVENSI_BENCH_POSTGRES_URL"
    }
    env.update(
        KONVENSI_DATABASE_URL=url,
        KONVENSI_SECRET_KEY=SECRET,
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


def python() -> str:
    return sys.executable


def service_argv(port: int, workers: int) -> list[str]:
    return [
        python(),
        "-m",
        "app.cli",
        "serve",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]


# --- output --------------------------------------------------------------------------------


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[str(h) for h in headers], *[[_cell(v) for v in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append(
            "  ".join(c.rjust(w) if n else c.ljust(w) for c, w in zip(row, widths, strict=True))
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if value >= 100:
            return f"{value:,.0f}"
        if value >= 10:
            return f"{value:.1f}"
        return f"{value:.2f}"
    return str(value)


def save_results(name: str, payload: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"{name}-{stamp}.json"
    path.write_bytes(orjson.dumps(payload, option=orjson.OPT_INDENT_2))
    return path


def machine() -> dict[str, Any]:
    import platform

    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
    }
