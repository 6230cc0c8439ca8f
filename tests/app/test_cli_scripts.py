"""The award-list scripts: `konvensi awards`, `konvensi certificates`, `konvensi ranking`,
on a migrated SQLite file directly, and (slow) through a real server with `--url/--token`."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from app import migrate
from app.cli import base as cli_module
from app.cli import cli
from app.config import Settings, get_settings
from app.db import create_db_engine
from app.main import create_app
from tests.app import factories as f
from tests.app.live import HOSTILE_NAME, LiveServer
from tests.app.test_awards import published
from tests.app.test_exports import AWARD_HEADERS

PUBLIC_URL = "https://konvensi.example.go.id"


@dataclass
class Published:
    url: str
    issued: f.World  # published, awards and certificates issued
    pending: f.World  # published, nothing issued yet
    draft: f.World  # no results
    certificates: list[dict[str, Any]]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    """A migrated SQLite file holding a published convention, through the real app."""
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'konvensi.db'}"
    migrate.upgrade(url)
    engine = create_db_engine(url)
    settings = Settings(secret_key=f.SECRET, database_url=url, public_url=PUBLIC_URL)
    app = create_app(settings)
    try:
        with Session(engine, expire_on_commit=False) as session, TestClient(app) as client:
            issued = f.make_world(session, f.SECRET)
            published(client, session, issued)
            response = client.post(issued.url("/awards"), headers=issued.admin.headers)
            assert response.status_code == 201, response.text
            pending = f.make_world(session, f.SECRET)
            published(client, session, pending)
            draft = f.make_world(session, f.SECRET)
            yield Published(url, issued, pending, draft, response.json()["certificates"])
    finally:
        app.state.db.dispose()
        engine.dispose()


@pytest.fixture
def run(db: Published, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("KONVENSI_DATABASE_URL", db.url)
    monkeypatch.setenv("KONVENSI_PUBLIC_URL", PUBLIC_URL)
    monkeypatch.delenv("KONVENSI_URL", raising=False)
    monkeypatch.delenv("KONVENSI_TOKEN", raising=False)
    monkeypatch.setattr(cli_module.console, "width", 250)
    get_settings.cache_clear()

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, [str(a) for a in args])

    yield invoke
    get_settings.cache_clear()


def _one_line_error(result: Result, code: int = 1) -> str:
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("konvensi: ")
    return lines[0]


def _award_row(w: f.World) -> list[Any]:
    e0 = w.entries[0]
    return [1, "Juara I", e0.id, "FASTREN", e0.acronym, "BAPPEDA", w.opds[0].name, "Rina; Budi"]


def test_help_lists_the_scripts(run: Any) -> None:
    result = run("--help")
    assert result.exit_code == 0
    for command in ("awards", "certificates", "ranking"):
        assert command in result.stdout


def test_awards_csv_goes_to_stdout(run: Any, db: Published) -> None:
    result = run("awards", "--convention", db.issued.cid)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows == [AWARD_HEADERS, [str(v) for v in _award_row(db.issued)]]


def test_awards_json_is_the_ceremony_list(run: Any, db: Published) -> None:
    result = run("awards", "-c", db.issued.cid, "--format", "json")
    assert result.exit_code == 0, result.output
    e0 = db.issued.entries[0]
    assert json.loads(result.stdout) == [
        {
            "category": None,
            "rank": 1,
            "name": "Juara I",
            "entry_id": e0.id,
            "title": "FASTREN",
            "acronym": e0.acronym,
            "opd_code": "BAPPEDA",
            "opd_name": db.issued.opds[0].name,
            "innovators": ["Rina", "Budi"],
        }
    ]


def test_awards_xlsx_goes_to_a_file(run: Any, db: Published, tmp_path: Path) -> None:
    out = tmp_path / "juara.xlsx"
    result = run("awards", "-c", db.issued.cid, "-f", "xlsx", "--output", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    sheet = load_workbook(out).active
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        AWARD_HEADERS,
        _award_row(db.issued),
    ]


def test_awards_xlsx_needs_an_output_file(run: Any, db: Published) -> None:
    line = _one_line_error(run("awards", "-c", db.issued.cid, "-f", "xlsx"), code=2)
    assert line == "konvensi: --format xlsx needs --output FILE"


def test_awards_before_issuing_says_how(run: Any, db: Published) -> None:
    line = _one_line_error(run("awards", "-c", db.pending.cid))
    assert f"convention {db.pending.cid} has no awards yet" in line
    assert "--issue" in line


def test_awards_issue_first_then_list(run: Any, db: Published) -> None:
    result = run("awards", "-c", db.pending.cid, "--issue", "-f", "json")
    assert result.exit_code == 0, result.output
    assert "issued 1 award(s) and 4 certificate(s)" in result.stderr
    assert [a["title"] for a in json.loads(result.stdout)] == ["FASTREN"]
    again = run("awards", "-c", db.pending.cid, "--issue", "-f", "json")
    assert "issued 0 award(s) and 0 certificate(s)" in again.stderr


def test_issue_before_results_fails_in_one_line(run: Any, db: Published) -> None:
    line = _one_line_error(run("awards", "-c", db.draft.cid, "--issue"))
    assert "Results are not published yet" in line


def test_unknown_convention_fails_in_one_line(run: Any) -> None:
    assert _one_line_error(run("awards", "-c", "999999")) == (
        "konvensi: Convention 999999 not found."
    )
    assert "Convention 999999 not found." in _one_line_error(run("ranking", "-c", "999999"))


def test_unmigrated_database_fails_in_one_line(
    run: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KONVENSI_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    get_settings.cache_clear()
    line = _one_line_error(run("awards", "-c", "1"))
    assert "cannot read the database" in line
    assert "konvensi migrate" in line


def test_url_needs_a_token(run: Any) -> None:
    line = _one_line_error(run("awards", "-c", "1", "--url", "http://127.0.0.1:9"))
    assert "--token" in line


def test_unreachable_server_fails_in_one_line(run: Any) -> None:
    line = _one_line_error(run("ranking", "-c", "1", "--url", "http://127.0.0.1:9", "--token", "x"))
    assert line.startswith("konvensi: cannot reach http://127.0.0.1:9")


def test_berita_acara_writes_the_minutes(run: Any, db: Published, tmp_path: Path) -> None:
    out = tmp_path / "berita-acara.pdf"
    result = run("berita-acara", "-c", db.issued.cid, "-o", out)
    assert result.exit_code == 0, result.output
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    assert "BERITA ACARA" in text and str(db.issued.entries[0].acronym) in text
    assert all(j.account.full_name in text for j in db.issued.jurors)
    unpublished = run("berita-acara", "-c", db.draft.cid, "-o", tmp_path / "x.pdf")
    assert unpublished.exit_code == 1
    assert "no published results" in unpublished.stderr


def test_certificates_writes_every_pdf(run: Any, db: Published, tmp_path: Path) -> None:
    out = tmp_path / "piagam"
    result = run("certificates", "-c", db.issued.cid, "--output", out)
    assert result.exit_code == 0, result.output
    assert f"wrote 4 certificate(s) to {out}" in result.stdout
    names = [c["number"].replace("/", "-") + ".pdf" for c in db.certificates]
    assert sorted(p.name for p in out.iterdir()) == sorted(names)
    for cert, name in zip(db.certificates, names, strict=True):
        lines = PdfReader(out / name).pages[0].extract_text().splitlines()
        assert cert["recipient_name"] in lines
        assert f"{PUBLIC_URL}/verify/{cert['code']}" in lines


def test_certificates_with_a_local_public_url_warn_in_one_line(
    run: Any, db: Published, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without KONVENSI_PUBLIC_URL the QR codes point at http://127.0.0.1:8000: one line says
    so, however narrow the terminal."""
    monkeypatch.delenv("KONVENSI_PUBLIC_URL")
    monkeypatch.setattr(cli_module.err, "width", 40)
    get_settings.cache_clear()
    result = run("certificates", "-c", db.issued.cid, "--output", tmp_path / "piagam")
    assert result.exit_code == 0, result.output
    warning, progress = result.stderr.splitlines()
    assert warning == (
        "warning: the QR codes point at http://127.0.0.1:8000; set KONVENSI_PUBLIC_URL to the "
        "public address before printing"
    )
    assert progress.startswith("piagam ") and progress.endswith(" 4/4")


