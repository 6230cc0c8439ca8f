"""Rankings: the database feeds ``scoring``, which does the arithmetic (docs/scoring.md).

Sheets are read with one query on the driver's own cursor, in blocks, and each block's scores
decoded by one orjson call: at national scale (50,000 entries x 20 jurors) reading a million
sheets is most of the cost of a ranking (``python -m bench ranking``).
"""

from __future__ import annotations

import csv
import gc
import io
import itertools
import operator
from array import array
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

import scoring
from app.enums import Category, Role, StageKind
from app.errors import NotFound, ValidationFailed
from app.models import Account, Convention, Criterion, Entry, Opd, Panel, Stage
from app.services import eligibility, stages


@dataclass(frozen=True, slots=True)
class EntryInfo:
    title: str
    acronym: str | None
    opd_code: str
    category: str


@dataclass
class RankingInput:
    """Everything a ranking needs, as the plain data ``scoring`` takes."""

    convention: Convention
    contest: scoring.Contest
    info: dict[int, EntryInfo]

    @property
    def panels(self) -> tuple[scoring.Panel, ...]:
        return self.contest.panels

    def stage(self, stage_id: int) -> scoring.Stage:
        return next(s for s in self.contest.stages if s.id == stage_id)

    def rank(self, method: str, category: str | None = None) -> scoring.Ranking:
        """The final ranking (Step 6), or a category's (Step 7)."""
        with big_input(self.sheet_count):
            return scoring.rank_final(self.contest, method, category=category)

    def rank_stage(
        self, stage_id: int, method: str, category: str | None = None
    ) -> scoring.Ranking:
        with big_input(self.sheet_count):
            return scoring.rank_stage(self.contest, stage_id, method, category=category)

    @property
    def sheet_count(self) -> int:
        return sum(len(s.sheets) for s in self.contest.stages)


BIG_INPUT = 50_000
"""Sheets from which a ranking keeps the collector off the input (see ``big_input``)."""


