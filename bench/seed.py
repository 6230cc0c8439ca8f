"""Synthetic conventions, written straight into a migrated database.

The small tables go through the app's models (SQLAlchemy Core); entries and sheets, which
reach a million rows, through the bare driver: ``executemany`` on SQLite, ``COPY`` on
PostgreSQL.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Engine, insert, select

from app.db import create_db_engine
from app.models import Account, Convention, Criterion, JurorConflict, Opd, Panel, Stage
from app.security import issue_token

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

    def token(self, account_id: int, secret: str) -> str:
        account = Account(
            id=account_id,
            role="admin" if account_id == self.admin_id else "juror",
            credential_stamp=self.stamps[account_id],
        )
        return issue_token(account, secret=secret, ttl_seconds=24 * 3600)


def random_scores(rng: random.Random, shift: float = 0.0) -> dict[str, float]:
    """A full sheet: each criterion somewhere in its range, on half points."""
    out = {}
    for code, _w, lo, hi, _t in CRITERIA:
        span = hi - lo
        out[code] = lo + round(min(span, max(0.0, span * (rng.random() + shift))) * 2) / 2
    return out


def _sqlite_time(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def _copy_text(value: Any) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return text


def _bulk(engine: Engine, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert many rows with the bare driver; returns how many."""
    raw = engine.raw_connection()
    count = 0
    try:
        driver: Any = raw.driver_connection
        if engine.dialect.name == "sqlite":
            marks = ", ".join("?" for _ in columns)
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"

            def counted() -> Iterator[Sequence[Any]]:
                nonlocal count
                for row in rows:
                    count += 1
                    yield row

            driver.execute("BEGIN")
            driver.executemany(sql, counted())
            driver.execute("COMMIT")
        else:
            # COPY in text format, written in blocks: much faster than a row at a time.
            with (
                driver.cursor() as cur,
                cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
            ):
                block: list[str] = []
                for row in rows:
                    block.append("\t".join(map(_copy_text, row)))
                    count += 1
                    if len(block) >= 10_000:
                        copy.write("\n".join(block) + "\n")
                        block.clear()
                if block:
                    copy.write("\n".join(block) + "\n")
            driver.commit()
    finally:
        raw.close()
    return count


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
) -> Seeded:
    """A convention with ``entries`` x ``jurors`` sheets (minus ``missing`` of them and the
    conflicted pairs) of ``sheet_status`` (``None``: no sheets)."""
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
            stage_id = conn.execute(
                insert(Stage)
                .values(
                    convention_id=cid,
                    code="UTAMA",
                    name="Penilaian",
                    kind="scored",
                    weight=1.0,
                    position=1,
                    all_panels=True,
                    advance_rule="all",
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
                    for code, w, lo, hi, t in CRITERIA
                ],
            )
            conn.execute(
                insert(Panel),
                [
                    {
                        "convention_id": cid,
                        "name": name,
                        "weight": w,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for name, w in PANELS
                ],
            )
            panel_ids = list(
                conn.scalars(select(Panel.id).where(Panel.convention_id == cid).order_by(Panel.id))
            )
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
                        "username": f"bench-{tag}-juri-{i}",
                        "full_name": f"Juri {i}",
                        "role": "juror",
                        # Nobody logs in: tokens are issued directly, so no hash is needed.
                        "password_hash": "!",
                        "credential_stamp": secrets.token_hex(8),
                        "convention_id": cid,
                        "panel_id": panel_ids[i % len(panel_ids)],
                        "created_at": now,
                        "updated_at": now,
                    }
                    for i in range(jurors)
                ],
            )
            juror_rows = conn.execute(
                select(Account.id, Account.credential_stamp)
                .where(Account.convention_id == cid)
                .order_by(Account.id)
            ).all()
            juror_ids = [j for j, _ in juror_rows]
            stamps.update(dict(juror_rows))
            conflict_opds = [
                (juror_ids[rng.randrange(jurors)], opd_ids[rng.randrange(opds)])
                for _ in range(conflicts)
            ]
            conflict_opds = sorted(set(conflict_opds))
            if conflict_opds:
                conn.execute(
                    insert(JurorConflict),
                    [{"juror_id": j, "opd_id": o} for j, o in conflict_opds],
                )

        opd_of = [opd_ids[i % opds] for i in range(entries)]
        _bulk(
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
                (cid, opd_of[i], f"Inovasi nomor {i}", f"INO{i}", "teknologi", False, stamp, stamp)
                for i in range(entries)
            ),
        )
        with engine.connect() as conn:
            entry_rows = conn.exec_driver_sql(
                f"SELECT id, opd_id FROM entry WHERE convention_id = {int(cid)} ORDER BY id"
            ).all()
        entry_ids = [e for e, _ in entry_rows]
        conflicted_opds: dict[int, set[int]] = {}
        for j, o in conflict_opds:
            conflicted_opds.setdefault(j, set()).add(o)
        blocked = {(j, e) for e, o in entry_rows for j, os_ in conflicted_opds.items() if o in os_}
        sheet_count = 0
        if sheet_status is not None:
            submitted = stamp if sheet_status == "submitted" else None
            dumps = orjson.dumps

            def sheets() -> Iterator[tuple[Any, ...]]:
                for e in entry_ids:
                    # Each entry has its own quality; jurors scatter around it.
                    quality = rng.random() * 0.6 - 0.3
                    for j in juror_ids:
                        if (j, e) in blocked or (missing and rng.random() < missing):
                            continue
                        scores = dumps(random_scores(rng, quality)).decode()
                        yield (cid, j, e, stage_id, scores, None, sheet_status, 1, stamp, stamp,
                               submitted)  # fmt: skip

            sheet_count = _bulk(
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
    return Seeded(url, cid, juror_ids, entry_ids, blocked, sheet_count, admin_id, stamps)
