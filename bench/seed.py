"""Synthetic conventions, written straight into a migrated database.

The small tables go through the app's models (SQLAlchemy Core); entries, admissions and
sheets, which reach a million rows, through the bare driver: ``executemany`` on SQLite,
``COPY`` on PostgreSQL. One stage by default (``UTAMA``, every panel); ``stages=KIPP`` gives a
convention judged in two scored stages (proposal 70, presentation 30, each with its own
criteria, panels and jurors), the first advanced with the rule ``all``.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import insert, select

import scoring
from app.db import create_db_engine
from app.models import (
    Account,
    Convention,
    Criterion,
    JurorConflict,
    Opd,
    Panel,
    Stage,
    StagePanel,
)
from app.security import issue_token
from bench import common

# code, weight, min, max, tie-break rank: six criteria with different weights and ranges.
CRITERIA: tuple[tuple[str, float, float, float, int | None], ...] = (
    ("KEBARUAN", 3.0, 0.0, 10.0, 1),
    ("KEMANFAATAN", 2.0, 0.0, 10.0, 2),
    ("REPLIKASI", 2.0, 1.0, 10.0, None),
    ("KEBERLANJUTAN", 1.0, 0.0, 100.0, None),
    ("KOLABORASI", 1.0, 0.0, 5.0, None),
    ("PENYAJIAN", 1.0, 0.0, 10.0, None),
)
PANELS: tuple[tuple[str, float], ...] = (("KemenPAN-RB", 2.0), ("LAN", 1.0))
# A presentation's rubric and the panels that hear it (a second stage's own).
PRESENTATION: tuple[tuple[str, float, float, float, int | None], ...] = (
    ("PAPARAN", 3.0, 0.0, 10.0, 1),
    ("TANYA_JAWAB", 2.0, 0.0, 10.0, 2),
    ("KOMITMEN", 2.0, 1.0, 10.0, None),
    ("DAMPAK", 1.0, 0.0, 100.0, None),
)
PRESENTATION_PANELS: tuple[tuple[str, float], ...] = (("Akademisi", 1.0), ("Praktisi", 1.0))


@dataclass(frozen=True)
class StagePlan:
    """A scored stage: its code, name, weight in the final score, criteria and panels."""

    code: str
    name: str
    weight: float
    criteria: tuple[tuple[str, float, float, float, int | None], ...]
    panels: tuple[tuple[str, float], ...]


ONE_STAGE = (StagePlan("UTAMA", "Penilaian", 1.0, CRITERIA, PANELS),)
KIPP = (
    StagePlan("PROPOSAL", "Evaluasi proposal", 70.0, CRITERIA, PANELS),
    StagePlan("PRESENTASI", "Presentasi dan wawancara", 30.0, PRESENTATION, PRESENTATION_PANELS),
)
"""A provincial KIPP's two scored stages: proposal 70, presentation 30."""


@dataclass
class Seeded:
    url: str
    convention_id: int
    juror_ids: list[int]
    entry_ids: list[int]
    conflicts: set[tuple[int, int]]  # (juror_id, entry_id) pairs a juror may not score
    sheet_count: int
    admin_id: int
    stamps: dict[int, str]
    stage_ids: list[int] = field(default_factory=list)

    def token(self, account_id: int, secret: str) -> str:
        account = Account(
            id=account_id,
            role="admin" if account_id == self.admin_id else "juror",
            credential_stamp=self.stamps[account_id],
        )
        return issue_token(account, secret=secret, ttl_seconds=24 * 3600)


def random_scores(
    rng: random.Random,
    shift: float = 0.0,
    criteria: Sequence[tuple[str, float, float, float, int | None]] = CRITERIA,
) -> dict[str, float]:
    """A full sheet: each criterion somewhere in its range, on half points."""
    out = {}
    for code, _w, lo, hi, _t in criteria:
        span = hi - lo
        out[code] = lo + round(min(span, max(0.0, span * (rng.random() + shift))) * 2) / 2
    return out


@dataclass(frozen=True)
class Synthetic:
    """A one-stage convention as ``scoring``'s plain data, shaped as ``seed`` writes it to a
    database: the rubric and panels above, a few declared conflicts, about 5% of sheets
    missing; the sheets drawn from ``rng`` when asked (``sheets``)."""

    criteria: tuple[scoring.Criterion, ...]
    panels: tuple[scoring.Panel, ...]
    jurors: tuple[scoring.Juror, ...]
    entries: tuple[scoring.Entry, ...]
    conflicts: set[tuple[int, int]]
    rng: random.Random

    def sheets(self) -> Iterator[tuple[int, int, dict[str, float]]]:
        """(juror id, entry id, scores) by entry, each entry of a quality of its own."""
        rng = self.rng
        blocked = {(j, e.id) for j, o in self.conflicts for e in self.entries if e.opd_id == o}
        for e in self.entries:
            quality = rng.random() * 0.6 - 0.3
            for j in self.jurors:
                if (j.id, e.id) in blocked or rng.random() < 0.05:
                    continue
                yield j.id, e.id, random_scores(rng, quality)


