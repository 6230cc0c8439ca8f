"""Published results: the ranking frozen once, with what proves it later.

The results carry the method, the rubric and weights used, and a SHA-256 of every counted sheet
(and a digest over them), so ``verify`` can recompute the ranking from today's sheets and say
whether it still matches.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

import scoring
from app.enums import ConventionStatus, ObjectionStatus, ResultStatus, SheetStatus
from app.errors import ConventionState, Duplicate, Incomplete, NotFound
from app.models import Convention, Objection, Result, ResultSheet, Sheet, utcnow
from app.security import Principal
from app.services import audit
from app.services.common import valid_id
from app.services.ranking import check_method, criterion_dict, ranking_dict
from app.services.ranking_input import RankingInput, load_input

RESULT = audit.Target("result")


def _sheet_hash(juror_id: int, entry_id: int, version: int, scores: dict[str, Any]) -> str:
    canonical = orjson.dumps(
        {
            "juror_id": juror_id,
            "entry_id": entry_id,
            "version": version,
            "scores": {k: float(v) for k, v in scores.items()},
        },
        option=orjson.OPT_SORT_KEYS,
    )
    return hashlib.sha256(canonical).hexdigest()


def _counted_hashes(session: Session, data: RankingInput) -> list[tuple[int, int, int, int, str]]:
    """(sheet_id, juror_id, entry_id, version, sha256) of every sheet the rankings count, in
    every scored stage, by sheet id."""
    runs = scoring.stage_runs(data.contest)
    counted: set[tuple[int, int, int]] = set()
    scores: dict[tuple[int, int, int], Any] = {}
    for stage in data.contest.stages:
        run = runs.get(stage.id)
        if run is None:
            continue
        counted.update((stage.id, j, e) for j, e, _t in run.totals())
        scores.update(((stage.id, j, e), s) for j, e, s in stage.sheets)
    hashes = []
    for sheet_id, stage_id, j, e, version in session.execute(
        select(Sheet.id, Sheet.stage_id, Sheet.juror_id, Sheet.entry_id, Sheet.version).where(
            Sheet.convention_id == data.convention.id, Sheet.status == SheetStatus.SUBMITTED
        )
    ):
        key = (stage_id, j, e)
        if key in counted:
            hashes.append((sheet_id, j, e, version, _sheet_hash(j, e, version, scores[key])))
    hashes.sort()
    return hashes


def _rubric(data: RankingInput) -> dict[str, Any]:
    c = data.convention
    return {
        "stages": [
            {
                "code": s.code,
                "kind": s.kind,
                "weight": s.weight,
                "panels": None if s.panel_ids is None else list(s.panel_ids),
                "criteria": [criterion_dict(k) for k in s.criteria],
            }
            for s in data.contest.stages
        ],
        "panels": [{"name": p.name, "weight": p.weight} for p in data.panels],
        "top_n": c.top_n,
        "zscore_min_sheets": c.zscore_min_sheets,
        "award_names": list(c.award_names),
        "award_scope": c.award_scope,
    }


def lock(session: Session, convention: Convention) -> None:
    """Serialise the writes that must happen once per convention (publishing, issuing awards):
    the convention's row locked until the transaction ends (SQLite's write lock already does)."""
    session.execute(select(Convention.id).where(Convention.id == convention.id).with_for_update())


def publish(
    session: Session,
    principal: Principal,
    convention: Convention,
    method: str,
    allow_incomplete: bool,
    objection_days: int = 0,
) -> dict[str, Any]:
    """Freeze the ranking as the convention's results (only from ``closed``, at the last
    stage, only once): ``final`` at once, or ``provisional`` for ``objection_days`` days in
    which anyone may object (docs/api.md, "Objection window")."""
    method = check_method(method)
    lock(session, convention)
    if session.scalar(select(Result.id).where(Result.convention_id == convention.id)):
        raise Duplicate("Results are already published; they are immutable.")
    if convention.status != ConventionStatus.CLOSED:
        raise ConventionState(
            f"Results are published only from closed; the convention is {convention.status}."
        )
    current = convention.current_stage
    if current is None or current.id != convention.stages[-1].id:
        raise ConventionState(
            "Results are published at the last stage; advance the current stage first."
        )
    data = load_input(session, convention)
    ranking = data.rank(method)
    body = ranking_dict(data, ranking)
    incomplete = [row["entry_id"] for row in body["rows"] if not row["complete"]]
    if incomplete and not allow_incomplete:
        raise Incomplete(
            f"{len(incomplete)} entries still miss sheets; publish with "
            '"allow_incomplete": true to publish anyway.',
            incomplete,
        )
    hashes = _counted_hashes(session, data)
    digest = _digest(hashes)
    now = utcnow()
    provisional = objection_days > 0
    result = Result(
        convention_id=convention.id,
        method=method,
        top_n=convention.top_n,
        rows=body["rows"],
        warnings=body["warnings"],
        rubric=_rubric(data),
        sheets_digest=digest,
        sheet_count=len(hashes),
        allow_incomplete=bool(incomplete),
        incomplete_entry_ids=incomplete,
        published_at=now,
        published_by=principal.id,
        status=ResultStatus.PROVISIONAL if provisional else ResultStatus.FINAL,
        objection_days=objection_days,
        objection_deadline=now + timedelta(days=objection_days) if provisional else None,
        finalized_at=None if provisional else now,
        finalized_by=None if provisional else principal.id,
    )
    session.add(result)
    session.flush()
    _store_hashes(session, result, hashes)
    RESULT.record(
        session,
        principal,
        "results.publish",
        result,
        after={
            "method": method,
            "status": result.status,
            "objection_deadline": _iso(result.objection_deadline),
            "sheets_digest": digest,
            "sheet_count": len(hashes),
            "incomplete_entry_ids": incomplete[:1000],
        },
    )
    return result_dict(result)


def _digest(hashes: list[tuple[int, int, int, int, str]]) -> str:
    return hashlib.sha256("".join(h[4] for h in hashes).encode()).hexdigest()


def _store_hashes(
    session: Session, result: Result, hashes: list[tuple[int, int, int, int, str]]
) -> None:
    session.execute(delete(ResultSheet).where(ResultSheet.result_id == result.id))
    if hashes:
        session.execute(
            insert(ResultSheet),
            [
                {
                    "result_id": result.id,
                    "sheet_id": h[0],
                    "juror_id": h[1],
                    "entry_id": h[2],
                    "version": h[3],
                    "sha256": h[4],
                }
                for h in hashes
            ],
        )


def _iso(moment: datetime | None) -> str | None:
    """RFC 3339 in UTC with ``Z``, as every time the API answers."""
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")


def finalize(session: Session, principal: Principal, convention: Convention) -> dict[str, Any]:
    """Make provisional results final: at or after the objection deadline, with no objection
    open. The ranking is recomputed from the same frozen sheets, without the entries
    disqualified meanwhile; from then on the results are immutable."""
    lock(session, convention)
    result = get_result(session, convention.id)
    if result.status == ResultStatus.FINAL:
        raise ConventionState("The results are already final; they are immutable.")
    now = utcnow()
    if result.objection_deadline is not None and now < result.objection_deadline:
        raise ConventionState(
            f"The objection window is open until {_iso(result.objection_deadline)}; "
            "finalize after it.",
            extra={"objection_deadline": _iso(result.objection_deadline)},
        )
    still_open = _open_objections(session, convention)
    if still_open:
        raise ConventionState(
            f"{len(still_open)} objection(s) are still open; resolve them first.",
            extra={"objection_ids": still_open},
        )
    data = load_input(session, convention)
    body = ranking_dict(data, data.rank(result.method))
    hashes = _counted_hashes(session, data)
    before = {"status": result.status, "sheets_digest": result.sheets_digest}
    result.rows = body["rows"]
    result.warnings = body["warnings"]
    result.incomplete_entry_ids = [r["entry_id"] for r in body["rows"] if not r["complete"]]
    result.sheets_digest = _digest(hashes)
    result.sheet_count = len(hashes)
    result.status = ResultStatus.FINAL
    result.finalized_at = now
    result.finalized_by = principal.id
    _store_hashes(session, result, hashes)
    session.flush()
    RESULT.record(
        session,
        principal,
        "results.finalize",
        result,
        before=before,
        after={"status": result.status, "sheets_digest": result.sheets_digest},
    )
    return result_dict(result)


def _open_objections(session: Session, convention: Convention) -> list[int]:
    """The ids of the convention's objections still open."""
    return list(
        session.scalars(
            select(Objection.id).where(
                Objection.convention_id == convention.id, Objection.status == ObjectionStatus.OPEN
            )
        )
    )


