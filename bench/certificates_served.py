"""The server half of ``bench/certificates.py``: ``konvensi serve`` (one worker, SQLite)
holding a convention's certificates; the one-file PDF streamed while a juror's sheet ``GET``
runs on the same worker; and 60 parallel public PDFs from one address (defect 8 of issue 13).
"""

from __future__ import annotations

import base64
import secrets
import statistics
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from app.db import create_db_engine
from bench import common, seed

NAMES = ("Rina Marlina", "Budi Śantoso", "Ni Putu Déwi", "Yusuf Çakra", "Siti Aminah Zahra")
TIMEOUT = 30.0  # a sheet GET slower than this counts as timed out (a proxy's read timeout)


# --- the server ----------------------------------------------------------------------


def _insert_certificates(url: str, seeded: seed.Seeded, count: int) -> list[str]:
    from sqlalchemy import text

    engine = create_db_engine(url)
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    codes = [base64.b32encode(secrets.token_bytes(10)).decode() for _ in range(count)]
    columns = (
        "convention_id",
        "sequence",
        "number",
        "code",
        "kind",
        "recipient_type",
        "recipient_key",
        "recipient_name",
        "entry_id",
        "rank",
        "entry_title",
        "opd_name",
        "issued_at",
        "generation",
    )
    entries = seeded.entry_ids
    rows = (
        (
            seeded.convention_id,
            n,
            f"{n:03d}/BENCH/V/2026",
            codes[n - 1],
            "participant",
            "innovator",
            f"innovator:{n}",
            f"{NAMES[n % len(NAMES)]} {n}",
            entries[n % len(entries)],
            n,
            f"Inovasi Pelayanan {n}",
            f"Dinas {n % 40}",
            now,
            0,
        )
        for n in range(1, count + 1)
    )
    try:
        common.bulk_insert(engine, "certificate", columns, rows)
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE convention SET city = 'Solok' WHERE id = :id"),
                {"id": seeded.convention_id},
            )
    finally:
        engine.dispose()
    return codes


def _get(url: str, token: str | None = None) -> tuple[int, float]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, headers=headers), timeout=TIMEOUT
        ) as r:
            r.read()
            status = r.status
    except urllib.error.HTTPError as exc:
        exc.read()
        status = exc.code
    except OSError:
        status = 0  # timed out or refused
    return status, time.perf_counter() - t0


def _loop(url: str, token: str, stop: threading.Event, out: list[tuple[int, float]]) -> None:
    while not stop.is_set():
        out.append(_get(url, token))
        time.sleep(0.02)


def _latencies(samples: Sequence[tuple[int, float]]) -> dict[str, Any]:
    times = sorted(t for status, t in samples if status == 200)
    if not times:
        return {
            "n": len(samples),
            "median_ms": None,
            "p95_ms": None,
            "max_ms": None,
            "failed": len(samples),
        }
    return {
        "n": len(samples),
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": times[min(len(times) - 1, int(len(times) * 0.95))] * 1000,
        "max_ms": times[-1] * 1000,
        "failed": sum(1 for status, _t in samples if status != 200),
    }


def served(count: int) -> dict[str, Any]:
    with common.database("sqlite", "certificates") as url:
        common.migrate(url)
        entries = max(2, count // 2)
        seeded = seed.seed(
            url,
            entries=entries,
            jurors=2,
            opds=min(100, entries),
            sheet_status="draft",
            missing=0.0,
        )
        codes = _insert_certificates(url, seeded, count)
        admin = seeded.token(seeded.admin_id, common.SECRET)
        juror = seeded.token(seeded.juror_ids[0], common.SECRET)
        with common.Server(common.service_command(1), common.server_env(url)) as server:
            api = f"{server.url}/api/v1"
            sheet = (
                f"{api}/conventions/{seeded.convention_id}/jurors/me/sheets/{seeded.entry_ids[0]}"
            )
            # Warm: the fonts read (a public PDF), the count's query compiled (a 404).
            _get(f"{api}/certificates/{codes[-1]}.pdf")
            _get(f"{api}/conventions/{seeded.convention_id}/certificates.pdf?kind=juror", admin)
            idle = [_get(sheet, juror) for _ in range(100)]
            before = server.rss().largest
            cpu = server.cpu_seconds()
            stop, during = threading.Event(), list[tuple[int, float]]()
            loop = threading.Thread(target=_loop, args=(sheet, juror, stop, during))
            request = urllib.request.Request(
                f"{api}/conventions/{seeded.convention_id}/certificates.pdf",
                headers={"Authorization": f"Bearer {admin}"},
            )
            loop.start()
            t0 = time.perf_counter()
            first_byte, size, tail = None, 0, b""
            try:
                with urllib.request.urlopen(request, timeout=300) as response:
                    pages = int(response.headers["X-Piagam-Count"])
                    while chunk := response.read1(65536):
                        first_byte = first_byte or time.perf_counter() - t0
                        size += len(chunk)
                        tail = (tail + chunk)[-64:]
                total = time.perf_counter() - t0
            finally:
                stop.set()
                loop.join()
            cpu = server.cpu_seconds() - cpu
            peak = server.peak_rss().largest
            assert tail.rstrip().endswith(b"%%EOF") and pages == count
            burst = _public_burst(api, codes[:60], sheet, juror)
    return {
        "size": count,
        "first_byte_s": first_byte,
        "total_s": total,
        "worker_cpu_s": cpu,
        "mb": size / 1e6,
        "rss_before_mb": before,
        "rss_peak_mb": peak,
        "sheet_idle": _latencies(idle),
        "sheet_during": _latencies(during),
        "public_burst": burst,
    }


def _public_burst(api: str, codes: Sequence[str], sheet: str, juror: str) -> dict[str, Any]:
    """Defect 8: 60 parallel GETs of public PDFs (different ones) from one address."""
    stop, during = threading.Event(), list[tuple[int, float]]()
    loop = threading.Thread(target=_loop, args=(sheet, juror, stop, during))
    loop.start()
    t0 = time.perf_counter()
    try:
        with ThreadPoolExecutor(len(codes)) as pool:
            answers = list(pool.map(lambda c: _get(f"{api}/certificates/{c}.pdf"), codes))
    finally:
        stop.set()
        loop.join()
    statuses: dict[str, int] = {}
    for status, _t in answers:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    return {
        "requests": len(codes),
        "statuses": statuses,
        "last_s": max(t for _s, t in answers),
        "wall_s": time.perf_counter() - t0,
        "sheet_during": _latencies(during),
    }
