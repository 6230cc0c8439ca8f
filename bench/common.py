"""What the benchmarks share: databases (and bulk inserts), servers, resident memory, tables
and results.

Everything here is bounded: servers are started in their own process group and killed on
exit (also on Ctrl-C or an exception), waits have deadlines, and only loopback is used.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from tests.support import server as support
from tests.support.postgres import temporary_database
from tests.support.server import stop_all

__all__ = ["stop_all"]

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
HOST = "127.0.0.1"
SECRET = "bench-secret-key-not-for-production-0123456789"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
ENGINES = ("sqlite", "postgresql")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


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
    with temporary_database(postgres_base_url(), f"konvensi_bench_{label}") as url:
        yield url


def migrate(url: str) -> None:
    from app import migrate as migrations

    migrations.upgrade(url)


def _copy_text(value: Any) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return text


def bulk_insert(
    engine: Engine, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert many rows with the bare driver; returns how many."""
    raw = engine.raw_connection()
    count = 0
    try:
        driver: Any = raw.driver_connection
        if engine.dialect.name == "sqlite":
            marks = ", ".join("?" for _ in columns)
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"

            def counted() -> Iterator[Sequence[Any]]:
                nonlocal count
                for row in rows:
                    count += 1
                    yield row

            driver.execute("BEGIN")
            driver.executemany(sql, counted())
            driver.execute("COMMIT")
        else:
            # COPY in text format, written in blocks: much faster than a row at a time.
            with (
                driver.cursor() as cur,
                cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
            ):
                block: list[str] = []
                for row in rows:
                    block.append("\t".join(map(_copy_text, row)))
                    count += 1
                    if len(block) >= 10_000:
                        copy.write("\n".join(block) + "\n")
                        block.clear()
                if block:
                    copy.write("\n".join(block) + "\n")
            driver.commit()
    finally:
        raw.close()
    return count


# --- servers -------------------------------------------------------------------------------


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


class Server(support.Server):
    """The tests' server (tests.support.server), measured: memory and CPU of its processes.
    A second after /health answers, so that every worker has bound and started."""

    def __init__(self, command: support.Command, env: dict[str, str]) -> None:
        super().__init__(command, env, settle=1.0)

    def peak_rss(self) -> Memory:
        """Peak resident memory (VmHWM) of every process of the server so far."""
        return Memory({pid: _status_kb(pid, "VmHWM") / 1024 for pid in self.pids()})

    def rss(self) -> Memory:
        """Resident memory (VmRSS) of every process of the server now."""
        return Memory({pid: _status_kb(pid, "VmRSS") / 1024 for pid in self.pids()})

    def cpu_seconds(self) -> float:
        return sum(_cpu_seconds(pid) for pid in self.pids())


def _on_signal(signum: int, _frame: Any) -> None:
    stop_all()
    raise SystemExit(128 + signum)


def install_signal_handlers() -> None:
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)


def server_env(url: str, **extra: str) -> dict[str, str]:
    return support.server_env(
        url, secret=SECRET, admin=None, keep=("KONVENSI_BENCH_POSTGRES_URL",), **extra
    )


def service_command(workers: int) -> support.Command:
    """``konvensi serve`` with ``workers`` workers."""
    return support.serve_command(workers)


def python() -> str:
    return sys.executable


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


def print_targets(title: str, verdicts: Sequence[str]) -> None:
    print(f"\nTargets ({title})")
    for v in verdicts:
        print("  " + v)


def finish(name: str, verdicts: list[str], **figures: Any) -> dict[str, Any]:
    """A run's figures, the machine and the verdicts, saved under ``bench/results`` (the file
    is named) and returned."""
    payload = {"benchmark": name, **figures, "machine": machine(), "verdicts": verdicts}
    path = save_results(name, payload)
    print(f"results: {path.relative_to(ROOT)}")
    return payload


def machine() -> dict[str, Any]:
    import platform

    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
    }
