"""Timing of scoring.rank on a national contest: 50,000 entries x 20 jurors, 6 criteria.

Run from the project root (pure CPU: no database, no server):

    python -m bench scoring [--order sorted|interleaved|shuffled] [--float-scores] [--repeat 3]

Integer scores make many K0 ties, so the tie-break path is timed too. The order of the
sheets matters: listed by entry (as `ORDER BY entry_id, juror_id` returns them) a ranking
takes about half the time it takes on a submission log, where each entry's sheets and score
mappings lie scattered in memory. --repeat N reports the best of N runs.
"""

import math
import random
import time
from collections.abc import Callable
from functools import partial
from typing import TypeVar

from scoring import (
    METHODS,
    Criterion,
    Entry,
    Juror,
    Panel,
    Ranking,
    Sheet,
    disagreements,
    explain,
    panel_agreement,
    rank,
)

T = TypeVar("T")

N_ENTRIES = 50_000
N_JURORS = 20


def build(
    order: str, float_scores: bool, n_entries: int = N_ENTRIES
) -> tuple[list[Criterion], list[Panel], list[Juror], list[Entry], list[Sheet]]:
    """Sheets listed by entry ("sorted"), as a submission log where each juror works through
    the entries in id order at their own pace ("interleaved"), or in random order ("shuffled")."""
    rnd = random.Random(2018)
    criteria = [
        Criterion(i + 1, f"C{i + 1}", w, 0, 10, i + 1 if i < 2 else None)
        for i, w in enumerate((30, 20, 15, 15, 10, 10))
    ]
    panels = [Panel(1, "Akademisi", 1.0), Panel(2, "Praktisi", 1.0)]
    jurors = [Juror(j + 1, 1 + j % 2) for j in range(N_JURORS)]
    entries = [Entry(e + 1, 1 + e % 40) for e in range(n_entries)]
    codes = [c.code for c in criteria]
    base = {e.id: rnd.uniform(3, 8) for e in entries}
    pairs = [(j.id, e.id) for e in entries for j in jurors]
    # The database hands sheets back in its own order; the score mappings are then created,
    # and laid out in memory, in that order too.
    if order == "interleaved":
        pace = {j.id: rnd.uniform(0.5, 1.5) for j in jurors}
        pairs.sort(key=lambda p: p[1] * pace[p[0]] + rnd.uniform(0, 50))
    elif order == "shuffled":
        rnd.shuffle(pairs)
    sheets = []
    for juror_id, entry_id in pairs:
        mu = base[entry_id]
        if float_scores:
            scores = {c: min(10.0, max(0.0, rnd.gauss(mu, 1.5))) for c in codes}
        else:
            scores = {c: float(min(10, max(0, round(rnd.gauss(mu, 1.5))))) for c in codes}
        sheets.append(Sheet(juror_id, entry_id, scores))
    return criteria, panels, jurors, entries, sheets


def timed(fn: Callable[[], T], repeat: int) -> tuple[T, float, float]:
    """Best wall and CPU seconds over `repeat` runs (the CPU figure resists a busy machine)."""
    best_wall = best_cpu = math.inf
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        best_wall = min(best_wall, time.perf_counter() - w0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return result, best_wall, best_cpu


def run(
    order: str = "sorted", float_scores: bool = False, repeat: int = 1, entries: int = N_ENTRIES
) -> None:
    data = build(order, float_scores, entries)
    print(f"{len(data[4]):,} sheets, order={order}, float_scores={float_scores}")
    print("                   wall      cpu")
    ranking: Ranking | None = None
    for method in METHODS:
        result, wall, cpu = timed(partial(rank, *data, method=method), repeat)
        ranking = result
        tied = sum(r.tied for r in result.rows)
        broken = sum(r.decided_by not in ("score", None) for r in result.rows)
        print(
            f"rank {method:8s} {wall:6.2f} s {cpu:6.2f} s"
            f"   tied rows {tied:6d}, placed by a tie-break {broken:6d}"
        )
    conflicts = [(j, 1 + j % 40) for j in range(1, N_JURORS + 1)]
    _, wall, cpu = timed(lambda: rank(*data, conflicts=conflicts), repeat)
    print(f"rank mean+conflicts {wall:6.2f} s {cpu:6.2f} s")
    assert ranking is not None
    final = ranking
    _, wall, cpu = timed(lambda: panel_agreement(final, data[1]), repeat)
    print(f"panel_agreement    {wall:6.2f} s {cpu:6.2f} s")
    _, wall, cpu = timed(lambda: explain(*data, 1, method="zscore"), repeat)
    print(f"explain zscore     {wall:6.2f} s {cpu:6.2f} s")
    _, wall, cpu = timed(lambda: disagreements(*data), repeat)
    print(f"disagreements      {wall:6.2f} s {cpu:6.2f} s")