def test_certificates_before_issuing_says_how(run: Any, db: Published, tmp_path: Path) -> None:
    line = _one_line_error(run("certificates", "-c", db.draft.cid, "-o", tmp_path))
    assert f"convention {db.draft.cid} has no certificates yet" in line


def test_certificates_one_file_is_one_pdf_in_number_order(
    run: Any, db: Published, tmp_path: Path
) -> None:
    out = tmp_path / "cetak.pdf"
    result = run("certificates", "-c", db.issued.cid, "--one-file", out)
    assert result.exit_code == 0, result.output
    assert f"wrote 4 certificate(s) to {out} (one PDF)" in result.stdout
    reader = PdfReader(out)
    ordered = sorted(db.certificates, key=lambda c: c["number"])
    assert len(reader.pages) == len(ordered)
    for page, cert in zip(reader.pages, ordered, strict=True):
        lines = page.extract_text().splitlines()
        assert f"Nomor: {cert['number']}" in lines and cert["recipient_name"] in lines
        assert f"{PUBLIC_URL}/verify/{cert['code']}" in lines
    assert not (tmp_path / "cetak.pdf.part").exists()
    winners = run("certificates", "-c", db.issued.cid, "--one-file", out, "--kind", "winner")
    assert winners.exit_code == 0, winners.output
    assert len(PdfReader(out).pages) == sum(c["kind"] == "winner" for c in ordered)


