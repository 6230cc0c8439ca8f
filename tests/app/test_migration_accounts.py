"""Migration 0005 moves accounts to their 1.1 shape: a database made at revision 0004, with
admins and jurors whose usernames repeat ignoring case, keeps every login working after the
upgrade (the later duplicates renamed ``<name>-<id>``, audited); the downgrade works."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from app import migrate
from app.config import Settings
from app.db import Database, create_db_engine
from app.main import create_app
from app.security import hash_password, verify_password

NOW = datetime(2018, 5, 8, 9, 0, tzinfo=UTC).replace(tzinfo=None)
SECRET = "migration-test-secret-key-long-enough-for-hs256"
# (id, username, role, password): 2, 3 and 4 are one name ignoring case.
ACCOUNTS = [
    (1, "sekretariat", "admin", "admin-password-1"),
    (2, "Juri.A", "juror", "juror-password-2"),
    (3, "juri.a", "juror", "juror-password-3"),
    (4, "JURI.A", "juror", "juror-password-4"),
    (5, "juri.b", "juror", "juror-password-5"),
]


@pytest.fixture
def engine(url: str) -> Iterator[Engine]:
    command.upgrade(migrate.alembic_config(url), "0004")
    engine = create_db_engine(url)
    _seed_at_0004(engine)
    yield engine
    engine.dispose()


def _seed_at_0004(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO convention (id, name, year, top_n, letter_code, award_names, "
                "zscore_min_sheets, status, assignment_mode, award_scope, created_at, updated_at) "
                "VALUES (1, 'Solok', 2018, 3, 'KIP', :names, 5, 'judging', 'all', 'overall', "
                ":now, :now)"
            ),
            {"names": json.dumps(["Juara I"]), "now": NOW},
        )
        conn.execute(
            text(
                "INSERT INTO panel (id, convention_id, name, weight, created_at, updated_at) "
                "VALUES (1, 1, 'LAN', 1, :now, :now)"
            ),
            {"now": NOW},
        )
        for account_id, username, role, password in ACCOUNTS:
            juror = role == "juror"
            conn.execute(
                text(
                    "INSERT INTO account (id, username, full_name, role, password_hash, "
                    "credential_stamp, convention_id, panel_id, created_at, updated_at) VALUES "
                    "(:id, :u, :u, :role, :hash, 'stamp', :cid, :pid, :now, :now)"
                ),
                {
                    "id": account_id,
                    "u": username,
                    "role": role,
                    "hash": hash_password(password),
                    "cid": 1 if juror else None,
                    "pid": 1 if juror else None,
                    "now": NOW,
                },
            )


def _accounts(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, username, username_key, role, active FROM account ORDER BY id")
        ).all()
    return [tuple(row) for row in rows]


def _log_in(engine: Engine, username: str, password: str) -> Any:
    app = create_app(Settings(secret_key=SECRET, database_url="sqlite://"), db=Database(engine))
    with TestClient(app, raise_server_exceptions=False) as client:
        return client.post("/api/v1/auth/token", data={"username": username, "password": password})


def test_upgrade_keeps_the_oldest_name_renames_later_duplicates_and_every_password(
    engine: Engine, url: str
) -> None:
    command.upgrade(migrate.alembic_config(url), "head")
    assert _accounts(engine) == [
        (1, "sekretariat", "sekretariat", "admin", True),
        (2, "Juri.A", "juri.a", "juror", True),
        (3, "juri.a-3", "juri.a-3", "juror", True),
        (4, "JURI.A-4", "juri.a-4", "juror", True),
        (5, "juri.b", "juri.b", "juror", True),
    ]
    with engine.connect() as conn:
        hashes: dict[int, str] = dict(
            conn.execute(text("SELECT id, password_hash FROM account")).all()
        )
        events = conn.execute(
            text(
                "SELECT convention_id, action, target_type, target_id, juror_id, before, after "
                "FROM audit_event ORDER BY id"
            )
        ).all()
        assert conn.execute(text("SELECT count(*) FROM account_convention")).scalar() == 0
    for account_id, _name, _role, password in ACCOUNTS:
        assert verify_password(password, hashes[account_id])
    assert [(e[0], e[1], e[2], e[3], e[4], _json(e[5]), _json(e[6])) for e in events] == [
        (1, "account.rename", "juror", 3, 3, {"username": "juri.a"}, {"username": "juri.a-3"}),
        (1, "account.rename", "juror", 4, 4, {"username": "JURI.A"}, {"username": "JURI.A-4"}),
    ]
    # Logins ignore case; the renamed accounts log in with their new names, old passwords.
    kept = _log_in(engine, "JURI.a", "juror-password-2")
    assert kept.status_code == 200, kept.text
    renamed = _log_in(engine, "juri.a-4", "juror-password-4")
    assert renamed.status_code == 200, renamed.text
    assert _log_in(engine, "juri.a", "juror-password-3").status_code == 401


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def test_upgraded_schema_refuses_names_equal_ignoring_case_and_unknown_roles(
    engine: Engine, url: str
) -> None:
    command.upgrade(migrate.alembic_config(url), "head")
    insert = text(
        "INSERT INTO account (id, username, username_key, full_name, role, password_hash, "
        "credential_stamp, active, created_at, updated_at) VALUES "
        "(7, :u, :key, 'X', :role, 'h', 's', :active, :now, :now)"
    )
    row = {"u": "Sekretariat", "key": "sekretariat", "role": "admin", "active": True, "now": NOW}
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert, row)
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert, {**row, "u": "root", "key": "root", "role": "root"})
    with engine.begin() as conn:
        conn.execute(insert, {**row, "u": "sek.solok", "key": "sek.solok", "role": "secretariat"})
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            sql = conn.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'account'"))
        assert "AUTOINCREMENT" in sql  # a deleted account's id is never reused


def test_downgrade_drops_secretariats_and_locks_inactive_accounts_out(
    engine: Engine, url: str
) -> None:
    config = migrate.alembic_config(url)
    command.upgrade(config, "head")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO account (id, username, username_key, full_name, role, "
                "password_hash, credential_stamp, active, created_at, updated_at) VALUES "
                "(6, 'sek.solok', 'sek.solok', 'Sek', 'secretariat', 'h', 's', :t, :now, :now)"
            ),
            {"t": True, "now": NOW},
        )
        conn.execute(text("INSERT INTO account_convention VALUES (6, 1)"))
        conn.execute(text("UPDATE account SET active = :f WHERE id = 5"), {"f": False})
    command.downgrade(config, "0004")
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, username, role, password_hash, credential_stamp FROM account")
        ).all()
    by_id = {row[0]: row for row in rows}
    assert sorted(by_id) == [1, 2, 3, 4, 5]
    assert by_id[4][1] == "JURI.A-4"  # renames stay
    assert not verify_password("juror-password-5", by_id[5][3])
    assert by_id[5][4] != "stamp"
    assert verify_password("juror-password-2", by_id[2][3]) and by_id[2][4] == "stamp"
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO account (id, username, full_name, role, password_hash, "
                "credential_stamp, created_at, updated_at) VALUES "
                "(8, 'sek.baru', 'X', 'secretariat', 'h', 's', :now, :now)"
            ),
            {"now": NOW},
        )
    command.upgrade(config, "head")
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert [row[4] for row in _accounts(engine)] == [True] * 5
