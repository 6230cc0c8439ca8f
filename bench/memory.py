"""Resident memory of one ranking at national scale (issue 12): the sheets as a tuple and a
dict each, as ``app.services.ranking_input.submitted_sheets`` hands them to scoring today, against
the same sheets as columns (``scoring.SheetColumns``: ``array('q')`` ids, ``array('d')`` per
criterion).

Each form in a process of its own (``python -m bench.memory --child FORM``), with the app
imported as in a worker: it builds the sheets of 50,000 entries x 20 jurors in memory, shaped
as ``bench/seed.py`` seeds them and sorted by entry as the service reads them, ranks them
once by ``mean`` under the service's collector policy (``big_input``), and reports its peak
resident memory (``ru_maxrss``) after the imports, after the input and after the ranking,
with the ranking's time and a digest of its rows (both forms must agree). Target: under
400 MB at the peak.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import time
from array import array
from typing import Any

from bench import common

TARGET_MB = 400.0
_COLUMNS = (
    "form",
    "entries",
    "jurors",
    "sheets",
    "imported_mb",
    "input_mb",
    "peak_mb",
    "rank_s",
    "digest",
)
FORMS = ("dicts", "columns")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(form: str, entries: int, jurors: int) -> dict[str, Any]:
    import scoring
    from app.services.ranking_input import big_input
    from bench import seed

    imported = _peak_mb()
    made = seed.synthetic(entries, jurors, entries)
    sheets: Any
    if form == "dicts":
        sheets = list(made.sheets())
    else:
        juror_ids, entry_ids = array("q"), array("q")
        columns = {c.code: array("d") for c in made.criteria}
        for j, e, scores in made.sheets():
            juror_ids.append(j)
            entry_ids.append(e)
            for c, v in scores.items():
                columns[c].append(v)
        sheets = scoring.SheetColumns(juror_ids, entry_ids, columns)
    count = len(sheets)
    loaded = _peak_mb()
    with big_input(count):
        t0 = time.perf_counter()
        ranking = scoring.rank(
            made.criteria,
            made.panels,
            made.jurors,
            made.entries,
            sheets,
            method="mean",
            conflicts=made.conflicts,
        )
        seconds = time.perf_counter() - t0
    digest = hashlib.sha256(
        repr([(r.entry_id, r.rank, r.score, r.tied, r.awarded) for r in ranking.rows]).encode()
    ).hexdigest()[:16]
    return {
        "form": form,
        "entries": entries,
        "jurors": jurors,
        "sheets": count,
        "imported_mb": imported,
        "input_mb": loaded,
        "peak_mb": _peak_mb(),
        "rank_s": seconds,
        "digest": digest,
    }


def run(entries: int = 50_000, jurors: int = 20) -> dict[str, Any]:
    rows = []
    for form in FORMS:
        common.log(f"[memory] {form}: {entries} entries x {jurors} jurors, in its own process")
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.memory",
                "--child",
                form,
                "--entries",
                str(entries),
                "--jurors",
                str(jurors),
            ],
            cwd=common.ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=900,
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print("\nOne ranking (mean) and its peak resident memory, by the form of the sheets")
    headers = ["form", "entries", "jurors", "sheets", "MB imported", "MB with input", "MB peak"]
    print(common.table([*headers, "rank s", "digest"], [[r[k] for k in _COLUMNS] for r in rows]))
    same = len({r["digest"] for r in rows}) == 1
    verdicts = [
        f"{r['form']}: peak {r['peak_mb']:.0f} MB (target < {TARGET_MB:.0f} MB)"
        f" {'met' if r['peak_mb'] < TARGET_MB else 'NOT met'}"
        for r in rows
    ]
    verdicts.append(f"same ranking from both forms: {'yes' if same else 'NO'}")
    common.print_targets("issue 12", verdicts)
    return common.finish("memory", verdicts, rows=rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.memory")
    parser.add_argument("--child", choices=FORMS, default=None)
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--jurors", type=int, default=20)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.entries, args.jurors)))
    else:
        run(args.entries, args.jurors)
