"""The ranking benchmark's floors, and the bare read of the sheets (``bench/ranking.py``).

* ``floor``: one SQL ``GROUP BY`` computing each entry's mean weighted total T over its
  submitted sheets, ordered, fetched to Python (one stage);
* ``stages_floor``: one SQL ``GROUP BY`` entry and stage of the mean T with each stage's own
  criteria, then each entry's V-weighted mean of its stage means and the order, in Python
  (``seed.KIPP``'s two stages);
* ``read``: the bare driver fetching every submitted sheet's (juror, entry, scores) and
  decoding the scores with orjson: the least any Python ranking must pay.

The scores are JSON text in ``sheet.scores`` keyed by criterion code, read with
``json_extract`` (SQLite) or ``->>`` (PostgreSQL). Panels, conflicts and ties are ignored,
which is why these are floors.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import Engine, text

from bench import seed


def _total(dialect: str, criteria: Sequence[tuple[str, float, float, float, int | None]]) -> str:
    """T(j, e) of docs/scoring.md Step 1 in SQL, from the JSON scores of a sheet."""
    sum_w = math.fsum(w for _c, w, _lo, _hi, _t in criteria)
    terms = []
    for code, w, lo, hi, _t in criteria:
        value = (
            f"json_extract(scores, '$.{code}')"
            if dialect == "sqlite"
            else f"(scores->>'{code}')::float8"
        )
        terms.append(f"{w * 100.0 / ((hi - lo) * sum_w)!r} * ({value} - {lo!r})")
    return " + ".join(terms)


def floor_sql(dialect: str) -> str:
    """Mean over an entry's submitted sheets of the weighted total T (docs/scoring.md Step 1)."""
    return (
        f"SELECT entry_id, avg({_total(dialect, seed.CRITERIA)}) AS score, count(*) AS sheets"
        " FROM sheet WHERE convention_id = :cid AND status = 'submitted'"
        " GROUP BY entry_id ORDER BY score DESC, entry_id"
    )


def floor(engine: Engine, convention_id: int) -> dict[str, float]:
    sql = text(floor_sql(engine.dialect.name))
    with engine.connect() as conn:
        t0 = time.perf_counter()
        rows = conn.execute(sql, {"cid": convention_id}).all()
        t1 = time.perf_counter()
    assert rows
    return {"total": t1 - t0}


def stages_floor_sql(dialect: str, stage_ids: Sequence[int]) -> str:
    """Each entry's mean weighted total in each stage, with that stage's criteria."""
    cases = " ".join(
        f"WHEN {int(stage_id)} THEN {_total(dialect, plan.criteria)}"
        for stage_id, plan in zip(stage_ids, seed.KIPP, strict=True)
    )
    return (
        f"SELECT entry_id, stage_id, avg(CASE stage_id {cases} END) AS score FROM sheet"
        " WHERE convention_id = :cid AND status = 'submitted' GROUP BY entry_id, stage_id"
    )


def stages_floor(engine: Engine, seeded: seed.Seeded) -> dict[str, float]:
    """The per-stage means in one query, then F(e) (the stages' weighted mean) and the order."""
    sql = text(stages_floor_sql(engine.dialect.name, seeded.stage_ids))
    weight = {s: plan.weight for s, plan in zip(seeded.stage_ids, seed.KIPP, strict=True)}
    with engine.connect() as conn:
        t0 = time.perf_counter()
        sums: dict[int, list[float]] = {}
        for entry_id, stage_id, score in conn.execute(sql, {"cid": seeded.convention_id}):
            w = weight[stage_id]
            acc = sums.get(entry_id)
            if acc is None:
                sums[entry_id] = [w * score, w]
            else:
                acc[0] += w * score
                acc[1] += w
        final = sorted(((-s / w, e) for e, (s, w) in sums.items()))
        t1 = time.perf_counter()
    assert final
    return {"total": t1 - t0}


def read(engine: Engine, convention_id: int) -> dict[str, float]:
    cast = "scores" if engine.dialect.name == "sqlite" else "scores::text"
    raw = engine.raw_connection()
    try:
        cur: Any = raw.driver_connection.cursor()  # type: ignore[union-attr]
        mark = "?" if engine.dialect.name == "sqlite" else "%s"
        t0 = time.perf_counter()
        cur.execute(
            f"SELECT juror_id, entry_id, {cast} FROM sheet WHERE convention_id = {mark}"
            " AND status = 'submitted'",
            (convention_id,),
        )
        loads = orjson.loads
        sheets = [(j, e, loads(s)) for j, e, s in cur.fetchall()]
        t1 = time.perf_counter()
        cur.close()
    finally:
        raw.rollback()
        raw.close()
    assert sheets
    return {"total": t1 - t0}
