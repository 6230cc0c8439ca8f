"""Rankings and published results: the database feeds ``scoring``, which does the arithmetic.

Sheets are read with one query on the driver's own cursor, in blocks, and each block's scores
decoded by one orjson call: at national scale (50,000 entries x 20 jurors) reading a million
sheets is most of the cost of a ranking (``python -m bench ranking``).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

import scoring
from app.errors import ConventionState, Duplicate, NotFound, ValidationFailed
from app.models import (
    Account,
    Assignment,
    Convention,
    Criterion,
    Entry,
    JurorConflict,
    Opd,
    Panel,
    Recusal,
    Result,
    ResultSheet,
    Sheet,
    utcnow,
)
from app.security import Principal
from app.services import audit
from app.services.sheets import STAGE


@dataclass(frozen=True, slots=True)
class EntryInfo:
    title: str
    acronym: str | None
    opd_code: str


@dataclass
class RankingInput:
    """Everything a ranking needs, as the plain data ``scoring`` takes."""

    convention: Convention
    criteria: list[scoring.Criterion]
    panels: list[scoring.Panel]
    jurors: list[scoring.Juror]
    entries: list[scoring.Entry]
    info: dict[int, EntryInfo]
    conflicts: list[tuple[int, int]]
    recusals: list[tuple[int, int]]
    assignments: list[tuple[int, int]] | None
    sheets: list[tuple[int, int, dict[str, float]]]

    def eligibility(self) -> dict[str, Any]:
        return {
            "conflicts": self.conflicts,
            "recusals": self.recusals,
            "assignments": self.assignments,
        }

    def rank(self, method: str) -> scoring.Ranking:
        c = self.convention
        return scoring.rank(
            self.criteria,
            self.panels,
            self.jurors,
            self.entries,
            self.sheets,
            method=method,
            top_n=c.top_n,
            zscore_min_sheets=c.zscore_min_sheets,
            **self.eligibility(),
        )


def check_method(method: str) -> str:
    if method not in scoring.METHODS:
        raise ValidationFailed.field(
            ["query", "method"], f"must be one of {', '.join(scoring.METHODS)}"
        )
    return method


def load_input(session: Session, convention: Convention) -> RankingInput:
    cid = convention.id
    criteria = [
        scoring.Criterion(c.id, c.code, c.weight, c.min_score, c.max_score, c.tie_break_rank)
        for c in session.scalars(
            select(Criterion).where(Criterion.convention_id == cid).order_by(Criterion.id)
        )
    ]
    panels = [
        scoring.Panel(p.id, p.name, p.weight)
        for p in session.scalars(select(Panel).where(Panel.convention_id == cid).order_by(Panel.id))
    ]
    jurors = [
        scoring.Juror(j, p or 0)
        for j, p in session.execute(
            select(Account.id, Account.panel_id)
            .where(Account.convention_id == cid, Account.role == "juror")
            .order_by(Account.id)
        )
    ]
    entries: list[scoring.Entry] = []
    info: dict[int, EntryInfo] = {}
    for entry_id, opd_id, title, acronym, opd_code in session.execute(
        select(Entry.id, Entry.opd_id, Entry.title, Entry.acronym, Opd.code)
        .join(Opd, Opd.id == Entry.opd_id)
        .where(Entry.convention_id == cid)
        .order_by(Entry.id)
    ):
        entries.append(scoring.Entry(entry_id, opd_id))
        info[entry_id] = EntryInfo(title, acronym, opd_code)
    conflicts = [
        (j, o)
        for j, o in session.execute(
            select(JurorConflict.juror_id, JurorConflict.opd_id)
            .join(Account, Account.id == JurorConflict.juror_id)
            .where(Account.convention_id == cid)
        )
    ]
    recusals = [
        (j, e)
        for j, e in session.execute(
            select(Recusal.juror_id, Recusal.entry_id)
            .join(Entry, Entry.id == Recusal.entry_id)
            .where(Entry.convention_id == cid)
        )
    ]
    assignments = None
    if convention.assignment_mode == "assigned":
        assignments = [
            (j, e)
            for j, e in session.execute(
                select(Assignment.juror_id, Assignment.entry_id).where(
                    Assignment.convention_id == cid
                )
            )
        ]
    return RankingInput(
        convention,
        criteria,
        panels,
        jurors,
        entries,
        info,
        conflicts,
        recusals,
        assignments,
        submitted_sheets(session, cid),
    )


_PLACEHOLDER = {"qmark": "?", "format": "%s", "pyformat": "%s"}
_by_entry = itemgetter(1)
_BLOCK = 20_000


def submitted_sheets(session: Session, convention_id: int) -> list[tuple[int, int, Any]]:
    """(juror_id, entry_id, scores) of the convention's submitted sheets.

    The bare driver's cursor, not SQLAlchemy rows: a Row per sheet cost a third of the load
    time at a million sheets. Each block of scores (JSON text) is decoded by one orjson call
    over a JSON array of them, and zipped with the ids at C speed. On PostgreSQL the cursor
    is a server-side one, so that the client never holds the whole result at once (libpq
    would otherwise buffer every row, and the C heap does not shrink back afterwards); the
    sqlite3 cursor already steps through rows as they are fetched.
    """
    conn = session.connection()
    mark = _PLACEHOLDER[conn.dialect.paramstyle]
    dbapi: Any = conn.connection.driver_connection
    cursor = (
        dbapi.cursor(name="konvensi_submitted_sheets")
        if conn.dialect.name == "postgresql"
        else dbapi.cursor()
    )
    try:
        cursor.execute(
            "SELECT juror_id, entry_id, CAST(scores AS TEXT) FROM sheet"
            f" WHERE convention_id = {mark} AND status = 'submitted' AND stage = {mark}",
            (convention_id, STAGE),
        )
        sheets: list[tuple[int, int, Any]] = []
        loads = orjson.loads
        while rows := cursor.fetchmany(_BLOCK):
            jurors, entries, scores = zip(*rows, strict=True)
            sheets.extend(zip(jurors, entries, loads(f"[{','.join(scores)}]"), strict=True))
        # Rows come in submission order; grouped by entry, scoring walks memory in order and
        # runs about twice as fast (a sort of already-sorted data costs next to nothing).
        sheets.sort(key=_by_entry)
        return sheets
    finally:
        cursor.close()


# --- shaping -------------------------------------------------------------------------------


def row_dict(row: scoring.RankingRow, info: EntryInfo) -> dict[str, Any]:
    return {
        "rank": row.rank,
        "entry_id": row.entry_id,
        "title": info.title,
        "acronym": info.acronym,
        "opd_code": info.opd_code,
        "score": row.score,
        "panel_scores": row.panel_scores,
        "sheet_count": row.sheet_count,
        "expected_sheet_count": row.expected_sheet_count,
        "complete": row.complete,
        "tied": row.tied,
        "awarded": row.awarded,
    }


def ranking_dict(data: RankingInput, ranking: scoring.Ranking) -> dict[str, Any]:
    info = data.info
    return {
        "convention_id": data.convention.id,
        "method": ranking.method,
        "top_n": ranking.top_n,
        "rows": [row_dict(row, info[row.entry_id]) for row in ranking.rows],
        "warnings": [{"code": w.code, "entry_ids": list(w.entry_ids)} for w in ranking.warnings],
    }


def compute(session: Session, convention: Convention, method: str) -> dict[str, Any]:
    data = load_input(session, convention)
    return ranking_dict(data, data.rank(check_method(method)))


def _csv_number(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _csv_bool(value: bool) -> str:
    return "true" if value else "false"


def ranking_csv(body: dict[str, Any], panel_names: list[str]) -> str:
    """The CSV of docs/api.md: 2 decimals as ``f"{x:.2f}"`` writes them, true/false, nulls empty."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "rank",
            "entry_id",
            "title",
            "acronym",
            "opd_code",
            "score",
            *panel_names,
            "sheet_count",
            "expected_sheet_count",
            "complete",
            "tied",
            "awarded",
        ]
    )
    for row in body["rows"]:
        panel_scores = row["panel_scores"]
        writer.writerow(
            [
                "" if row["rank"] is None else row["rank"],
                row["entry_id"],
                row["title"],
                row["acronym"] or "",
                row["opd_code"],
                _csv_number(row["score"]),
                *[_csv_number(panel_scores.get(name)) for name in panel_names],
                row["sheet_count"],
                row["expected_sheet_count"],
                _csv_bool(row["complete"]),
                _csv_bool(row["tied"]),
                _csv_bool(row["awarded"]),
            ]
        )
    return out.getvalue()


