"""The sheet PUT under load: the service against its floor, measured in the same run.

For each engine (SQLite, PostgreSQL) and worker count (1, 2), the floor (``bench/floor_app.py``,
raw ASGI + bare driver, same uvicorn, same workers) and the service (``konvensi serve``) are
started side by side on the same database (an idle server costs nothing) and driven in turn,
floor then service, at 16, 64 and 256 keep-alive connections: the two points of a ratio are
measured back to back, so that a machine shared with other work weighs on both alike. The
load average before each point is recorded and a busy machine is pointed out.

The data: one convention in ``judging`` with the six criteria of ``bench/seed.py``, 160
entries and 100 jurors in 2 panels, a few declared conflicts (whose pairs are never sent), and
every other (juror, entry) sheet pre-seeded as a draft, so that each request is an UPDATE of
a different row. Every request carries all six scores, changed from that sheet's previous
write (see ``bench/loadgen.py``), so no request is the contract's equal-body no-op; the audit
rows counted before and after each point prove it (``writes/req``).
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import text

from app.db import create_db_engine
from bench import common, loadgen, seed
from bench.common import Server, log

CONNECTIONS = (16, 64, 256)
WORKERS = (1, 2)
ENTRIES, JURORS, OPDS, CONFLICTS = 160, 100, 20, 12

TARGETS: dict[str, tuple[float, float]] = {"sqlite": (0.4, 100.0), "postgresql": (0.6, 100.0)}
"""Per engine: the least service/floor ratio at 64 connections, the largest p99 (ms) there."""


@dataclass
class Point:
    engine: str
    workers: int
    target: str  # "floor", "service" or "noop" (the load generator's ceiling)
    load: loadgen.Load
    writes: int
    rss_total_mb: float
    rss_worker_mb: float
    server_cpu_s: float
    load_average: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "workers": self.workers,
            "target": self.target,
            **self.load.as_dict(),
            "writes": self.writes,
            "writes_per_request": self.writes / self.load.requests if self.load.requests else 0,
            "rss_total_mb": self.rss_total_mb,
            "rss_worker_mb": self.rss_worker_mb,
            "server_cpu_s": self.server_cpu_s,
            "load_average_before": self.load_average,
        }


class Workload:
    """The request list of one database; each call of ``requests`` is a new round of bodies
    that differ from every body the previous rounds wrote."""

    def __init__(self, seeded: seed.Seeded, prefix: str = "") -> None:
        self.seeded = seeded
        self.round = 0
        rng = random.Random(7)
        pairs = [
            (j, e)
            for j in seeded.juror_ids
            for e in seeded.entry_ids
            if (j, e) not in seeded.conflicts
        ]
        rng.shuffle(pairs)
        self.pairs = pairs
        self.base = [seed.random_scores(rng) for _ in pairs]
        tokens = {j: seeded.token(j, common.SECRET) for j in seeded.juror_ids}
        cid = seeded.convention_id
        self.paths = [f"{prefix}/api/v1/conventions/{cid}/jurors/me/sheets/{e}" for _, e in pairs]
        self.tokens = [tokens[j] for j, _ in pairs]

    def requests(self) -> list[loadgen.Request]:
        self.round += 1
        r = self.round
        out = []
        for path, token, base in zip(self.paths, self.tokens, self.base, strict=True):
            bodies = []
            for parity in (0, 1):
                scores = dict(base)
                # Quarter points never equal the seeded half points, and 2r + parity (mod 10)
                # never equals the previous round's: every write changes the sheet.
                scores["KEBARUAN"] = (2 * r + parity) % 10 + 0.25
                body = {"scores": scores, "comment": "bench", "submit": False}
                bodies.append(orjson.dumps(body))
            out.append(loadgen.Request(path, token, bodies[0], bodies[1]))
        return out


def _audit_rows(url: str) -> int:
    engine = create_db_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM audit_event")).scalar_one())
    finally:
        engine.dispose()


def _floor_command(workers: int) -> Callable[[int], list[str]]:
    return lambda port: [
        common.python(),
        "-m",
        "uvicorn",
        "bench.floor_app:app",
        "--host",
        common.HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
    ]


def _load_average() -> float:
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def _warm(server: Server, workload: Workload, duration: float, use_wrk: bool, threads: int) -> None:
    """A short unrecorded run: imports, prepared statements, compiled SQL caches."""
    loadgen.run(
        server.port, workload.requests(), 16, min(2.0, duration), use_wrk=use_wrk, threads=threads
    )


def _point(
    server: Server,
    url: str,
    workload: Workload,
    engine: str,
    workers: int,
    target: str,
    conns: int,
    duration: float,
    use_wrk: bool,
    threads: int,
) -> Point:
    time.sleep(1.0)  # the previous point's requests and checkpoints settle
    load_average = _load_average()
    before = _audit_rows(url) if target != "noop" else 0
    cpu_before = server.cpu_seconds()
    load = loadgen.run(
        server.port, workload.requests(), conns, duration, use_wrk=use_wrk, threads=threads
    )
    time.sleep(0.5)  # let requests still in flight when the generator stopped finish
    cpu = server.cpu_seconds() - cpu_before
    writes = _audit_rows(url) - before if target != "noop" else 0
    memory = server.peak_rss()
    point = Point(
        engine, workers, target, load, writes, memory.total, memory.largest, cpu, load_average
    )
    log(
        f"  {engine:<10} w={workers} c={conns:<3} {target:<7} {load.rps:8.0f} req/s  "
        f"p50 {load.p50_ms:6.1f} ms  p99 {load.p99_ms:7.1f} ms  errors {load.errors}  "
        f"writes/req {point.as_dict()['writes_per_request']:.3f}  load avg {load_average:.1f}"
    )
    return point


def run(
    engines: tuple[str, ...] = common.ENGINES,
    workers: tuple[int, ...] = WORKERS,
    connections: tuple[int, ...] = CONNECTIONS,
    duration: float = 15.0,
    use_wrk: bool | None = None,
    threads: int = 1,
    targets: tuple[str, ...] = ("floor", "service"),
) -> dict[str, Any]:
    if use_wrk is None:
        use_wrk = loadgen.have_wrk()
    if not use_wrk:
        log(
            "note: wrk is not installed (`apt-get install -y wrk`); using bench's asyncio "
            "client, which takes more CPU from the server under test"
        )
    tool = "wrk" if use_wrk else "asyncio-client"
    points: list[Point] = []
    for engine in engines:
        if engine == "postgresql" and not common.postgres_available():
            log(f"skipping PostgreSQL: no server at {common.postgres_base_url()}")
            continue
        with common.database(engine, "submit") as url:
            log(f"[submit] {engine}: migrating and seeding {ENTRIES} entries x {JURORS} jurors")
            common.migrate(url)
            seeded = seed.seed(
                url,
                entries=ENTRIES,
                jurors=JURORS,
                opds=OPDS,
                sheet_status="draft",
                missing=0.0,
                conflicts=CONFLICTS,
            )
            workload = Workload(seeded)
            env = common.server_env(url)
            if engine == engines[0]:
                points += _ceiling(url, env, seeded, workers, duration, use_wrk, threads)
            for n in workers:
                with contextlib.ExitStack() as stack:
                    servers = {}
                    for target in targets:
                        command = (
                            _floor_command(n) if target == "floor" else common.service_command(n)
                        )
                        servers[target] = stack.enter_context(Server(command, env))
                        _warm(servers[target], workload, duration, use_wrk, threads)
                    for conns in connections:
                        for target, server in servers.items():
                            points.append(
                                _point(
                                    server,
                                    url,
                                    workload,
                                    engine,
                                    n,
                                    target,
                                    conns,
                                    duration,
                                    use_wrk,
                                    threads,
                                )
                            )
    return report(points, tool, duration)


def _ceiling(
    url: str,
    env: dict[str, str],
    seeded: seed.Seeded,
    workers: tuple[int, ...],
    duration: float,
    use_wrk: bool,
    threads: int,
) -> list[Point]:
    """The generator against a no-op endpoint (same uvicorn, same request list): how fast
    the client and uvicorn go with no work at all, to compare with the floor."""
    workload = Workload(seeded, prefix="/noop")
    out = []
    for n in workers:
        with Server(_floor_command(n), env) as server:
            _warm(server, workload, duration, use_wrk, threads)
            out.append(
                _point(server, url, workload, "-", n, "noop", 64, duration, use_wrk, threads)
            )
    return out


def report(points: list[Point], tool: str, duration: float) -> dict[str, Any]:
    floor = {
        (p.engine, p.workers, p.load.connections): p.load.rps for p in points if p.target == "floor"
    }
    rows = []
    verdicts = []
    for p in points:
        key = (p.engine, p.workers, p.load.connections)
        ratio = p.load.rps / floor[key] if p.target == "service" and floor.get(key) else None
        rows.append(
            [
                p.engine,
                p.workers,
                p.load.connections,
                p.target,
                p.load.rps,
                p.load.p50_ms,
                p.load.p99_ms,
                p.load.max_ms,
                p.load.errors,
                round(p.writes / p.load.requests, 3)
                if p.load.requests and p.target != "noop"
                else None,
                p.rss_total_mb,
                p.rss_worker_mb,
                100 * p.server_cpu_s / p.load.duration_s if p.load.duration_s else None,
                100 * p.load.client_cpu_s / p.load.duration_s if p.load.duration_s else None,
                None if ratio is None else round(ratio, 2),
            ]
        )
        if p.target == "service" and p.engine in TARGETS:
            least, p99_max = TARGETS[p.engine]
            if p.load.connections == 64:
                verdicts.append(
                    f"{p.engine} w={p.workers} @64: ratio {ratio or 0:.2f} (target >= {least}) "
                    f"{'met' if ratio is not None and ratio >= least else 'NOT met'}; "
                    f"p99 {p.load.p99_ms:.1f} ms (target < {p99_max:.0f}) "
                    f"{'met' if p.load.p99_ms < p99_max else 'NOT met'}"
                )
            if p.load.connections == 256:
                stalled = p.load.max_ms > 2000 or p.load.errors > 0
                verdicts.append(
                    f"{p.engine} w={p.workers} @256: errors {p.load.errors}, max latency "
                    f"{p.load.max_ms:.0f} ms: {'NOT met' if stalled else 'met'} "
                    "(zero errors, no stall)"
                )
    headers = [
        "engine",
        "workers",
        "conns",
        "target",
        "req/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "errors",
        "writes/req",
        "RSS MB",
        "worker MB",
        "srv CPU%",
        "gen CPU%",
        "service/floor",
    ]
    print(f"\nSheet PUT, {tool}, {duration:g} s per point, loopback")
    print(common.table(headers, rows))
    print("\nTargets (issue 6): ratio >= 0.4 SQLite, >= 0.6 PostgreSQL, p99 < 100 ms at 64;")
    print("zero errors and no stall (max latency < 2 s) at 256")
    for v in verdicts:
        print("  " + v)
    print(
        "RSS MB: peak resident memory (VmHWM) summed over the server's processes; worker MB:"
        " the largest one. CPU%: of one core, over the point. gen: the load generator."
    )
    busy = max((p.load_average for p in points), default=0.0)
    cores = common.machine()["cpus"] or 1
    if busy > 0.5 * cores:
        print(
            f"note: the machine was busy with other work (load average up to {busy:.1f} on "
            f"{cores} cores before a point): absolute figures are low and noisy; the ratios, "
            "measured back to back, less so."
        )
    measured = [p.as_dict() for p in points]
    return common.finish("submit", verdicts, tool=tool, duration_s=duration, points=measured)