def withdraw(
    session: Session, principal: Principal, convention: Convention, reason: str
) -> dict[str, Any]:
    """Withdraw provisional results: they are gone (a new publication is allowed), their open
    objections void, and judging may reopen. Final results never (409)."""
    lock(session, convention)
    result = get_result(session, convention.id)
    if result.status == ResultStatus.FINAL:
        raise ConventionState("The results are final; they cannot be withdrawn.")
    voided = _open_objections(session, convention)
    if voided:
        session.execute(
            update(Objection)
            .where(Objection.id.in_(voided))
            .values(status=ObjectionStatus.VOID, resolved_at=utcnow(), resolved_by=principal.id)
        )
    withdrawn = result_dict(result)
    RESULT.record(
        session,
        principal,
        "results.withdraw",
        result,
        before={"status": result.status, "sheets_digest": result.sheets_digest},
        after={"reason": reason, "voided_objection_ids": voided},
    )
    session.delete(result)
    session.flush()
    return {
        "convention_id": convention.id,
        "withdrawn": True,
        "reason": reason,
        "voided_objection_ids": voided,
        "results": withdrawn,
    }


def result_dict(result: Result) -> dict[str, Any]:
    return {
        "convention_id": result.convention_id,
        "method": result.method,
        "top_n": result.top_n,
        "rows": result.rows,
        "warnings": result.warnings,
        "published_at": result.published_at,
        "rubric": result.rubric,
        "sheets_digest": result.sheets_digest,
        "sheet_count": result.sheet_count,
        "allow_incomplete": result.allow_incomplete,
        "incomplete_entry_ids": result.incomplete_entry_ids,
        "status": result.status,
        "objection_days": result.objection_days,
        "objection_deadline": result.objection_deadline,
        "finalized_at": result.finalized_at,
    }


