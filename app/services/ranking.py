"""Rankings: the checked request, ``scoring``'s arithmetic on the loaded convention
(``ranking_input``), and the rows as the API shows them (docs/scoring.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import scoring
from app.enums import Category, StageKind
from app.errors import ValidationFailed
from app.models import Convention, Panel, Stage
from app.services import stages
from app.services.ranking_input import EntryInfo, RankingInput, load_input


def check_method(method: str) -> str:
    try:
        return scoring.Method.parse(method)
    except ValueError as exc:
        raise ValidationFailed.field(
            ["query", "method"], f"must be one of {', '.join(scoring.METHODS)}"
        ) from exc


def check_category(category: str | None) -> str | None:
    if category is None:
        return None
    try:
        return Category(category)
    except ValueError as exc:
        raise ValidationFailed.field(
            ["query", "category"], f"must be one of {', '.join(Category)}"
        ) from exc


def row_dict(
    row: scoring.RankingRow, info: EntryInfo, *, final: bool, only_stage: str | None = None
) -> dict[str, Any]:
    """A ranking row as the API shows it. ``only_stage``: the code of a convention's one
    stage, whose score is the row's (Step 6 changes nothing with one stage)."""
    out = {
        "rank": row.rank,
        "entry_id": row.entry_id,
        "title": info.title,
        "acronym": info.acronym,
        "opd_code": info.opd_code,
        "category": info.category,
        "category_rank": row.category_rank,
        "score": row.score,
        "panel_scores": row.panel_scores,
        "sheet_count": row.sheet_count,
        "expected_sheet_count": row.expected_sheet_count,
        "complete": row.complete,
        "tied": row.tied,
        "awarded": row.awarded,
    }
    if final:
        out["reach_stage_id"] = row.reach_stage_id
        stage_scores = row.stage_scores
        if stage_scores is None:
            stage_scores = {}
            if only_stage is not None and row.score is not None:
                stage_scores = {only_stage: row.score}
        out["stage_scores"] = stage_scores
    else:
        out["advances"] = bool(row.advances)
    return out


def criterion_dict(criterion: scoring.Criterion) -> dict[str, Any]:
    """A criterion's numbers as the API shows them (the rubric of results and explanations)."""
    return {
        "code": criterion.code,
        "weight": criterion.weight,
        "min_score": criterion.min_score,
        "max_score": criterion.max_score,
        "tie_break_rank": criterion.tie_break_rank,
    }


def ranking_dict(
    data: RankingInput,
    ranking: scoring.Ranking,
    *,
    stage_id: int | None = None,
    category: str | None = None,
) -> dict[str, Any]:
    info = data.info
    final = stage_id is None
    only = only_stage(data)
    return {
        "convention_id": data.convention.id,
        "method": ranking.method,
        "top_n": ranking.top_n,
        "stage_id": stage_id,
        "category": category,
        "rows": [
            row_dict(row, info[row.entry_id], final=final, only_stage=only) for row in ranking.rows
        ],
        "warnings": [{"code": w.code, "entry_ids": list(w.entry_ids)} for w in ranking.warnings],
    }


def only_stage(data: RankingInput) -> str | None:
    stages = data.contest.stages
    return stages[0].code if len(stages) == 1 else None


def scored_stage(convention: Convention, stage_id: int) -> Stage:
    """A stage of the convention that has a ranking (422 naming ``stage_id`` otherwise)."""
    stage = stages.find(convention, stage_id, ["query", "stage_id"])
    if stage.kind != StageKind.SCORED:
        raise ValidationFailed.field(
            ["query", "stage_id"], f"stage {stage.code} is a screening stage: it has no ranking"
        )
    return stage


@dataclass(frozen=True, slots=True)
class Request:
    """A ranking asked for (the final one, a stage's or a category's), checked, with its
    convention's input loaded: what ``compute`` here and in ``stability`` take."""

    data: RankingInput
    method: str
    stage_id: int | None
    category: str | None


def request(
    session: Session,
    convention: Convention,
    method: str,
    stage_id: int | None = None,
    category: str | None = None,
) -> Request:
    """The ranking ``method`` of ``stage_id`` (None: the final one) in ``category`` (None:
    every category); 422 naming the query parameter that is wrong."""
    method = check_method(method)
    category = check_category(category)
    if stage_id is not None:
        scored_stage(convention, stage_id)
    return Request(load_input(session, convention), method, stage_id, category)


def compute(asked: Request) -> dict[str, Any]:
    """The ranking ``asked`` for: the final one, a stage's or a category's."""
    data, stage_id, category = asked.data, asked.stage_id, asked.category
    if stage_id is not None:
        ranking = data.rank_stage(stage_id, asked.method, category)
    else:
        ranking = data.rank(asked.method, category)
    return ranking_dict(data, ranking, stage_id=stage_id, category=category)


def panel_names(session: Session, convention_id: int) -> list[str]:
    return list(
        session.scalars(
            select(Panel.name).where(Panel.convention_id == convention_id).order_by(Panel.id)
        )
    )


def scored_stage_codes(convention: Convention) -> list[str]:
    """The ``stage:<code>`` columns of the final ranking's tables: one per scored stage when
    the convention has more than one stage (of any kind), else none."""
    if len(convention.stages) < 2:
        return []
    return [s.code for s in convention.stages if s.kind == StageKind.SCORED]
