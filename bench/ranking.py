"""The ranking against its floor, by size, engine and method (issue 4's benchmark).

Synthetic conventions (``bench/seed.py``): 158 entries x 10 jurors, 5,000 x 20 and
50,000 x 20, six criteria, two panels, about 5% of sheets missing, a few declared conflicts,
every other sheet submitted. For each, in the same run:

* **service**: what ``GET /ranking`` does, from the database to the rows, in process:
  ``app.services.ranking_input.load_input`` + ``.rank(method)`` + ``ranking_dict`` (the shaping),
  for each method, timed separately (load / rank / shape); best of ``repeat`` rounds, each
  round running the floor, the read and every method in turn;
* **floor**: one SQL ``GROUP BY`` computing each entry's mean weighted total over its
  submitted sheets and ordering by it, fetched to Python (``bench/ranking_floor.py``);
* **read**: the bare driver fetching every submitted sheet's (juror, entry, scores) and
  decoding the scores with orjson: the least any Python ranking must pay;
* once through HTTP for the largest size (``konvensi serve``, one worker, ``method=mean``),
  and the worker's resident memory before and after (target: under 300 MB) and its peak
  during the request (issue 12: under 400 MB at 50,000 x 20).

``--stages 2`` (issue 17) ranks a convention judged in two scored stages instead, shaped like a
provincial KIPP (``seed.KIPP``: proposal 70 with the six criteria, presentation 30 with four
of its own, each stage its own two panels and ``jurors`` jurors, every entry admitted to both,
entries spread over the seven categories), 5,000 entries x 20 jurors per stage by default. The
service is the final ranking (Step 6, the same code as ``GET /ranking``); the floor is one SQL
``GROUP BY`` entry and stage of the mean weighted total (each stage's own criteria), the
stages' V-weighted mean of those per entry and a sort, in Python. Target: within 3x.
"""

from __future__ import annotations

import itertools
import math
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

import scoring
from app.db import Database, create_db_engine
from app.enums import Category
from app.models import Convention
from app.services import ranking as service
from app.services.ranking_input import load_input
from bench import common, seed
from bench import ranking_floor as floors
from bench.common import Server, log

SIZES = (158, 5000, 50000)
STAGES_SIZES = (5000,)
JURORS = {158: 10}
DEFAULT_JURORS = 20
MEMORY_TARGET_MB = 300.0
PEAK_TARGET_MB = 400.0
RATIO_TARGET = 3.0


@dataclass
class Timing:
    engine: str
    entries: int
    jurors: int  # per stage
    sheets: int
    what: str  # a method, "floor" or "read"
    seconds: float
    parts: dict[str, float] = field(default_factory=dict)
    stages: int = 1


def _service(db: Database, convention_id: int, method: str) -> dict[str, float]:
    with db.session(write=False) as session:
        t0 = time.perf_counter()
        convention = session.get(Convention, convention_id)
        assert convention is not None
        data = load_input(session, convention)
        t1 = time.perf_counter()
        result = data.rank(method)
        t2 = time.perf_counter()
        body = service.ranking_dict(data, result)
        t3 = time.perf_counter()
        session.rollback()
    assert len(body["rows"]) == len(data.contest.entries)
    return {"total": t3 - t0, "load": t1 - t0, "rank": t2 - t1, "shape": t3 - t2}


def _http(url: str, seeded: seed.Seeded) -> dict[str, Any]:
    """GET /ranking?method=mean once through a real server; its worker's memory around it."""
    token = seeded.token(seeded.admin_id, common.SECRET)
    with Server(common.service_command(1), common.server_env(url)) as server:
        before = server.rss()
        request = urllib.request.Request(
            f"{server.url}/api/v1/conventions/{seeded.convention_id}/ranking?method=mean",
            headers={"Authorization": f"Bearer {token}"},
        )
        t0 = time.perf_counter()
        with urllib.request.urlopen(request, timeout=300) as response:
            body = response.read()
            status = response.status
        seconds = time.perf_counter() - t0
        time.sleep(1.0)
        after = server.rss()
        peak = server.peak_rss()
    rows = len(orjson.loads(body)["rows"]) if status == 200 else 0
    return {
        "status": status,
        "seconds": seconds,
        "bytes": len(body),
        "rows": rows,
        "rss_before_mb": before.largest,
        "rss_after_mb": after.largest,
        "rss_peak_mb": peak.largest,
    }