UNPUBLISHED = "No published results for this convention."


def public_result(session: Session, convention_id: int) -> Result:
    """Published results for anyone: an unknown convention and an unpublished one answer the
    same 404, so the public learns nothing of what is not published."""
    result = (
        session.scalar(select(Result).where(Result.convention_id == convention_id))
        if valid_id(convention_id)
        else None
    )
    if result is None:
        # No id in the text either: the answer is the same byte for byte.
        raise NotFound(UNPUBLISHED)
    return result


def final_result(session: Session, convention_id: int, issuing: str) -> Result:
    """The final results: awards and certificates come only from them (409 before
    publication, and while they are provisional)."""
    result = session.scalar(select(Result).where(Result.convention_id == convention_id))
    if result is None:
        raise ConventionState(
            f"Results are not published yet; publish them before issuing {issuing}."
        )
    if result.status != ResultStatus.FINAL:
        window = "The results are provisional (objection window)"
        raise ConventionState(f"{window}; finalize them before issuing {issuing}.")
    return result


def get_result(session: Session, convention_id: int) -> Result:
    result = session.scalar(select(Result).where(Result.convention_id == convention_id))
    if result is None:
        raise NotFound(f"Convention {convention_id} has no published results.")
    return result


def verify(session: Session, convention: Convention) -> dict[str, Any]:
    """Recompute the published ranking from today's sheets and say whether it matches."""
    result = get_result(session, convention.id)
    data = load_input(session, convention)
    now = ranking_dict(data, data.rank(result.method))
    frozen_hashes = {
        (sheet_id, j, e): h
        for sheet_id, j, e, h in session.execute(
            select(
                ResultSheet.sheet_id, ResultSheet.juror_id, ResultSheet.entry_id, ResultSheet.sha256
            ).where(ResultSheet.result_id == result.id)
        )
    }
    current_hashes = {(i, j, e): h for i, j, e, _v, h in _counted_hashes(session, data)}
    changed = sorted(
        {
            k
            for k in frozen_hashes.keys() | current_hashes.keys()
            if frozen_hashes.get(k) != current_hashes.get(k)
        }
    )
    differing = _differing_rows(result.rows, now["rows"])
    return {
        "convention_id": convention.id,
        "method": result.method,
        "matches": not changed and not differing,
        "changed_sheets": [
            {"sheet_id": i, "juror_id": j, "entry_id": e} for i, j, e in changed[:1000]
        ],
        "differing_entry_ids": differing[:1000],
    }


def _differing_rows(frozen: Iterable[dict[str, Any]], now: Iterable[dict[str, Any]]) -> list[int]:
    def key(row: dict[str, Any]) -> tuple[Any, ...]:
        score = row["score"]
        return (
            row["rank"],
            None if score is None else round(score, 9),
            row["tied"],
            row["awarded"],
        )

    frozen_by_id = {row["entry_id"]: key(row) for row in frozen}
    now_by_id = {row["entry_id"]: key(row) for row in now}
    return sorted(
        e for e in frozen_by_id.keys() | now_by_id.keys() if frozen_by_id.get(e) != now_by_id.get(e)
    )
