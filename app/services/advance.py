"""Advancing a stage: which entries go on (the stage's rule, then the secretariat's additions
and removals with a reason), previewed without a change, or recorded in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

import scoring
from app.enums import ConventionStatus, StageKind, StageState
from app.errors import ConventionState, Duplicate, Incomplete, NotFound, ValidationFailed
from app.models import (
    Admission,
    Convention,
    Entry,
    ScreeningDecision,
    Stage,
    StageResult,
    utcnow,
)
from app.security import Principal
from app.services import admissions, ranking, stages
from app.services.ranking_input import RankingInput, load_input
from app.services.stages import first_advanced, state_of


def _selection(
    session: Session, convention: Convention, stage: Stage, method: str
) -> tuple[list[int], RankingInput, scoring.Ranking | None]:
    data = load_input(session, convention)
    selected, stage_ranking = scoring.selection(data.contest, stage.id, method)
    return selected, data, stage_ranking


def _boundary(stage_ranking: scoring.Ranking | None) -> list[dict[str, Any]]:
    if stage_ranking is None:
        return []
    return [
        {"code": w.code, "entry_ids": list(w.entry_ids)}
        for w in stage_ranking.warnings
        if w.code == "boundary_tie"
    ]


def preview(session: Session, convention: Convention, stage: Stage, method: str) -> dict[str, Any]:
    """What advancing would admit to the next stage, by the rule as it stands; changes
    nothing."""
    method = ranking.check_method(method)
    selected, _data, stage_ranking = _selection(session, convention, stage, method)
    nxt = next_stage(convention, stage)
    return {
        "stage_id": stage.id,
        "next_stage_id": nxt.id if nxt is not None else None,
        "entry_ids": selected,
        "warnings": _boundary(stage_ranking),
    }


def _check_changes(
    admitted: list[int], selected: list[int], add: list[int], remove: list[int], reason: str | None
) -> None:
    """``add``: entries of the stage the rule did not select; ``remove``: entries it selected;
    disjoint; a reason for either. Each fault a 422 naming its field."""
    in_stage = set(admitted)
    chosen = set(selected)
    faults: dict[str, list[tuple[Callable[[int], bool], str]]] = {
        "add": [
            (lambda e: e not in in_stage, "is not an entry of this stage"),
            (lambda e: e in chosen, "is already selected by the rule"),
        ],
        "remove": [
            (lambda e: e not in chosen, "is not selected by the rule"),
            (lambda e: e in add, "is in add too: they are disjoint"),
        ],
    }
    for field, entry_ids in (("add", add), ("remove", remove)):
        for index, entry_id in enumerate(entry_ids):
            for broken, fault in faults[field]:
                if broken(entry_id):
                    raise ValidationFailed.field(
                        ["body", field, index], f"entry {entry_id} {fault}"
                    )
    if (add or remove) and not (reason or "").strip():
        raise ValidationFailed.field(
            ["body", "reason"], "required when the secretariat adds or removes entries"
        )


def advance(
    session: Session,
    convention: Convention,
    stage: Stage,
    actor: Principal,
    *,
    method: str,
    add: list[int],
    remove: list[int],
    reason: str | None,
) -> dict[str, Any]:
    """Freeze the stage's ranking, admit the selection to the next stage, make it current
    and reopen judging, all in the request's one transaction (audited)."""
    method = ranking.check_method(method)
    nxt = require_advanceable(convention, stage)
    if stage.kind == StageKind.SCREENING:
        missing = undecided(session, convention, stage)
        if missing:
            raise Incomplete(
                f"{len(missing)} entries of screening stage {stage.code} have no decision yet.",
                missing,
            )
    selected, data, stage_ranking = _selection(session, convention, stage, method)
    admitted_here = [
        e for e in admissions.admitted_ids(session, convention, stage) if e in data.info
    ]
    _check_changes(admitted_here, selected, add, remove, reason)
    chosen = (set(selected) | set(add)) - set(remove)
    admitted = sorted(chosen)
    if not admitted:
        raise Incomplete(f"Nothing would go on to stage {nxt.code}: the selection is empty.", [])
    frozen = {
        "method": method,
        "rows": _frozen_rows(session, data, stage, stage_ranking, chosen),
        "warnings": _boundary(stage_ranking),
        "selected_entry_ids": admitted,
        "added_entry_ids": sorted(add),
        "removed_entry_ids": sorted(remove),
        "reason": reason,
    }
    record_advance(session, convention, stage, nxt, admitted, frozen, actor)
    return {
        "stage_id": stage.id,
        "next_stage_id": nxt.id,
        "entry_ids": admitted,
        "warnings": frozen["warnings"],
    }


