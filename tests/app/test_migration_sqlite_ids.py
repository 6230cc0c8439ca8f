"""Migration 0006: on SQLite every table whose primary key is one integer ``id`` has
AUTOINCREMENT again (the batch rebuilds of 0002 to 0004 had dropped it), so a deleted row's id
is never given to a new one; a database made at revision 0005 keeps every row, id, column,
constraint and index; PostgreSQL's sequences behave the same."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.schema import CreateTable

from app import migrate
from app.db import Database, create_db_engine
from app.models import Base, Entry
from tests.app.databases import (
    NOW,
    STAMPS,
    insert_convention,
    insert_entry,
    insert_row,
    insert_stage,
    migrated_to,
)

REBUILT = ("convention", "criterion", "entry", "sheet", "result", "certificate")


def _single_integer_id(table: sa.Table) -> bool:
    pk = list(table.primary_key.columns)
    return len(pk) == 1 and pk[0].name == "id" and isinstance(pk[0].type, sa.Integer)


def _autoincrement_tables(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
        return {name for name, sql in rows if "AUTOINCREMENT" in sql}


def test_fresh_sqlite_database_has_autoincrement_on_every_integer_id_table(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    migrate.upgrade(url)
    engine = create_db_engine(url)
    try:
        got = _autoincrement_tables(engine)
    finally:
        engine.dispose()
    by_pk = {t.name for t in Base.metadata.tables.values() if _single_integer_id(t)}
    declared = {
        t.name
        for t in Base.metadata.tables.values()
        if "AUTOINCREMENT" in str(CreateTable(t).compile(dialect=sqlite.dialect()))
    }
    assert set(REBUILT) < by_pk
    assert got == by_pk == declared


def _seed_at_0005(engine: Engine) -> dict[str, list[int]]:
    """A convention with its stage, an OPD, a panel and a juror; three entries, two criteria,
    sheets and certificates for the first two entries, a provisional result."""
    ids: dict[str, list[int]] = {table: [] for table in REBUILT}
    with engine.begin() as conn:
        cid = insert_convention(conn, "Solok")
        ids["convention"].append(cid)
        stage = insert_stage(conn, cid, "UTAMA", 1)
        opd = insert_row(conn, "opd", convention_id=cid, code="BAPPEDA", name="Bappeda", **STAMPS)
        ids["opd"] = [opd]
        panel = insert_row(conn, "panel", convention_id=cid, name="K", weight=1.0, **STAMPS)
        juror = insert_row(
            conn,
            "account",
            username="juri1",
            username_key="juri1",
            full_name="Juri 1",
            role="juror",
            password_hash="x",
            credential_stamp="s",
            convention_id=cid,
            panel_id=panel,
            active=True,
            **STAMPS,
        )
        for code, weight in (("A", 3.0), ("B", 1.0)):
            ids["criterion"].append(
                insert_row(
                    conn,
                    "criterion",
                    convention_id=cid,
                    stage_id=stage,
                    code=code,
                    name=code,
                    weight=weight,
                    min_score=0.0,
                    max_score=10.0,
                    **STAMPS,
                )
            )
        for n in (1, 2, 3):
            ids["entry"].append(insert_entry(conn, cid, opd, n))
        for n, entry in enumerate(ids["entry"][:2], start=1):
            ids["sheet"].append(
                insert_row(
                    conn,
                    "sheet",
                    convention_id=cid,
                    stage_id=stage,
                    juror_id=juror,
                    entry_id=entry,
                    scores=json.dumps({"A": 8, "B": 6}),
                    status="submitted",
                    version=1,
                    submitted_at=NOW,
                    **STAMPS,
                )
            )
            ids["certificate"].append(
                insert_row(
                    conn,
                    "certificate",
                    convention_id=cid,
                    sequence=n,
                    number=f"{n:03d}/KIP/2018",
                    code=f"CODE{n}",
                    kind="participant",
                    recipient_type="opd",
                    recipient_name="Bappeda",
                    recipient_key=f"entry:{entry}",
                    entry_id=entry,
                    generation=1,
                    issued_at=NOW,
                )
            )
        ids["result"].append(
            insert_row(
                conn,
                "result",
                convention_id=cid,
                method="mean",
                top_n=2,
                rows=json.dumps([]),
                warnings=json.dumps([]),
                rubric=json.dumps({}),
                sheets_digest="0" * 64,
                sheet_count=2,
                allow_incomplete=False,
                incomplete_entry_ids=json.dumps([]),
                published_at=NOW,
                status="provisional",
                objection_days=3,
            )
        )
    return ids


def _rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary key order."""
    with engine.connect() as conn:
        return {
            table.name: [
                tuple(row)
                for row in conn.execute(sa.select(table).order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
        }


def _checks(sql: str) -> set[str]:
    return {m.strip().rstrip(",") for m in re.findall(r"CONSTRAINT \w+ CHECK .*", sql)}


def _sqlite_schema(engine: Engine) -> dict[str, Any]:
    """What SQLite knows of each table apart from AUTOINCREMENT: columns, foreign keys,
    indexes (unique constraints among them) and CHECK constraints."""
    schema: dict[str, Any] = {}
    with engine.connect() as conn:
        tables = conn.execute(
            text(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'table' AND name != 'sqlite_sequence'"
            )
        ).all()
        for name, sql in tables:
            indexes = conn.exec_driver_sql(f'PRAGMA index_list("{name}")').all()
            schema[name] = {
                "columns": conn.exec_driver_sql(f'PRAGMA table_info("{name}")').all(),
                "foreign_keys": sorted(
                    tuple(fk[2:])
                    for fk in conn.exec_driver_sql(f'PRAGMA foreign_key_list("{name}")')
                ),
                "indexes": sorted(
                    (
                        index[2],  # unique
                        index[3],  # c (CREATE INDEX), u (UNIQUE constraint), pk
                        tuple(
                            col[2]
                            for col in conn.exec_driver_sql(f'PRAGMA index_info("{index[1]}")')
                        ),
                    )
                    for index in indexes
                ),
                "named_indexes": sorted(i[1] for i in indexes if i[3] == "c"),
                "checks": _checks(sql),
            }
    return schema


def test_upgrade_from_0005_keeps_rows_and_ids_and_never_reuses_a_deleted_id(url: str) -> None:
    with migrated_to(url, "0005") as migrating:
        engine = migrating.engine
        ids = _seed_at_0005(engine)
        before = _rows(engine)
        sqlite_before = _sqlite_schema(engine) if engine.dialect.name == "sqlite" else None
        migrating.upgrade()
        assert migrate.current_revision(engine) == migrate.head_revision()
        after = _rows(engine)
        assert after == before
        assert [row[0] for row in after["entry"]] == ids["entry"]
        assert [row[0] for row in after["certificate"]] == ids["certificate"]
        assert [row[0] for row in after["sheet"]] == ids["sheet"]
        if engine.dialect.name == "sqlite":
            assert _sqlite_schema(engine) == sqlite_before
            assert set(REBUILT) <= _autoincrement_tables(engine)
            with engine.connect() as conn:
                sequences: dict[str, int] = dict(
                    conn.execute(text("SELECT name, seq FROM sqlite_sequence")).all()
                )
            assert {t: sequences[t] for t in REBUILT} == {t: max(ids[t]) for t in REBUILT}

        newest = ids["entry"][-1]
        db = Database(engine)
        with db.transaction() as session:
            entry = session.get(Entry, newest)
            assert entry is not None
            session.delete(entry)
        with db.transaction() as session:
            new = Entry(
                convention_id=ids["convention"][0],
                opd_id=ids["opd"][0],
                title="Baru",
                category="produk",
            )
            session.add(new)
            session.flush()
            new_id = new.id
        assert new_id == newest + 1
        with engine.connect() as conn:
            assert conn.execute(text("SELECT id, title FROM entry ORDER BY id")).all() == [
                (ids["entry"][0], "Inovasi 1"),
                (ids["entry"][1], "Inovasi 2"),
                (newest + 1, "Baru"),
            ]


def test_downgrade_to_0005_keeps_autoincrement_and_upgrade_works_again(url: str) -> None:
    with migrated_to(url, "head") as migrating:
        migrating.downgrade("0005")
        engine = migrating.engine
        assert migrate.current_revision(engine) == "0005"
        if engine.dialect.name == "sqlite":
            assert set(REBUILT) <= _autoincrement_tables(engine)
        migrating.upgrade()
        assert migrate.current_revision(engine) == migrate.head_revision()