@contextmanager
def big_input(sheet_count: int) -> Iterator[None]:
    """Keep the cyclic garbage collector from walking a large input while it is ranked.

    A national convention's million score mappings are all tracked objects, so a full
    collection triggered by the ranking's own allocations would walk them. ``gc.freeze``
    moves the objects alive now out of the collector's sight until the ranking ends:
    collection goes on for everything made meanwhile (other requests included), it just
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


def load_input(session: Session, convention: Convention) -> RankingInput:
    """The convention as ``scoring`` sees it: stages (criteria, panels, admissions, screening
    decisions, submitted sheets), panels, jurors and the entries that are not disqualified
    (a disqualified entry and its sheets have no part in any computation)."""
    cid = convention.id
    stage_rows = list(convention.stages)
    criteria: dict[int, list[scoring.Criterion]] = {s.id: [] for s in stage_rows}
    for c in session.scalars(
        select(Criterion).where(Criterion.convention_id == cid).order_by(Criterion.id)
    ):
        criteria[c.stage_id].append(
            scoring.Criterion(c.id, c.code, c.weight, c.min_score, c.max_score, c.tie_break_rank)
        )
    panels = tuple(
        scoring.Panel(p.id, p.name, p.weight)
        for p in session.scalars(select(Panel).where(Panel.convention_id == cid).order_by(Panel.id))
    )
    jurors = tuple(
        scoring.Juror(j, p or 0)
        for j, p in session.execute(
            select(Account.id, Account.panel_id)
            .where(Account.convention_id == cid, Account.role == Role.JUROR)
            .order_by(Account.id)
        )
    )
    entries: list[scoring.Entry] = []
    info: dict[int, EntryInfo] = {}
    for entry_id, opd_id, title, acronym, category, opd_code in session.execute(
        select(Entry.id, Entry.opd_id, Entry.title, Entry.acronym, Entry.category, Opd.code)
        .join(Opd, Opd.id == Entry.opd_id)
        .where(Entry.convention_id == cid, Entry.disqualified.is_(False))
        .order_by(Entry.id)
    ):
        entries.append(scoring.Entry(entry_id, opd_id, category))
        info[entry_id] = EntryInfo(title, acronym, opd_code, category)
    recorded = stages.recorded_admissions(session, convention)
    fixed = stages.first_advanced(convention)
    decisions = stages.decisions_of(session, [s.id for s in stage_rows])
    codes = {stage_id: [c.code for c in found] for stage_id, found in criteria.items()}
    sheets = submitted_sheets(session, cid, codes)
    contest_stages = []
    for i, s in enumerate(stage_rows):
        contest_stages.append(
            scoring.Stage(
                s.id,
                s.code,
                kind=scoring.StageKind(s.kind),
                weight=s.weight,
                criteria=tuple(criteria[s.id]),
                panel_ids=None if s.panel_ids is None else tuple(s.panel_ids),
                advance=scoring.Advance(
                    scoring.AdvanceRule(s.advance_rule or scoring.AdvanceRule.ALL),
                    s.advance_count,
                    s.advance_min_score,
                ),
                admitted=None if (i == 0 and not fixed) else recorded[s.id],
                decisions=decisions[s.id],
                sheets=sheets.get(s.id, ()),
            )
        )
    contest = scoring.Contest(
        tuple(contest_stages),
        panels,
        jurors,
        tuple(entries),
        eligibility.load(session, convention),
        top_n=convention.top_n,
        zscore_min_sheets=convention.zscore_min_sheets,
        award_scope=scoring.AwardScope(convention.award_scope),
    )
    return RankingInput(convention, contest, info)


_PLACEHOLDER = {"qmark": "?", "format": "%s", "pyformat": "%s"}
_BLOCK = 20_000


class _Columns:
    """One stage's submitted sheets, gathered block by block into ``array`` columns."""

    def __init__(self, stage_id: int, codes: Sequence[str]) -> None:
        self.stage_id = stage_id
        self.jurors = array("q")
        self.entries = array("q")
        self.scores = {code: array("d") for code in codes}

    def extend(self, jurors: Sequence[int], entries: Sequence[int], scores: list[Any]) -> None:
        self.jurors.extend(jurors)
        self.entries.extend(entries)
        for code, column in self.scores.items():
            try:
                column.extend(map(itemgetter(code), scores))
            except KeyError:
                at = next(i for i, found in enumerate(scores) if code not in found)
                raise ValueError(
                    f"the submitted sheet of juror {jurors[at]} for entry {entries[at]} in stage "
                    f"{self.stage_id} has no score for criterion {code}"
                ) from None

    def finish(self) -> scoring.SheetColumns:
        # Rows come in submission order; grouped by entry, scoring walks memory in order and
        # runs about twice as fast. Reordered only when they are not already in order.
        entries = self.entries
        if any(map(operator.gt, entries, itertools.islice(entries, 1, None))):
            order = sorted(range(len(entries)), key=entries.__getitem__)
            self.jurors = array("q", map(self.jurors.__getitem__, order))
            self.entries = array("q", map(entries.__getitem__, order))
            for code, column in self.scores.items():
                self.scores[code] = array("d", map(column.__getitem__, order))
        return scoring.SheetColumns(self.jurors, self.entries, self.scores)