def run(
    engines: tuple[str, ...] = common.ENGINES,
    sizes: tuple[int, ...] = SIZES,
    repeat: int = 3,
    http: bool = True,
    stages: int = 1,
    jurors: int | None = None,
) -> dict[str, Any]:
    """``stages``: 1 (``seed.ONE_STAGE``) or 2 (``seed.KIPP``); ``jurors``: per stage (by
    default 10 at 158 entries, else 20)."""
    if stages not in (1, 2):
        raise ValueError("stages: 1 or 2")
    plans = seed.ONE_STAGE if stages == 1 else seed.KIPP
    categories = ("teknologi",) if stages == 1 else tuple(Category)
    timings: list[Timing] = []
    served: list[dict[str, Any]] = []
    for engine in engines:
        if engine == "postgresql" and not common.postgres_available():
            log(f"skipping PostgreSQL: no server at {common.postgres_base_url()}")
            continue
        with common.database(engine, "ranking") as url:
            common.migrate(url)
            for entries in sizes:
                per_stage = jurors or JURORS.get(entries, DEFAULT_JURORS)
                log(
                    f"[ranking] {engine}: seeding {entries} entries x {per_stage} jurors"
                    f" x {stages} stage(s)"
                )
                t0 = time.perf_counter()
                seeded = seed.seed(
                    url,
                    entries=entries,
                    jurors=per_stage,
                    opds=max(10, min(500, entries // 25)),
                    sheet_status="submitted",
                    missing=0.05,
                    conflicts=3,
                    status="closed",
                    seed=entries,
                    stages=plans,
                    categories=categories,
                )
                log(f"  {seeded.sheet_count} sheets in {time.perf_counter() - t0:.1f} s")
                timings += _measure(engine, url, seeded, entries, per_stage, repeat, stages)
                if http and entries == max(sizes):
                    log(f"  HTTP ranking and memory ({engine}, {entries} entries)")
                    served.append({"engine": engine, "entries": entries, **_http(url, seeded)})
    return report(timings, served, repeat)


def _measure(
    engine: str,
    url: str,
    seeded: seed.Seeded,
    entries: int,
    jurors: int,
    reps: int,
    stages: int = 1,
) -> list[Timing]:
    sql_engine = create_db_engine(url)
    db = Database(sql_engine)
    cid = seeded.convention_id
    out = []
    floor: Callable[[], dict[str, float]] = (
        (lambda: floors.floor(sql_engine, cid))
        if stages == 1
        else (lambda: floors.stages_floor(sql_engine, seeded))
    )
    try:
        # Warm the caches (compiled statements, the database's pages) before timing.
        floor()
        jobs: list[tuple[str, Callable[[], dict[str, float]]]] = [
            ("floor", floor),
            ("read", lambda: floors.read(sql_engine, cid)),
        ]
        for method in scoring.METHODS:
            jobs.append((method, lambda m=method: _service(db, cid, m)))  # type: ignore[misc]
        # Interleaved: each round runs every job once, so that a busy spell on a shared machine
        # weighs on the floor and the service alike; the best round of each is kept.
        runs: dict[str, list[dict[str, float]]] = {what: [] for what, _job in jobs}
        for _round in range(reps):
            for what, job in jobs:
                runs[what].append(job())
        for what, _job in jobs:
            best = min(runs[what], key=lambda r: r["total"])
            parts = {k: v for k, v in best.items() if k != "total"}
            out.append(
                Timing(
                    engine, entries, jurors, seeded.sheet_count, what, best["total"], parts, stages
                )
            )
            log(f"  {engine:<10} {entries:>6} {what:<8} {best['total'] * 1000:9.1f} ms")
    finally:
        sql_engine.dispose()
    return out


def report(timings: list[Timing], served: list[dict[str, Any]], repeat: int) -> dict[str, Any]:
    floors = {(t.engine, t.entries): t.seconds for t in timings if t.what == "floor"}
    reads = {(t.engine, t.entries): t.seconds for t in timings if t.what == "read"}
    rows = []
    for t in timings:
        key = (t.engine, t.entries)
        rows.append(
            [
                t.engine,
                t.stages,
                t.entries,
                t.jurors,
                t.sheets,
                t.what,
                t.seconds * 1000,
                t.parts.get("load", 0) * 1000 if t.parts else None,
                t.parts.get("rank", 0) * 1000 if t.parts else None,
                t.parts.get("shape", 0) * 1000 if t.parts else None,
                t.seconds * 1e6 / t.sheets if t.sheets else None,
                round(t.seconds / floors[key], 2) if key in floors else None,
                round(t.seconds / reads[key], 2) if key in reads else None,
            ]
        )
    print(f"\nRanking, from the database to the rows (best of {repeat} interleaved rounds)")
    print(
        common.table(
            [
                "engine",
                "stages",
                "entries",
                "jurors",
                "sheets",
                "what",
                "ms",
                "load ms",
                "rank ms",
                "shape ms",
                "us/sheet",
                "x floor",
                "x read",
            ],
            rows,
        )
    )
    multi = any(t.stages > 1 for t in timings)
    print(
        (
            "floor: one SQL GROUP BY entry and stage of the mean weighted total (json_extract /"
            " ->> over sheet.scores, each stage's criteria), then the stages' weighted mean per"
            " entry and the order in Python; "
            if multi
            else "floor: one SQL GROUP BY of the mean weighted total per entry (json_extract /"
            " ->> over sheet.scores), ordered; "
        )
        + "read: the bare driver fetching (juror, entry, scores) and orjson-decoding them."
    )
    growth = _growth(timings)
    if growth:
        print("\nGrowth with the number of sheets (exponent b of time ~ sheets^b; 1 is linear)")
        print(
            common.table(
                ["engine", "what", "from", "to", "sheets x", "time x", "b"],
                [
                    [g["engine"], g["what"], g["from"], g["to"], g["sheets_x"], g["time_x"], g["b"]]
                    for g in growth
                ],
            )
        )
    verdicts = []
    largest = max((t.entries for t in timings), default=0)
    for t in timings:
        if t.what == "mean" and t.entries == largest and (t.engine, t.entries) in floors:
            ratio = t.seconds / floors[(t.engine, t.entries)]
            where = "meaningful at 50,000" if t.stages == 1 else "issue 17: 5,000 x 20 a stage"
            verdicts.append(
                f"{t.engine} mean @ {t.entries} entries x {t.stages} stage(s): {ratio:.2f}x the"
                f" floor (target <= {RATIO_TARGET:g}x, {where}) "
                f"{'met' if ratio <= RATIO_TARGET else 'NOT met'}"
            )
    for s in served:
        verdicts.append(
            f"{s['engine']} HTTP GET /ranking?method=mean @ {s['entries']}: {s['seconds']:.2f} s,"
            f" worker RSS {s['rss_before_mb']:.0f} MB before, {s['rss_after_mb']:.0f} MB after,"
            f" peak {s['rss_peak_mb']:.0f} MB (target after < {MEMORY_TARGET_MB:.0f} MB) "
            f"{'met' if s['rss_after_mb'] < MEMORY_TARGET_MB else 'NOT met'}"
        )
        verdicts.append(
            f"{s['engine']} worker peak during GET /ranking @ {s['entries']}:"
            f" {s['rss_peak_mb']:.0f} MB (issue 12: target < {PEAK_TARGET_MB:.0f} MB at 50,000"
            f" x 20) {'met' if s['rss_peak_mb'] < PEAK_TARGET_MB else 'NOT met'}"
        )
    if verdicts:
        common.print_targets("issues 4, 6, 12 and 17", verdicts)
    timed = [t.__dict__ for t in timings]
    return common.finish(
        "ranking", verdicts, repeat=repeat, timings=timed, growth=growth, http=served
    )


def _growth(timings: list[Timing]) -> list[dict[str, Any]]:
    out = []
    series: dict[tuple[str, str], list[Timing]] = {}
    for t in timings:
        series.setdefault((t.engine, t.what), []).append(t)
    for (engine, what), ts in series.items():
        ts.sort(key=lambda t: t.sheets)
        for a, b in itertools.pairwise(ts):
            if a.sheets and b.sheets > a.sheets and a.seconds > 0:
                sx, tx = b.sheets / a.sheets, b.seconds / a.seconds
                out.append(
                    {
                        "engine": engine,
                        "what": what,
                        "from": a.sheets,
                        "to": b.sheets,
                        "sheets_x": round(sx, 1),
                        "time_x": round(tx, 1),
                        "b": round(math.log(tx) / math.log(sx), 2),
                    }
                )
    return out