def _frozen_rows(
    session: Session,
    data: RankingInput,
    stage: Stage,
    stage_ranking: scoring.Ranking | None,
    chosen: set[int],
) -> list[dict[str, Any]]:
    """The stage's ranking as it was advanced, each row's ``advances`` what was actually
    admitted; a screening stage's decisions."""
    if stage_ranking is not None:
        rows = []
        for row in stage_ranking.rows:
            out = ranking.row_dict(row, data.info[row.entry_id], final=False)
            out["advances"] = row.entry_id in chosen
            rows.append(out)
        return rows
    decisions = {
        d.entry_id: d
        for d in session.scalars(
            select(ScreeningDecision).where(ScreeningDecision.stage_id == stage.id)
        )
    }
    return [
        {
            "entry_id": entry_id,
            "title": data.info[entry_id].title,
            "passed": decisions[entry_id].passed if entry_id in decisions else None,
            "reason": decisions[entry_id].reason if entry_id in decisions else None,
            "advances": entry_id in chosen,
        }
        for entry_id in sorted(data.info)
        if entry_id in decisions or entry_id in chosen
    ]


def result_dict(stage: Stage, result: Any) -> dict[str, Any]:
    return {
        "stage_id": stage.id,
        "method": result.method,
        "rows": result.rows,
        "warnings": result.warnings,
        "entry_ids": result.selected_entry_ids,
        "added_entry_ids": result.added_entry_ids,
        "removed_entry_ids": result.removed_entry_ids,
        "reason": result.reason,
        "created_at": result.created_at,
    }


# --- advancing ----------------------------------------------------------------------------------


def next_stage(convention: Convention, stage: Stage) -> Stage | None:
    stages = convention.stages
    index = next(i for i, s in enumerate(stages) if s.id == stage.id)
    return stages[index + 1] if index + 1 < len(stages) else None


def record_advance(
    session: Session,
    convention: Convention,
    stage: Stage,
    nxt: Stage,
    admitted: Sequence[int],
    frozen: dict[str, Any],
    actor: Principal,
) -> None:
    """Freeze the stage, admit ``admitted`` to ``nxt`` and make it current; the first stage's
    own entries are fixed at the first advance. Judging reopens for the next stage."""
    now = utcnow()
    if not first_advanced(convention):
        first = convention.stages[0]
        # A_1 is every entry, a disqualified one too: it takes no part while disqualified
        # (every read leaves it out), and is back in the first stage if requalified.
        everyone = list(
            session.scalars(select(Entry.id).where(Entry.convention_id == convention.id))
        )
        if everyone:
            session.execute(
                insert(Admission), [{"stage_id": first.id, "entry_id": e} for e in everyone]
            )
    if admitted:
        session.execute(insert(Admission), [{"stage_id": nxt.id, "entry_id": e} for e in admitted])
    session.add(StageResult(stage_id=stage.id, created_by=actor.id, created_at=now, **frozen))
    stage.advanced_at = now
    before_status = convention.status
    convention.status = ConventionStatus.JUDGING
    convention.updated_at = now
    session.flush()
    session.refresh(convention, ["stages"])
    stages.TARGET.record(
        session,
        actor,
        "stage.advance",
        stage,
        before={"status": before_status, "current_stage_id": stage.id},
        after={
            "status": ConventionStatus.JUDGING,
            "current_stage_id": nxt.id,
            "method": frozen["method"],
            "admitted": len(admitted),
            "added_entry_ids": frozen["added_entry_ids"],
            "removed_entry_ids": frozen["removed_entry_ids"],
            "reason": frozen["reason"],
        },
    )


def require_advanceable(convention: Convention, stage: Stage) -> Stage:
    """The next stage, when ``stage`` may be advanced now (409 otherwise)."""
    if stage.advanced_at is not None:
        raise Duplicate(f"Stage {stage.code} has already been advanced.")
    if state_of(convention, stage) is not StageState.CURRENT:
        raise ConventionState(f"Stage {stage.code} is not the current stage.")
    nxt = next_stage(convention, stage)
    if nxt is None:
        raise ConventionState(
            f"Stage {stage.code} is the last stage: there is nothing to advance to; publish "
            "the results instead."
        )
    if convention.status != ConventionStatus.CLOSED:
        raise ConventionState(
            f"A stage is advanced only when the convention is closed; it is {convention.status}."
        )
    return nxt


def undecided(session: Session, convention: Convention, stage: Stage) -> list[int]:
    decided = set(
        session.scalars(
            select(ScreeningDecision.entry_id).where(ScreeningDecision.stage_id == stage.id)
        )
    )
    return [e for e in admissions.admitted_ids(session, convention, stage) if e not in decided]


def stage_result(session: Session, stage: Stage) -> StageResult:
    result = session.scalar(select(StageResult).where(StageResult.stage_id == stage.id))
    if result is None:
        raise NotFound(f"Stage {stage.code} has not been advanced: it has no frozen results.")
    return result
