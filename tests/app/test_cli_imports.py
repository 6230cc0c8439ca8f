"""``konvensi import`` on a migrated database of either engine."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from app import migrate
from app.cli import base as cli_module
from app.cli import cli
from app.config import get_settings
from app.db import create_db_engine
from app.models import Account, AuditEvent, Entry, Opd
from app.security import verify_password
from tests.app import factories as f
from tests.app.databases import ENGINES, fresh_database
from tests.app.import_files import ENTRY_HEADER, JUROR_HEADER, NIP, OPD_HEADER, csv_bytes


@dataclass
class Db:
    url: str
    cid: int


@pytest.fixture(params=ENGINES)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Db]:
    """A migrated database holding one convention with panels K and L and OPD BAPPEDA."""
    with fresh_database(request.param, tmp_path) as url:
        migrate.upgrade(url)
        engine = create_db_engine(url)
        try:
            with Session(engine, expire_on_commit=False) as session:
                convention = f.make_convention(session)
                f.make_panel(session, convention, name="K")
                f.make_panel(session, convention, name="L")
                f.make_opd(session, convention, code="BAPPEDA")
                session.commit()
            yield Db(url, convention.id)
        finally:
            engine.dispose()


@pytest.fixture
def run(db: Db, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    monkeypatch.setenv("KONVENSI_DATABASE_URL", db.url)
    monkeypatch.setattr(cli_module.console, "width", 200)
    monkeypatch.setattr(cli_module.err, "width", 200)
    get_settings.cache_clear()
    yield None
    get_settings.cache_clear()


def konvensi(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


M = TypeVar("M", Opd, Entry, Account)


def rows_of(db: Db, model: type[M]) -> list[M]:
    engine = create_db_engine(db.url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            stmt = select(model).where(model.convention_id == db.cid).order_by(model.id)
            return list(session.scalars(stmt))
    finally:
        engine.dispose()


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


@pytest.mark.usefixtures("run")
def test_import_opds_prints_counts_and_writes_them(db: Db, tmp_path: Path) -> None:
    file = write(
        tmp_path,
        "opd.csv",
        csv_bytes([OPD_HEADER, ["DINKES", "Dinas Kesehatan"], ["BAPPEDA", "x"]], delimiter=";"),
    )
    result = konvensi("import", "opds", file, "--convention", db.cid, "--skip-existing")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        f"imported 1 OPD(s) from opd.csv into convention {db.cid}; skipped 1 existing (rows 2)"
    )
    opds = [(o.code, o.name) for o in rows_of(db, Opd)]
    assert [code for code, _ in opds] == ["BAPPEDA", "DINKES"]
    assert opds[1] == ("DINKES", "Dinas Kesehatan")


@pytest.mark.usefixtures("run")
def test_import_entries_dry_run_writes_nothing(db: Db, tmp_path: Path) -> None:
    content = csv_bytes([ENTRY_HEADER, ["Satu", "S1", "BAPPEDA", "sdm", "", f"Budi|{NIP}"]])
    file = write(tmp_path, "inovasi.csv", content)
    result = konvensi("import", "entries", file, "-c", db.cid, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "dry run: inovasi.csv would import 1 entry(ies)" in result.stdout
    assert rows_of(db, Entry) == []
    result = konvensi("import", "entries", file, "-c", db.cid)
    assert result.exit_code == 0, result.output
    (entry,) = rows_of(db, Entry)
    assert (entry.title, entry.acronym, entry.category) == ("Satu", "S1", "sdm")


@pytest.mark.usefixtures("run")
def test_import_jurors_prints_the_generated_passwords_once(db: Db, tmp_path: Path) -> None:
    content = csv_bytes(
        [
            JUROR_HEADER,
            ["juri.a", "Juri A", "K", "", "BAPPEDA"],
            ["juri.b", "Juri B", "L", "rahasia-panjang", ""],
        ]
    )
    result = konvensi("import", "jurors", write(tmp_path, "juri.csv", content), "-c", db.cid)
    assert result.exit_code == 0, result.output
    assert "imported 2 juror(s)" in result.stdout
    assert "Generated passwords: shown once, keep them" in result.stdout
    line = next(line for line in result.stdout.splitlines() if "juri.a" in line)
    found = re.search(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", line)
    assert found is not None, result.stdout
    password = found.group()
    assert "juri.b" not in result.stdout and "rahasia-panjang" not in result.stdout
    accounts = {a.username: a for a in rows_of(db, Account)}
    assert verify_password(password, accounts["juri.a"].password_hash)
    assert verify_password("rahasia-panjang", accounts["juri.b"].password_hash)
    engine = create_db_engine(db.url)
    try:
        with Session(engine) as session:
            actors = session.scalars(
                select(AuditEvent.actor_username).where(AuditEvent.action == "juror.create")
            )
            assert list(actors) == [None, None]  # the command, not an account
    finally:
        engine.dispose()


@pytest.mark.usefixtures("run")
def test_import_with_bad_rows_prints_a_table_and_exits_1(db: Db, tmp_path: Path) -> None:
    content = csv_bytes(
        [
            ENTRY_HEADER,
            ["Satu", "", "BAPPEDA", "sdm", "", ""],
            ["Dua", "", "DISHUB", "robot", "", "Ani|123"],
        ]
    )
    result = konvensi("import", "entries", write(tmp_path, "inovasi.csv", content), "-c", db.cid)
    assert result.exit_code == 1, result.output
    assert "Nothing was imported" in result.stderr
    problems = [line for line in result.stderr.splitlines() if line.lstrip("│ ").startswith("2 ")]
    assert len(problems) == 3, result.stderr
    for column, text in (
        ("kode_opd", "no OPD with code 'DISHUB' in this convention"),
        ("kategori", "unknown category 'robot'"),
        ("inovator", "a NIP is 18 digits, not '123'"),
    ):
        assert any(column in line and text in line for line in problems), (column, result.stderr)
    assert "3 problem(s) in the file" in result.stderr.splitlines()[-1]
    assert rows_of(db, Entry) == []


@pytest.mark.usefixtures("run")
def test_import_of_a_file_that_cannot_be_read_fails_in_one_line(db: Db, tmp_path: Path) -> None:
    file = write(tmp_path, "opd.csv", "kode;nama\nKOPERASI;Dinas Koperasi é\n".encode("latin-1"))
    result = konvensi("import", "opds", file, "-c", db.cid)
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "not UTF-8" in lines[0], result.stderr
    again = konvensi(
        "import", "opds", write(tmp_path, "opd3.csv", b"kode,nama\nBAPPEDA,B\n"), "-c", db.cid
    )
    assert again.exit_code == 1
    assert "(--skip-existing skips such rows)" in again.stderr
    missing = konvensi("import", "opds", write(tmp_path, "opd2.csv", b"kode\nA\n"), "-c", db.cid)
    assert missing.exit_code == 1
    assert "nama" in missing.stderr and "required column is missing" in missing.stderr


@pytest.mark.usefixtures("run")
def test_import_into_an_unknown_convention_fails(db: Db, tmp_path: Path) -> None:
    file = write(tmp_path, "opd.csv", csv_bytes([OPD_HEADER, ["A", "B"]]))
    result = konvensi("import", "opds", file, "-c", db.cid + 1000)
    assert result.exit_code == 1
    assert f"Convention {db.cid + 1000} not found" in result.stderr


@pytest.mark.usefixtures("run")
def test_import_lists_the_first_thousand_of_a_flood(db: Db, tmp_path: Path) -> None:
    rows = [OPD_HEADER] + [["", f"Dinas {i}"] for i in range(1_001)]
    result = konvensi("import", "opds", write(tmp_path, "opd.csv", csv_bytes(rows)), "-c", db.cid)
    assert result.exit_code == 1
    assert "(the first 1000 of 1001 problems)" in result.stderr
    assert "1001 problem(s) in the file" in result.stderr.splitlines()[-1]


def test_import_into_a_database_that_is_not_migrated_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KONVENSI_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    get_settings.cache_clear()
    try:
        file = write(tmp_path, "opd.csv", csv_bytes([OPD_HEADER, ["A", "B"]]))
        result = konvensi("import", "opds", file, "-c", 1)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot use the database" in lines[0], result.stderr