def panel_names(session: Session, convention_id: int) -> list[str]:
    return list(
        session.scalars(
            select(Panel.name).where(Panel.convention_id == convention_id).order_by(Panel.id)
        )
    )


def explain(session: Session, convention: Convention, entry_id: int, method: str) -> dict[str, Any]:
    data = load_input(session, convention)
    if entry_id not in data.info:
        raise NotFound(f"Entry {entry_id} not found in convention {convention.id}.")
    c = convention
    explanation = scoring.explain(
        data.criteria,
        data.panels,
        data.jurors,
        data.entries,
        data.sheets,
        entry_id,
        method=check_method(method),
        top_n=c.top_n,
        zscore_min_sheets=c.zscore_min_sheets,
        **data.eligibility(),
    )
    body = asdict(explanation)
    body["row"] = row_dict(explanation.row, data.info[entry_id])
    body["row"]["decided_by"] = explanation.row.decided_by
    body["row"]["keys"] = list(explanation.row.keys)
    panel_of = {p.id: p.name for p in data.panels}
    for juror in body["jurors"]:
        juror["panel"] = panel_of.get(juror["panel_id"])
    body["criteria"] = [
        {
            "code": k.code,
            "weight": k.weight,
            "min_score": k.min_score,
            "max_score": k.max_score,
            "tie_break_rank": k.tie_break_rank,
        }
        for k in data.criteria
    ]
    return body