def test_certificates_one_file_refusals(run: Any, db: Published, tmp_path: Path) -> None:
    out = tmp_path / "x.pdf"
    line = _one_line_error(run("certificates", "-c", db.draft.cid, "--one-file", out))
    assert f"convention {db.draft.cid} has no certificates yet" in line
    line = _one_line_error(
        run("certificates", "-c", db.issued.cid, "--one-file", out, "--kind", "juror")
    )
    assert f"convention {db.issued.cid} has no certificates with kind=juror" in line
    assert not out.exists()
    both = run("certificates", "-c", db.issued.cid, "--one-file", out, "-o", tmp_path)
    assert "either --output FOLDER" in _one_line_error(both, 2)
    assert "either --output FOLDER" in _one_line_error(run("certificates", "-c", 1), 2)
    stray = run("certificates", "-c", db.issued.cid, "-o", tmp_path, "--include-revoked")
    assert "go with --one-file" in _one_line_error(stray, 2)
    unwritable = run("certificates", "-c", db.issued.cid, "--one-file", tmp_path / "no" / "x.pdf")
    assert "cannot write" in _one_line_error(unwritable)


def test_ranking_prints_a_table(run: Any, db: Published) -> None:
    result = run("ranking", "-c", db.issued.cid, "--method", "median")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Konvensi Inovasi Daerah Kota Solok 2018: peringkat (median)" in out
    e0, e1 = db.issued.entries[:2]
    lines = [line for line in out.splitlines() if e0.acronym in line or e1.acronym in line]
    assert len(lines) == 2
    cells = [c.strip() for c in lines[0].strip("│┃ ").split("│")]
    # #, the innovation, OPD, score, a score per panel, sheets in/expected, = tied * awarded.
    assert cells == ["1", e0.acronym, "BAPPEDA", "90.00", "90.00", "90.00", "3/3", "*"]
    assert all(len(line) <= 80 for line in out.splitlines())


def test_ranking_prints_csv_and_json(run: Any, db: Published) -> None:
    as_csv = run("ranking", "-c", db.issued.cid, "--format", "csv")
    assert as_csv.exit_code == 0, as_csv.output
    assert as_csv.stdout.splitlines()[0].startswith("rank,entry_id,title,acronym,opd_code,score")
    as_json = run("ranking", "-c", db.issued.cid, "--format", "json")
    assert as_json.exit_code == 0, as_json.output
    body = json.loads(as_json.stdout)
    assert body["rows"][0]["entry_id"] == db.issued.entries[0].id
    unknown = run("ranking", "-c", db.issued.cid, "--stage", "NOPE")
    assert unknown.exit_code == 1
    assert "no stage 'NOPE' (its stages: UTAMA)" in unknown.stderr