def synthetic(entries: int, jurors: int, rng_seed: int) -> Synthetic:
    rng = random.Random(rng_seed)
    criteria = tuple(
        scoring.Criterion(i + 1, code, w, lo, hi, t)
        for i, (code, w, lo, hi, t) in enumerate(CRITERIA)
    )
    panels = tuple(scoring.Panel(i + 1, name, w) for i, (name, w) in enumerate(PANELS))
    juror_list = tuple(scoring.Juror(j + 1, 1 + j % len(panels)) for j in range(jurors))
    opds = max(10, min(500, entries // 25))
    entry_list = tuple(scoring.Entry(e + 1, 1 + e % opds) for e in range(entries))
    conflicts = {(rng.randrange(jurors) + 1, rng.randrange(opds) + 1) for _ in range(3)}
    return Synthetic(criteria, panels, juror_list, entry_list, conflicts, rng)


def _sqlite_time(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def _stages(conn: Any, cid: int, plans: Sequence[StagePlan], now: datetime) -> list[list[int]]:
    """The stages, their criteria and panels; the panel ids of each stage. With more than one
    stage, each has its own panels and all but the last have been advanced (rule ``all``)."""
    multi = len(plans) > 1
    out = []
    for position, plan in enumerate(plans, start=1):
        stage_id = conn.execute(
            insert(Stage)
            .values(
                convention_id=cid,
                code=plan.code,
                name=plan.name,
                kind="scored",
                weight=plan.weight,
                position=position,
                all_panels=not multi,
                advance_rule="all",
                advanced_at=now if multi and position < len(plans) else None,
                created_at=now,
                updated_at=now,
            )
            .returning(Stage.id)
        ).scalar_one()
        conn.execute(
            insert(Criterion),
            [
                {
                    "convention_id": cid,
                    "stage_id": stage_id,
                    "code": code,
                    "name": code.title(),
                    "weight": w,
                    "min_score": lo,
                    "max_score": hi,
                    "tie_break_rank": t,
                    "created_at": now,
                    "updated_at": now,
                }
                for code, w, lo, hi, t in plan.criteria
            ],
        )
        panel_ids = [
            conn.execute(
                insert(Panel)
                .values(convention_id=cid, name=name, weight=w, created_at=now, updated_at=now)
                .returning(Panel.id)
            ).scalar_one()
            for name, w in plan.panels
        ]
        if multi:
            conn.execute(
                insert(StagePanel), [{"stage_id": stage_id, "panel_id": p} for p in panel_ids]
            )
        out.append([stage_id, *panel_ids])
    return out


def seed(
    url: str,
    *,
    entries: int,
    jurors: int,
    opds: int,
    sheet_status: str | None,
    missing: float = 0.05,
    conflicts: int = 0,
    status: str = "judging",
    seed: int = 1,
    stages: Sequence[StagePlan] = ONE_STAGE,
    categories: Sequence[str] = ("teknologi",),
) -> Seeded:
    """A convention with ``entries`` x ``jurors`` sheets in each stage (minus ``missing`` of
    them and the conflicted pairs) of ``sheet_status`` (``None``: no sheets). ``jurors`` per
    stage: with several stages each stage's own panels and jurors judge it, and every entry is
    admitted to every stage. Entries take ``categories`` in turn."""
    rng = random.Random(seed)
    engine = create_db_engine(url)
    sqlite = engine.dialect.name == "sqlite"
    now = datetime.now(UTC)
    stamp: Any = _sqlite_time(now) if sqlite else now
    try:
        with engine.begin() as conn:
            cid = conn.execute(
                insert(Convention)
                .values(
                    name=f"Bench {entries}x{jurors}",
                    year=2026,
                    status=status,
                    top_n=10,
                    zscore_min_sheets=5,
                    assignment_mode="all",
                    letter_code="BENCH",
                    award_names=["Juara I", "Juara II", "Juara III"],
                    created_at=now,
                    updated_at=now,
                )
                .returning(Convention.id)
            ).scalar_one()
            made = _stages(conn, cid, stages, now)
            conn.execute(
                insert(Opd),
                [
                    {
                        "convention_id": cid,
                        "code": f"OPD{i:04d}",
                        "name": f"Dinas {i}",
                        "created_at": now,
                        "updated_at": now,
                    }
                    for i in range(opds)
                ],
            )
            opd_ids = list(
                conn.scalars(select(Opd.id).where(Opd.convention_id == cid).order_by(Opd.id))
            )
            tag = secrets.token_hex(4)
            admin_stamp = secrets.token_hex(8)
            admin_id = conn.execute(
                insert(Account)
                .values(
                    username=f"bench-admin-{tag}",
                    username_key=f"bench-admin-{tag}",
                    full_name="Bench secretariat",
                    role="admin",
                    password_hash="!",
                    credential_stamp=admin_stamp,
                    created_at=now,
                    updated_at=now,
                )
                .returning(Account.id)
            ).scalar_one()
            stamps = {admin_id: admin_stamp}
            conn.execute(
                insert(Account),
                [
                    {
                        "username": f"bench-{tag}-juri-{n * jurors + i}",
                        "username_key": f"bench-{tag}-juri-{n * jurors + i}",
                        "full_name": f"Juri {n * jurors + i}",
                        "role": "juror",
                        # Nobody logs in: tokens are issued directly, so no hash is needed.
                        "password_hash": "!",
                        "credential_stamp": secrets.token_hex(8),
                        "convention_id": cid,
                        "panel_id": panel_ids[i % len(panel_ids)],
                        "created_at": now,
                        "updated_at": now,
                    }
                    for n, (_stage_id, *panel_ids) in enumerate(made)
                    for i in range(jurors)
                ],
            )
            juror_rows = conn.execute(
                select(Account.id, Account.credential_stamp, Account.panel_id)
                .where(Account.convention_id == cid)
                .order_by(Account.id)
            ).all()
            juror_ids = [j for j, _s, _p in juror_rows]
            stamps.update({j: s for j, s, _p in juror_rows})
            conflict_opds = [
                (juror_ids[rng.randrange(len(juror_ids))], opd_ids[rng.randrange(opds)])
                for _ in range(conflicts)
            ]
            conflict_opds = sorted(set(conflict_opds))
            if conflict_opds:
                conn.execute(
                    insert(JurorConflict),
                    [{"juror_id": j, "opd_id": o} for j, o in conflict_opds],
                )

        opd_of = [opd_ids[i % opds] for i in range(entries)]
        common.bulk_insert(
            engine,
            "entry",
            (
                "convention_id",
                "opd_id",
                "title",
                "acronym",
                "category",
                "disqualified",
                "created_at",
                "updated_at",
            ),
            (
                (
                    cid,
                    opd_of[i],
                    f"Inovasi nomor {i}",
                    f"INO{i}",
                    categories[i % len(categories)],
                    False,
                    stamp,
                    stamp,
                )
                for i in range(entries)
            ),
        )
        with engine.connect() as conn:
            entry_rows = conn.exec_driver_sql(
                f"SELECT id, opd_id FROM entry WHERE convention_id = {int(cid)} ORDER BY id"
            ).all()
        entry_ids = [e for e, _ in entry_rows]
        if len(made) > 1:
            # Every stage admits every entry: the first was advanced with the rule `all`.
            common.bulk_insert(
                engine,
                "admission",
                ("stage_id", "entry_id"),
                ((stage_id, e) for stage_id, *_p in made for e in entry_ids),
            )
        conflicted_opds: dict[int, set[int]] = {}
        for j, o in conflict_opds:
            conflicted_opds.setdefault(j, set()).add(o)
        blocked = {(j, e) for e, o in entry_rows for j, os_ in conflicted_opds.items() if o in os_}
        sheet_count = 0
        if sheet_status is not None:
            submitted = stamp if sheet_status == "submitted" else None
            dumps = orjson.dumps

            def sheets() -> Iterator[tuple[Any, ...]]:
                for plan, (stage_id, *panel_ids) in zip(stages, made, strict=True):
                    judges = [j for j, _s, p in juror_rows if p in panel_ids]
                    for e in entry_ids:
                        # Each entry has its own quality; jurors scatter around it.
                        quality = rng.random() * 0.6 - 0.3
                        for j in judges:
                            if (j, e) in blocked or (missing and rng.random() < missing):
                                continue
                            scores = dumps(random_scores(rng, quality, plan.criteria)).decode()
                            yield (cid, j, e, stage_id, scores, None, sheet_status, 1, stamp,
                                   stamp, submitted)  # fmt: skip

            sheet_count = common.bulk_insert(
                engine,
                "sheet",
                (
                    "convention_id",
                    "juror_id",
                    "entry_id",
                    "stage_id",
                    "scores",
                    "comment",
                    "status",
                    "version",
                    "created_at",
                    "updated_at",
                    "submitted_at",
                ),
                sheets(),
            )
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    finally:
        engine.dispose()
    stage_ids = [stage_id for stage_id, *_p in made]
    return Seeded(url, cid, juror_ids, entry_ids, blocked, sheet_count, admin_id, stamps, stage_ids)
