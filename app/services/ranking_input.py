"""The convention as ``scoring`` sees it, read from the database (docs/scoring.md's input).

Sheets are read with one query on the driver's own cursor, in blocks, and each block's scores
decoded by one orjson call: at national scale (50,000 entries x 20 jurors) reading a million
sheets is most of the cost of a ranking (``python -m bench ranking``).
"""

from __future__ import annotations

import ctypes
import functools
import gc
import itertools
import operator
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

import scoring
from app.enums import Role
from app.models import Account, Convention, Criterion, Entry, Opd, Panel
from app.services import admissions, eligibility, stages


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
        give_back()


def give_back() -> None:
    """Return the C heap's free pages to the system after a large computation.

    A large ranking's working set is freed when it ends, but much of it lies in the C heap
    (``array`` buffers, big lists) between blocks still in use, which the allocator keeps for
    reuse: the worker would go on holding its peak. glibc's ``malloc_trim`` gives the free
    pages back (a few milliseconds); elsewhere this does nothing.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        found: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None
    return found


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
    recorded = admissions.recorded_admissions(session, convention)
    fixed = stages.first_advanced(convention)
    decisions = admissions.decisions_of(session, [s.id for s in stage_rows])
    codes = {stage_id: [c.code for c in found] for stage_id, found in criteria.items()}
    # Reading a large convention's sheets makes tens of thousands of rows and score mappings a
    # block: the collector's full passes over the process's older objects would cost a third
    # of the read. The most sheets there can be decides, as for the ranking (``big_input``).
    with big_input(len(entries) * len(jurors) * len(stage_rows)):
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
                # Rows come by stage: a block holds a run per stage, found by bisection.
                stage_id = stage_ids[start]
                end = bisect_right(stage_ids, stage_id, start)
                columns = out.get(stage_id)
                if columns is None:
                    columns = out[stage_id] = _Columns(stage_id, codes.get(stage_id, ()))
                columns.extend(jurors[start:end], entries[start:end], decoded[start:end])
                start = end
        return {stage_id: columns.finish() for stage_id, columns in out.items()}
    finally:
        cursor.close()
