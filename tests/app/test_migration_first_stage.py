"""Migration 0007: the first stage admits every entry of the convention. A database made at
revision 0006, where the first advance recorded only the entries not disqualified at that
moment, gains the first-stage rows of the others; conventions not advanced yet gain none, and
no other row changes."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import Engine, text

from tests.app import databases as sql


def _convention(conn: sa.Connection, name: str) -> tuple[int, int]:
    cid = sql.insert_convention(conn, name)
    return cid, sql.insert_row(
        conn, "opd", convention_id=cid, code="BAPPEDA", name="Bappeda", **sql.STAMPS
    )


def _entries(conn: sa.Connection, cid: int, opd: int, disqualified: list[bool]) -> list[int]:
    return [
        sql.insert_entry(conn, cid, opd, n, disqualified=gone)
        for n, gone in enumerate(disqualified)
    ]


def _admit(conn: sa.Connection, stage_id: int, entry_ids: list[int]) -> None:
    for entry_id in entry_ids:
        conn.execute(
            text("INSERT INTO admission (stage_id, entry_id) VALUES (:s, :e)"),
            {"s": stage_id, "e": entry_id},
        )


def _admissions(engine: Engine) -> set[tuple[int, int]]:
    with engine.connect() as conn:
        return {tuple(r) for r in conn.execute(text("SELECT stage_id, entry_id FROM admission"))}


def test_upgrade_from_0006_admits_to_the_first_stage_the_entries_disqualified_at_its_advance(
    url: str,
) -> None:
    with sql.migrated_to(url, "0006") as migrating:
        with migrating.engine.begin() as conn:
            # Advanced: its second stage (position 1, made after) is the first by position.
            # Entry 1 was disqualified at the advance and requalified since; entry 2 is
            # disqualified still; entry 0 went on to the next stage.
            solok, opd = _convention(conn, "Solok")
            later = sql.insert_stage(conn, solok, "PRESENTASI", 2)
            first = sql.insert_stage(conn, solok, "PROPOSAL", 1, advanced_at=sql.NOW)
            e0, e1, e2 = _entries(conn, solok, opd, [False, False, True])
            _admit(conn, first, [e0])
            _admit(conn, later, [e0])
            # Not advanced yet: its first stage admits every entry without rows.
            kipp, kipp_opd = _convention(conn, "KIPP")
            kipp_first = sql.insert_stage(conn, kipp, "UTAMA", 1)
            _entries(conn, kipp, kipp_opd, [False, True])
        before = _admissions(migrating.engine)
        assert before == {(first, e0), (later, e0)}
        migrating.upgrade("head")
        assert _admissions(migrating.engine) == before | {(first, e1), (first, e2)}
        assert not any(stage == kipp_first for stage, _ in _admissions(migrating.engine))
        # Nothing to undo, and upgrading again adds nothing.
        migrating.downgrade("0006")
        migrating.upgrade("head")
        assert _admissions(migrating.engine) == before | {(first, e1), (first, e2)}