def test_ranking_with_stability_adds_the_range_and_verdict(run: Any, db: Published) -> None:
    table = run("ranking", "-c", db.issued.cid, "--stability")
    assert table.exit_code == 0, table.output
    e0 = db.issued.entries[0]
    line = next(line for line in table.stdout.splitlines() if f" {e0.acronym} " in line)
    cells = [c.strip() for c in line.strip("│┃ ").split("│")]
    assert cells[-3:] == ["1", "masuk", "*"]  # always first, always awarded
    assert "3 juri ditinggalkan bergantian" in table.stdout
    as_csv = run("ranking", "-c", db.issued.cid, "--stability", "--format", "csv")
    lines = as_csv.stdout.splitlines()
    assert lines[0].endswith(",awarded,rank_min,rank_max,awarded_share,verdict")
    assert lines[1].endswith(",true,1,1,1.00,stable_in")
    as_json = json.loads(run("ranking", "-c", db.issued.cid, "--stability", "-f", "json").stdout)
    assert as_json["jurors_left_out"] == 3
    assert as_json["rows"][0]["stability"] == {
        "rank_min": 1,
        "rank_max": 1,
        "awarded_share": 1.0,
        "verdict": "stable_in",
    }


def test_ranking_refuses_an_unknown_method(run: Any, db: Published) -> None:
    result = run("ranking", "-c", db.issued.cid, "--method", "best")
    assert result.exit_code == 2
    assert "best" in result.stderr


# --- through a running server -------------------------------------------------------------


@pytest.mark.slow
def test_scripts_through_a_server(
    run: Any, server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another machine: no database, only the server's address and a token (from the env)."""
    monkeypatch.setenv("KONVENSI_DATABASE_URL", f"sqlite:///{tmp_path / 'absent' / 'no.db'}")
    monkeypatch.setenv("KONVENSI_URL", server.url)
    monkeypatch.setenv("KONVENSI_TOKEN", server.token)
    get_settings.cache_clear()
    cid = server.data["convention_id"]

    listed = run("awards", "-c", cid, "-f", "json")
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.stdout) == [
        {
            "category": None,
            "rank": 1,
            "name": "Juara I",
            "entry_id": server.data["awards"][0]["entry_id"],
            "title": "Fasilitator Perencanaan Teladan",
            "acronym": "FASTREN",
            "opd_code": "BAPPEDA",
            "opd_name": "Badan Perencanaan Pembangunan Daerah",
            "innovators": ["Rina Marlina", HOSTILE_NAME],
        }
    ]
    as_csv = run("awards", "-c", cid)
    assert list(csv.reader(io.StringIO(as_csv.stdout)))[1][-1] == f"Rina Marlina; {HOSTILE_NAME}"

    out = tmp_path / "piagam"
    written = run("certificates", "-c", cid, "-o", out)
    assert written.exit_code == 0, written.output
    certificates = server.data["certificates"].values()
    assert sorted(p.name for p in out.iterdir()) == sorted(
        c["number"].replace("/", "-") + ".pdf" for c in certificates
    )
    revoked = server.data["revoked"]
    text = PdfReader(out / (revoked["number"].replace("/", "-") + ".pdf")).pages[0].extract_text()
    assert "DICABUT / REVOKED" in text
    assert f"{server.url}/verify/{revoked['code']}" in text.splitlines()

    one = tmp_path / "cetak.pdf"
    printed = run("certificates", "-c", cid, "--one-file", one, "--include-revoked")
    assert printed.exit_code == 0, printed.output
    assert f"wrote {len(certificates)} certificate(s) to {one} (one PDF)" in printed.stdout
    pages = [page.extract_text() for page in PdfReader(one).pages]
    numbers = sorted(c["number"] for c in certificates)
    assert [f"Nomor: {n}" in page for n, page in zip(numbers, pages, strict=True)] == [True] * 4
    valid_only = run("certificates", "-c", cid, "--one-file", one)
    assert valid_only.exit_code == 0, valid_only.output
    assert len(PdfReader(one).pages) == len(certificates) - 1
    none = run("certificates", "-c", cid, "--one-file", one, "--kind", "juror")
    assert "answered 404: Convention" in _one_line_error(none)

    table = run("ranking", "-c", cid)
    assert table.exit_code == 0, table.output
    # The 80-column table: acronyms, a column per panel.
    assert "FASTREN" in table.stdout and "KemenPAN-RB" in table.stdout
    steady = run("ranking", "-c", cid, "--stability", "--format", "csv")
    assert steady.exit_code == 0, steady.output
    # One juror: without it nobody is ranked, so even the winner's award hangs on it.
    assert steady.stdout.splitlines()[1].endswith(",true,1,1,0.00,cusp")

    refused = run("awards", "-c", cid, "--token", "not-a-token")
    line = _one_line_error(refused)
    assert f"GET {server.url}/api/v1/conventions/{cid}/awards answered 401" in line
