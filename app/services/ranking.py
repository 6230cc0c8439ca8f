"""Rankings and published results: the database feeds ``scoring``, which does the arithmetic.

Sheets are read with one query on the driver's own cursor, in blocks, and each block's scores
decoded by one orjson call: at national scale (50,000 entries x 20 jurors) reading a million
sheets is most of the cost of a ranking (``python -m bench ranking``).
"""

from __future__ import annotations

import csv
import gc
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

import scoring
from app.enums import Role
from app.errors import NotFound, ValidationFailed
from app.models import (
    Account,
    Convention,
    Criterion,
    Entry,
    Opd,
    Panel,
)
from app.services import eligibility
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
    rule: scoring.Eligibility
    sheets: list[tuple[int, int, dict[str, float]]]

    def eligibility(self) -> dict[str, Any]:
        rule = self.rule
        return {
            "conflicts": rule.conflicts,
            "recusals": rule.recusals,
            "assignments": rule.assignments,
        }

    def rank(self, method: str) -> scoring.Ranking:
        c = self.convention
        with big_input(len(self.sheets)):
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


BIG_INPUT = 50_000
"""Sheets from which a ranking keeps the collector off the input (see ``big_input``)."""


@contextmanager
def big_input(sheet_count: int) -> Iterator[None]:
    """Keep the cyclic garbage collector from walking a large input while it is ranked.

    A national convention's million score mappings are all tracked objects, so every full
    collection triggered by the ranking's own allocations would walk them (about 0.4 s each).
    ``gc.freeze`` moves the objects alive now out of the collector's sight until the ranking
    ends: collection goes on for everything made meanwhile (other requests included), it just
    skips what cannot be garbage. Small inputs are left alone.
    """
    if sheet_count < BIG_INPUT:
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


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
            .where(Account.convention_id == cid, Account.role == Role.JUROR)
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
    return RankingInput(
        convention,
        criteria,
        panels,
        jurors,
        entries,
        info,
        eligibility.load(session, convention),
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
