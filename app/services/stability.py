"""Would the winner still win? Step 8 (docs/scoring.md): each entry's rank range and
award share over the rankings with one juror left out, and its verdict."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import scoring
from app.models import Account, Convention
from app.services.explain import explain_in
from app.services.ranking import Request, check_method
from app.services.ranking_input import RankingInput, big_input, load_input


def _stability(
    data: RankingInput, method: str, stage_id: int | None, category: str | None
) -> scoring.Stability:
    with big_input(data.sheet_count):
        return scoring.stability(data.contest, method, stage_id=stage_id, category=category)


def row_dict(row: scoring.StabilityRow) -> dict[str, Any]:
    return {
        "entry_id": row.entry_id,
        "rank": row.rank,
        "rank_min": row.rank_min,
        "rank_max": row.rank_max,
        "awarded_share": row.awarded_share,
        "verdict": str(row.verdict),
    }


def compute(asked: Request) -> dict[str, Any]:
    """``GET …/ranking/stability`` of the ranking ``asked`` for: rows in its order."""
    found = _stability(asked.data, asked.method, asked.stage_id, asked.category)
    return {
        "convention_id": asked.data.convention.id,
        "method": found.method,
        "stage_id": asked.stage_id,
        "category": asked.category,
        "jurors_left_out": found.jurors_left_out,
        "rows": [row_dict(row) for row in found.rows],
    }


def of_rows(data: RankingInput, method: str) -> dict[int, scoring.StabilityRow]:
    """The final ranking's stability by entry (for the exports' columns)."""
    return {row.entry_id: row for row in _stability(data, method, None, None).rows}


def explain(
    session: Session,
    convention: Convention,
    entry_id: int,
    method: str,
    stage_id: int | None = None,
) -> dict[str, Any]:
    """``GET …/ranking/entries/{id}``: the explanation of ``ranking.explain`` and, under
    ``stability``, the entry's Step 8 in the same ranking (final, or ``stage_id``'s): its
    rank range, award share, verdict and the jurors whose absence alone changes its award."""
    method = check_method(method)
    data = load_input(session, convention)
    body = explain_in(data, entry_id, method, stage_id)
    body["stability"] = _for_entry(session, data, entry_id, method, stage_id)
    return body


def _for_entry(
    session: Session, data: RankingInput, entry_id: int, method: str, stage_id: int | None
) -> dict[str, Any] | None:
    found = _stability(data, method, stage_id, None)
    row = next((r for r in found.rows if r.entry_id == entry_id), None)
    if row is None:
        return None
    names = dict(
        session.execute(
            select(Account.id, Account.full_name).where(Account.id.in_(row.changed_by))
        ).all()
    )
    return {
        **row_dict(row),
        "jurors_left_out": found.jurors_left_out,
        "changed_by": [{"juror_id": j, "full_name": names.get(j)} for j in row.changed_by],
    }
