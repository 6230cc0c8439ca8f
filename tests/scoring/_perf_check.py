"""Timing of scoring.rank on a national contest: 50,000 entries x 20 jurors, 6 criteria.

Not collected by pytest (leading underscore). Run from the project root:

    .venv/bin/python tests/scoring/_perf_check.py [--shuffle] [--float-scores]

Integer scores make many K0 ties, so the tie-break path is timed too.
"""

import random
import sys
import time

from scoring import METHODS, Criterion, Entry, Juror, Panel, Sheet, rank

N_ENTRIES = 50_000
N_JURORS = 20


def build(
    shuffle: bool, float_scores: bool
) -> tuple[list[Criterion], list[Panel], list[Juror], list[Entry], list[Sheet]]:
    rnd = random.Random(2018)
    criteria = [
        Criterion(i + 1, f"C{i + 1}", w, 0, 10, i + 1 if i < 2 else None)
        for i, w in enumerate((30, 20, 15, 15, 10, 10))
    ]
    panels = [Panel(1, "Akademisi", 1.0), Panel(2, "Praktisi", 1.0)]
    jurors = [Juror(j + 1, 1 + j % 2) for j in range(N_JURORS)]
    entries = [Entry(e + 1, 1 + e % 40) for e in range(N_ENTRIES)]
    codes = [c.code for c in criteria]
    sheets = []
    for e in entries:
        base = rnd.uniform(3, 8)
        for j in jurors:
            if float_scores:
                scores = {c: min(10.0, max(0.0, rnd.gauss(base, 1.5))) for c in codes}
            else:
                scores = {c: float(min(10, max(0, round(rnd.gauss(base, 1.5))))) for c in codes}
            sheets.append(Sheet(j.id, e.id, scores))
    if shuffle:
        rnd.shuffle(sheets)
    return criteria, panels, jurors, entries, sheets


def main() -> None:
    shuffle = "--shuffle" in sys.argv
    float_scores = "--float-scores" in sys.argv
    data = build(shuffle, float_scores)
    print(f"{len(data[4]):,} sheets, shuffle={shuffle}, float_scores={float_scores}")
    for method in METHODS:
        t0 = time.perf_counter()
        ranking = rank(*data, method=method)
        elapsed = time.perf_counter() - t0
        tied = sum(r.tied for r in ranking.rows)
        broken = sum(r.decided_by not in ("score", None) for r in ranking.rows)
        print(
            f"{method:8s} {elapsed:6.2f} s   tied rows {tied:6d}, decided by tie-break {broken:6d}"
        )
    t0 = time.perf_counter()
    rank(*data, method="mean", conflicts=[(j, 1 + j % 40) for j in range(1, N_JURORS + 1)])
    print(f"mean with conflicts {time.perf_counter() - t0:6.2f} s")


if __name__ == "__main__":
    main()