def submitted_sheets(
    session: Session, convention_id: int, codes: Mapping[int, Sequence[str]]
) -> dict[int, scoring.SheetColumns]:
    """stage id -> the convention's submitted sheets of that stage as columns (``codes``: the
    stage's criterion codes), those of disqualified entries left out.

    A million sheets of six criteria take some 60 MB as ``array`` columns, against 450 MB as a
    tuple and a dict per sheet (``python -m bench memory``). They are read with the bare
    driver's cursor, not SQLAlchemy rows (a Row per sheet cost a third of the load time), in
    blocks whose scores (JSON text) one orjson call decodes; a block's dicts are dropped once
    their values are in the columns. On PostgreSQL the cursor is a server-side one, so that
    the client never holds the whole result at once (libpq would otherwise buffer every row,
    and the C heap does not shrink back afterwards); the sqlite3 cursor already steps through
    rows as they are fetched.
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
            "SELECT stage_id, juror_id, entry_id, CAST(scores AS TEXT) FROM sheet"
            f" WHERE convention_id = {mark} AND status = 'submitted' AND entry_id NOT IN"
            f" (SELECT id FROM entry WHERE convention_id = {mark} AND disqualified)"
            " ORDER BY stage_id",
            (convention_id, convention_id),
        )
        out: dict[int, _Columns] = {}
        loads = orjson.loads
        while rows := cursor.fetchmany(_BLOCK):
            stage_ids, jurors, entries, scores = zip(*rows, strict=True)
            decoded = loads(f"[{','.join(scores)}]")
            start = 0
            while start < len(stage_ids):
                stage_id = stage_ids[start]
                end = start
                while end < len(stage_ids) and stage_ids[end] == stage_id:
                    end += 1
                columns = out.get(stage_id)
                if columns is None:
                    columns = out[stage_id] = _Columns(stage_id, codes.get(stage_id, ()))
                columns.extend(jurors[start:end], entries[start:end], decoded[start:end])
                start = end
        return {stage_id: columns.finish() for stage_id, columns in out.items()}
    finally:
        cursor.close()


# --- shaping -------------------------------------------------------------------------------


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


def ranking_dict(
    data: RankingInput,
    ranking: scoring.Ranking,
    *,
    stage_id: int | None = None,
    category: str | None = None,
) -> dict[str, Any]:
    info = data.info
    final = stage_id is None
    only = _only_stage(data)
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


def _only_stage(data: RankingInput) -> str | None:
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
    """What a ranking route asks for, checked (422 naming the query parameter), with the
    convention loaded."""

    data: RankingInput
    method: str
    stage_id: int | None
    category: str | None


def request(
    session: Session,
    convention: Convention,
    method: str,
    stage_id: int | None,
    category: str | None,
) -> Request:
    method = check_method(method)
    category = check_category(category)
    if stage_id is not None:
        scored_stage(convention, stage_id)
    return Request(load_input(session, convention), method, stage_id, category)


def compute(
    session: Session,
    convention: Convention,
    method: str,
    *,
    stage_id: int | None = None,
    category: str | None = None,
) -> dict[str, Any]:
    """The final ranking, a stage's (``stage_id``) or a category's (``category``)."""
    asked = request(session, convention, method, stage_id, category)
    data, method, category = asked.data, asked.method, asked.category
    if stage_id is not None:
        ranking = data.rank_stage(stage_id, method, category)
    else:
        ranking = data.rank(method, category)
    return ranking_dict(data, ranking, stage_id=stage_id, category=category)


def _csv_number(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _csv_bool(value: bool) -> str:
    return "true" if value else "false"


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_text(value: str) -> str:
    """A text cell no spreadsheet runs as a formula (OWASP CSV injection): a leading ``'``."""
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def ranking_csv(body: dict[str, Any], panel_names: list[str], stage_codes: list[str]) -> str:
    """The contract's CSV: 2 decimals as Python's ``f"{x:.2f}"``, true/false, nulls empty; a
    ``stage:<code>`` column per code of ``stage_codes`` after the panels (final ranking)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    stage_columns = stage_codes if body.get("stage_id") is None else []
    writer.writerow(
        [
            _csv_text(header)
            for header in (
                "rank",
                "entry_id",
                "title",
                "acronym",
                "opd_code",
                "score",
                *panel_names,
                *(f"stage:{code}" for code in stage_columns),
                "sheet_count",
                "expected_sheet_count",
                "complete",
                "tied",
                "awarded",
            )
        ]
    )
    for row in body["rows"]:
        panel_scores = row["panel_scores"]
        stage_scores = row.get("stage_scores") or {}
        writer.writerow(
            [
                "" if row["rank"] is None else row["rank"],
                row["entry_id"],
                _csv_text(row["title"]),
                _csv_text(row["acronym"] or ""),
                _csv_text(row["opd_code"]),
                _csv_number(row["score"]),
                *[_csv_number(panel_scores.get(name)) for name in panel_names],
                *[_csv_number(stage_scores.get(code)) for code in stage_columns],
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


def scored_stage_codes(convention: Convention) -> list[str]:
    """The ``stage:<code>`` columns of the final ranking's tables: one per scored stage when
    the convention has more than one stage (of any kind), else none."""
    if len(convention.stages) < 2:
        return []
    return [s.code for s in convention.stages if s.kind == StageKind.SCORED]


def explain(
    session: Session,
    convention: Convention,
    entry_id: int,
    method: str,
    stage_id: int | None = None,
) -> dict[str, Any]:
    """How an entry's numbers come about: in ``stage_id``, or (the final ranking) in the
    stage its final place rests on, t(e) (docs/scoring.md Step 6)."""
    return explain_in(load_input(session, convention), entry_id, check_method(method), stage_id)


def explain_in(
    data: RankingInput, entry_id: int, method: str, stage_id: int | None
) -> dict[str, Any]:
    """``explain`` on loaded input (``method`` checked)."""
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
        row, data.info[entry_id], final=stage_id is None, only_stage=_only_stage(data)
    )
    body["row"]["decided_by"] = row.decided_by
    body["row"]["keys"] = list(row.keys)
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
        for k in stage.criteria
    ]
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