def agreement(
    session: Session, convention: Convention, method: str, threshold: float, top: int
) -> dict[str, Any]:
    data = load_input(session, convention)
    ranking = data.rank(check_method(method))
    pairs = scoring.panel_agreement(ranking, data.panels)
    per_panel = scoring.panel_rankings(ranking, data.panels)
    spread = scoring.disagreements(
        data.criteria,
        data.panels,
        data.jurors,
        data.entries,
        data.sheets,
        threshold=threshold,
        **data.eligibility(),
    )
    return {
        "convention_id": convention.id,
        "method": method,
        "pairs": [asdict(p) for p in pairs],
        "panel_rankings": {
            name: [{"rank": r, "entry_id": e, "score": s} for r, e, s in rows[:top]]
            for name, rows in per_panel.items()
        },
        "disagreement_threshold": threshold,
        "disagreements": [{"entry_id": e, "spread": s} for e, s in spread],
    }


# --- published results ---------------------------------------------------------------------


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


def _counted(data: RankingInput) -> set[tuple[int, int]]:
    """The (juror, entry) pairs whose submitted sheets the ranking counts."""
    opd_of = {e.id: e.opd_id for e in data.entries}
    conflicts = set(data.conflicts)
    recusals = set(data.recusals)
    assigned = set(data.assignments) if data.assignments is not None else None
    return {
        (j, e)
        for j, e, _s in data.sheets
        if (j, opd_of[e]) not in conflicts
        and (j, e) not in recusals
        and (assigned is None or (j, e) in assigned)
    }


def _rubric(data: RankingInput) -> dict[str, Any]:
    c = data.convention
    return {
        "criteria": [
            {
                "code": k.code,
                "weight": k.weight,
                "min_score": k.min_score,
                "max_score": k.max_score,
                "tie_break_rank": k.tie_break_rank,
            }
            for k in data.criteria
        ],
        "panels": [{"name": p.name, "weight": p.weight} for p in data.panels],
        "top_n": c.top_n,
        "zscore_min_sheets": c.zscore_min_sheets,
        "award_names": list(c.award_names),
    }


def publish(
    session: Session,
    principal: Principal,
    convention: Convention,
    method: str,
    allow_incomplete: bool | None,
) -> dict[str, Any]:
    """Freeze the ranking as the convention's results (only from ``closed``, only once)."""
    check_method(method)
    if convention.status != "closed":
        raise ConventionState(
            f"Results are published only from closed; the convention is {convention.status}."
        )
    if session.scalar(select(Result.id).where(Result.convention_id == convention.id)):
        raise Duplicate("Results are already published; they are immutable.")
    data = load_input(session, convention)
    ranking = data.rank(method)
    body = ranking_dict(data, ranking)
    incomplete = [row["entry_id"] for row in body["rows"] if not row["complete"]]
    if incomplete and allow_incomplete is False:
        raise ConventionState(
            f"{len(incomplete)} entries still miss sheets; publish with "
            '"allow_incomplete": true to publish anyway.',
            extra={"incomplete_entry_ids": incomplete[:100]},
        )
    counted = _counted(data)
    versions = {
        (j, e): (sheet_id, version)
        for sheet_id, j, e, version in session.execute(
            select(Sheet.id, Sheet.juror_id, Sheet.entry_id, Sheet.version).where(
                Sheet.convention_id == convention.id,
                Sheet.status == "submitted",
                Sheet.stage == STAGE,
            )
        )
    }
    hashes = []
    for juror_id, entry_id, scores in data.sheets:
        if (juror_id, entry_id) in counted:
            sheet_id, version = versions[(juror_id, entry_id)]
            hashes.append(
                (
                    sheet_id,
                    juror_id,
                    entry_id,
                    version,
                    _sheet_hash(juror_id, entry_id, version, scores),
                )
            )
    hashes.sort()
    digest = hashlib.sha256("".join(h[4] for h in hashes).encode()).hexdigest()
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
        published_at=utcnow(),
        published_by=principal.id,
    )
    session.add(result)
    session.flush()
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
    audit.record(
        session,
        actor=principal,
        action="results.publish",
        target_type="result",
        target_id=result.id,
        convention_id=convention.id,
        after={
            "method": method,
            "sheets_digest": digest,
            "sheet_count": len(hashes),
            "incomplete_entry_ids": incomplete[:1000],
        },
    )
    return result_dict(result)


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
    }


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
        (j, e): h
        for j, e, h in session.execute(
            select(ResultSheet.juror_id, ResultSheet.entry_id, ResultSheet.sha256).where(
                ResultSheet.result_id == result.id
            )
        )
    }
    counted = _counted(data)
    versions = {
        (j, e): v
        for j, e, v in session.execute(
            select(Sheet.juror_id, Sheet.entry_id, Sheet.version).where(
                Sheet.convention_id == convention.id,
                Sheet.status == "submitted",
                Sheet.stage == STAGE,
            )
        )
    }
    current_hashes = {
        (j, e): _sheet_hash(j, e, versions[(j, e)], s)
        for j, e, s in data.sheets
        if (j, e) in counted
    }
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
        "changed_sheets": [{"juror_id": j, "entry_id": e} for j, e in changed[:1000]],
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
