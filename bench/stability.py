"""Step 8 (stability) against one ranking of the same convention (issue 12's speed target).

In process, no database: the convention is built in memory the way ``bench/seed.py`` seeds
one (its six criteria and two panels, jurors alternating between the panels, about 5% of
sheets missing, three declared conflicts, half-point scores scattered around each entry's
own quality), the sheets listed by entry as the service reads them. For each method, in
the same run and interleaved:

* **floor**: one ranking, ``scoring.rank_final`` (what ``GET /ranking`` computes once the
  sheets are read);
* **stability**: ``scoring.stability``, the full ranking and the ranking without each juror
  (|J| = the number of jurors).

Best of ``repeat``, wall and CPU seconds, with the collector as the service runs a ranking of
a large input (``big_input``: ``gc.freeze`` from 50,000 sheets). Targets: stability within 3x
one ranking for mean, median and trimmed, 6x for zscore, judged on CPU time: both are
single-threaded, so on a quiet machine wall and CPU agree, while on this shared one a short
ranking often catches a quiet moment that a longer stability run cannot, which skews the wall
ratio either way (both ratios are printed and saved).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Any

import scoring
from app.services.ranking_input import big_input
from bench import common, seed
from bench.common import log

SIZES = (5000,)
JURORS = 20
TARGETS = {"mean": 3.0, "median": 3.0, "trimmed": 3.0, "zscore": 6.0}


def contest(entries: int, jurors: int, rng_seed: int) -> scoring.Contest:
    """A one-stage convention shaped as ``seed.seed`` writes it."""
    made = seed.synthetic(entries, jurors, rng_seed)
    sheets = [scoring.Sheet(j, e, scores) for j, e, scores in made.sheets()]
    stage = scoring.Stage(1, "UTAMA", criteria=made.criteria, sheets=sheets)
    return scoring.Contest(
        (stage,),
        made.panels,
        made.jurors,
        made.entries,
        scoring.Eligibility.of(conflicts=made.conflicts),
        top_n=10,
        zscore_min_sheets=5,
    )


def _timed(fn: Callable[[], object], sheets: int) -> tuple[float, float]:
    with big_input(sheets):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        return time.perf_counter() - w0, time.process_time() - c0


def run(sizes: tuple[int, ...] = SIZES, jurors: int = JURORS, repeat: int = 5) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    for entries in sizes:
        log(f"[stability] building {entries} entries x {jurors} jurors")
        built = contest(entries, jurors, entries)
        sheets = len(built.stages[0].sheets)
        for method in scoring.METHODS:
            best = {"rank": [float("inf")] * 2, "stability": [float("inf")] * 2}
            result = scoring.stability(built, method)  # warm, and what it found
            for _ in range(repeat):
                # Interleaved, so that a busy spell of the machine weighs on both.
                for what, job in (("rank", scoring.rank_final), ("stability", scoring.stability)):
                    wall, cpu = _timed(partial(job, built, method), sheets)
                    best[what] = [min(best[what][0], wall), min(best[what][1], cpu)]
            (rank_wall, rank_cpu), (st_wall, st_cpu) = best["rank"], best["stability"]
            row = {
                "entries": entries,
                "jurors": jurors,
                "sheets": sheets,
                "method": method.value,
                "rank_ms": rank_wall * 1000,
                "stability_ms": st_wall * 1000,
                "ratio": st_wall / rank_wall,
                "rank_cpu_ms": rank_cpu * 1000,
                "stability_cpu_ms": st_cpu * 1000,
                "ratio_cpu": st_cpu / rank_cpu,
                "target": TARGETS[method.value],
                "jurors_left_out": result.jurors_left_out,
                "cusp": sum(r.verdict is scoring.Verdict.CUSP for r in result.rows),
            }
            rows.append(row)
            log(
                f"  {entries:>6} {method.value:<8} rank {rank_wall * 1000:7.1f} ms,"
                f" stability {st_wall * 1000:7.1f} ms: {row['ratio']:.2f}x"
                f" (CPU {row['ratio_cpu']:.2f}x)"
            )
    return report(rows, repeat)


def report(rows: list[dict[str, Any]], repeat: int) -> dict[str, Any]:
    print(f"\nStability (Step 8) against one ranking, in process (best of {repeat})")
    print(
        common.table(
            [
                "entries",
                "jurors",
                "sheets",
                "method",
                "rank ms",
                "stability ms",
                "x rank",
                "x rank (CPU)",
                "target",
                "cusp",
            ],
            [
                [
                    r["entries"],
                    r["jurors"],
                    r["sheets"],
                    r["method"],
                    r["rank_ms"],
                    r["stability_ms"],
                    round(r["ratio"], 2),
                    round(r["ratio_cpu"], 2),
                    r["target"],
                    r["cusp"],
                ]
                for r in rows
            ],
        )
    )
    print(
        "floor: scoring.rank_final on the same contest; stability: scoring.stability, the full"
        " ranking and one reduced ranking per juror. Wall and CPU best of each, interleaved;"
        " the targets are judged on CPU time (see the module's docstring)."
    )
    verdicts = []
    for r in rows:
        ok = r["ratio_cpu"] <= r["target"]
        verdicts.append(
            f"{r['method']} @ {r['entries']} x {r['jurors']}: {r['ratio_cpu']:.2f}x one ranking"
            f" in CPU time ({r['ratio']:.2f}x wall; target <= {r['target']:g}x)"
            f" {'met' if ok else 'NOT met'}"
        )
    common.print_targets("issue 12", verdicts)
    return common.finish("stability", verdicts, repeat=repeat, rows=rows)
