"""Why a ranking is what it is: one entry's arithmetic (``GET …/ranking/entries/{id}``) and
how far panels and jurors agree (``GET …/ranking/agreement``; docs/scoring.md Step 9)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy.orm import Session

import scoring
from app.errors import NotFound
from app.models import Convention
from app.services.ranking import check_method, criterion_dict, only_stage, row_dict, scored_stage
from app.services.ranking_input import RankingInput, load_input


def explain_in(
    data: RankingInput, entry_id: int, method: str, stage_id: int | None
) -> dict[str, Any]:
    """How an entry's numbers come about (``method`` checked): in ``stage_id``, or (the final
    ranking) in the stage its final place rests on, t(e) (docs/scoring.md Step 6).
    ``stability.explain`` adds the entry's Step 8 to it."""
    convention = data.convention
    if entry_id not in data.info:
        raise NotFound(f"Entry {entry_id} not found in convention {convention.id}.")
    stage: scoring.Stage | None
    if stage_id is not None:
        scored_stage(convention, stage_id)
        ranking = data.rank_stage(stage_id, method)
        stage = data.stage(stage_id)
    else:
        ranking = data.rank(method)
        stage = _scored_reach(data, ranking, entry_id)
    row = next((r for r in ranking.rows if r.entry_id == entry_id), None)
    if row is None or stage is None:
        raise NotFound(f"Entry {entry_id} has no place in this ranking.")
    explanation = scoring.explain_in(data.contest, stage, ranking, entry_id, method)
    body = asdict(explanation)
    body["stage_id"] = stage.id
    body["row"] = row_dict(
        row, data.info[entry_id], final=stage_id is None, only_stage=only_stage(data)
    )
    body["row"]["decided_by"] = row.decided_by
    body["row"]["keys"] = list(row.keys)
    panel_of = {p.id: p.name for p in data.panels}
    for juror in body["jurors"]:
        juror["panel"] = panel_of.get(juror["panel_id"])
    body["criteria"] = [criterion_dict(k) for k in stage.criteria]
    return body


def _scored_reach(
    data: RankingInput, ranking: scoring.Ranking, entry_id: int
) -> scoring.Stage | None:
    """t(e): the entry's reach if scored, else the last scored stage before it."""
    row = next((r for r in ranking.rows if r.entry_id == entry_id), None)
    if row is None or row.reach_stage_id is None:
        return None
    found: scoring.Stage | None = None
    for stage in data.contest.stages:
        if stage.kind is scoring.StageKind.SCORED:
            found = stage
        if stage.id == row.reach_stage_id:
            break
    return found


def agreement(
    session: Session, convention: Convention, method: str, threshold: float, top: int
) -> dict[str, Any]:
    method = check_method(method)
    data = load_input(session, convention)
    ranking = data.rank(method)
    panels = list(data.panels)
    pairs = scoring.panel_agreement(ranking, panels)
    per_panel = scoring.panel_rankings(ranking, panels)
    runs = scoring.stage_runs(data.contest, method)
    spread: list[tuple[int, int, float]] = []
    per_stage = []
    for stage in data.contest.stages:
        if stage.kind is not scoring.StageKind.SCORED:
            continue
        run = runs.get(stage.id)
        totals = run.totals() if run is not None else []
        stage_panels = (
            run.panels()
            if run is not None
            else [p for p in panels if stage.panel_ids is None or p.id in stage.panel_ids]
        )
        panel_ids = {p.id for p in stage_panels}
        stage_jurors = [j for j in data.contest.jurors if j.panel_id in panel_ids]
        found = scoring.stage_agreement(totals, stage_jurors, stage_panels)
        per_stage.append(
            {
                "stage_id": stage.id,
                "panels": [asdict(p) for p in found.panels],
                "jurors": [asdict(j) for j in found.jurors],
            }
        )
        spread.extend((stage.id, e, d) for e, d in _spread(totals, threshold))
    return {
        "convention_id": convention.id,
        "method": method,
        "pairs": [asdict(p) for p in pairs],
        "panel_rankings": {
            name: [{"rank": r, "entry_id": e, "score": s} for r, e, s in rows[:top]]
            for name, rows in per_panel.items()
        },
        "disagreement_threshold": threshold,
        "disagreements": [
            {"entry_id": e, "spread": d, "stage_id": s} for s, e, d in sorted(spread)
        ],
        "stages": per_stage,
    }


def _spread(totals: list[tuple[int, int, float]], threshold: float) -> list[tuple[int, float]]:
    """Entries whose jurors' totals spread more than ``threshold`` (max T - min T)."""
    low: dict[int, float] = {}
    high: dict[int, float] = {}
    for _juror, entry, value in totals:
        low[entry] = min(low.get(entry, value), value)
        high[entry] = max(high.get(entry, value), value)
    return [(e, high[e] - low[e]) for e in sorted(low) if high[e] - low[e] > threshold]
