"""The ``konvensi`` command: help, migrate, serve's refusals, create-admin, bootstrap, demo."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner, Result

from app import migrate
from app.cli import cli
from app.config import Settings, get_settings
from app.db import Database, create_db_engine
from app.main import create_app
from app.models import Account, Convention, Criterion, Entry, Opd, Panel, Sheet
from app.security import verify_password

SECRET = "a-secret-key-for-the-cli-tests-long-enough"
VARIABLES = (
    "KONVENSI_PUBLIC_URL",
    "KONVENSI_DATABASE_URL",
    "KONVENSI_SECRET_KEY",
    "KONVENSI_ADMIN_USERNAME",
    "KONVENSI_ADMIN_PASSWORD",
    "KONVENSI_NEW_PASSWORD",
)


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """uvicorn.run, recorded instead of serving."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("uvicorn.run", lambda *_args, **kwargs: calls.append(kwargs))
    return calls


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


@pytest.fixture
def migrated(sqlite_url: str) -> str:
    """``sqlite_url``, migrated to head."""
    migrate.upgrade(sqlite_url)
    return sqlite_url


ADMIN_ENV = {"admin_username": "sekretariat", "admin_password": "rahasia-sekretariat-1"}


def run(*args: str, **env: str | None) -> Result:
    """``konvensi *args`` with exactly the KONVENSI_ variables given (the rest unset; the
    runner restores the environment, including what the command itself sets)."""
    environment: dict[str, str | None] = dict.fromkeys(VARIABLES)
    environment.update({f"KONVENSI_{key.upper()}": value for key, value in env.items()})
    get_settings.cache_clear()
    return CliRunner().invoke(cli, list(args), env=environment)


def serve(url: str | None, *args: str, **env: str | None) -> Result:
    """``konvensi serve *args`` on the database at ``url``, with SECRET unless ``env`` gives
    a secret key of its own (None: unset)."""
    return run("serve", *args, database_url=url, **({"secret_key": SECRET} | env))


def one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    return lines[0]


def refused(result: Result, *says: str, code: int | None = None) -> str:
    """Assert the command failed (with ``code``, when given) in one line of stderr that says
    each of ``says``; return the line."""
    if code is None:
        assert result.exit_code != 0, result.output
    else:
        assert result.exit_code == code, result.output
    line = one_line(result.stderr)
    for words in says:
        assert words in line, line
    return line


def count(url: str, model: Any) -> int:
    db = Database(create_db_engine(url))
    try:
        with db.transaction(write=False) as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        db.dispose()


# --- help and migrate -------------------------------------------------------------------------


def test_help_lists_commands() -> None:
    result = run("--help")
    assert result.exit_code == 0, result.output
    for command in ("migrate", "serve", "create-admin"):
        assert command in result.stdout


def test_no_arguments_shows_help() -> None:
    result = run()
    assert "migrate" in result.output and "serve" in result.output


def test_migrate_creates_fresh_sqlite_file_at_head(tmp_path: Path) -> None:
    path = tmp_path / "new" / "konvensi.db"
    path.parent.mkdir()
    result = run("migrate", database_url=f"sqlite:///{path}")
    assert result.exit_code == 0, result.output
    assert path.exists()
    assert migrate.head_revision() in result.stdout  # type: ignore[operator]
    engine = create_db_engine(f"sqlite:///{path}")
    try:
        assert migrate.current_revision(engine) == migrate.head_revision()
    finally:
        engine.dispose()
    again = run("migrate", database_url=f"sqlite:///{path}")
    assert again.exit_code == 0, again.output


def test_migrate_unreachable_database_fails_in_one_line(tmp_path: Path) -> None:
    result = run("migrate", database_url=f"sqlite:///{tmp_path}/missing/dir/x.db")
    refused(result, "migration failed")


# --- serve's refusals -------------------------------------------------------------------------


@pytest.mark.parametrize("key", [None, "", "changethis"], ids=["unset", "empty", "placeholder"])
def test_serve_without_a_real_secret_key_refuses_in_one_line(
    migrated: str, served: list[dict[str, Any]], key: str | None
) -> None:
    refused(serve(migrated, secret_key=key), "KONVENSI_SECRET_KEY")
    assert served == []


def test_serve_logs_the_services_own_loggers_at_info(
    migrated: str, served: list[dict[str, Any]]
) -> None:
    result = serve(migrated, **ADMIN_ENV)
    assert result.exit_code == 0, result.output
    # konvensi.security (app/seclog.py) goes where konvensi goes: at INFO, on its handler.
    loggers = served[0]["log_config"]["loggers"]
    assert loggers["konvensi"] == {"handlers": ["konvensi"], "level": "INFO", "propagate": False}
    assert "konvensi.security" not in loggers


@pytest.mark.parametrize("length", [1, 16, 31])
def test_serve_with_short_secret_key_refuses_in_one_line(
    migrated: str, served: list[dict[str, Any]], length: int
) -> None:
    result = serve(migrated, secret_key="k" * length, **ADMIN_ENV)
    refused(result, f"KONVENSI_SECRET_KEY has {length} characters; it needs at least 32", code=2)
    assert served == []


@pytest.mark.usefixtures("served")
def test_serve_with_a_32_character_secret_key_starts(migrated: str) -> None:
    result = serve(migrated, secret_key="k" * 32, **ADMIN_ENV)
    assert result.exit_code == 0, result.output


def test_create_app_refuses_a_short_secret_key() -> None:
    with pytest.raises(RuntimeError, match="needs at least 32"):
        create_app(Settings(database_url="sqlite://", secret_key="k" * 31))


def test_bad_setting_refuses_every_command_in_one_line(sqlite_url: str) -> None:
    for command in (["migrate"], ["serve"], ["backup", "copy.db"]):
        result = run(*command, database_url=sqlite_url, token_ttl_seconds="5")
        says = "KONVENSI_TOKEN_TTL_SECONDS: Input should be greater than or equal to 60"
        refused(result, says, code=2)
    assert not Path(sqlite_url.removeprefix("sqlite:///")).exists()


def test_serve_on_unmigrated_database_refuses_in_one_line(
    sqlite_url: str, served: list[dict[str, Any]]
) -> None:
    result = serve(sqlite_url)
    refused(result, "konvensi migrate", "no database")
    assert served == []
    assert not Path(sqlite_url.removeprefix("sqlite:///")).exists()  # no empty file left


def test_serve_on_empty_database_file_refuses_in_one_line(
    sqlite_url: str, served: list[dict[str, Any]]
) -> None:
    Path(sqlite_url.removeprefix("sqlite:///")).touch()
    result = serve(sqlite_url)
    refused(result, "konvensi migrate", "none")
    assert served == []


def test_serve_on_unreachable_database_refuses_in_one_line(served: list[dict[str, Any]]) -> None:
    result = serve("postgresql+psycopg://nobody@127.0.0.1:1/none")
    refused(result, "database")
    assert served == []


def test_serve_on_migrated_database_with_key_starts(
    migrated: str, served: list[dict[str, Any]]
) -> None:
    result = serve(migrated, "--port", "8123", "--workers", "2", **ADMIN_ENV)
    assert result.exit_code == 0, result.output
    assert len(served) == 1
    assert (served[0]["port"], served[0]["workers"], served[0]["factory"]) == (8123, 2, True)
    # No "server" banner; the service's own access log (JSON lines), not uvicorn's.
    assert (served[0]["server_header"], served[0]["access_log"]) == (False, False)
    loggers = served[0]["log_config"]["loggers"]
    assert loggers["konvensi.access"] == {
        "handlers": ["konvensi.access"],
        "level": "INFO",
        "propagate": False,
    }
    assert loggers["konvensi"]["level"] == "INFO"


def test_serve_demo_without_key_says_it_uses_random_key(
    migrated: str, served: list[dict[str, Any]]
) -> None:
    result = serve(migrated, "--demo", secret_key=None)
    assert result.exit_code == 0, result.output
    assert "random key" in result.stdout
    assert len(served) == 1


# --- accounts ---------------------------------------------------------------------------------


def test_create_admin_creates_account_and_refuses_duplicate(url: str) -> None:
    migrate.upgrade(url)
    result = run("create-admin", "sekretariat", "--password", "rahasia-panjang", database_url=url)
    assert result.exit_code == 0, result.output
    assert "sekretariat" in result.stdout
    again = run("create-admin", "sekretariat", "--password", "another-password", database_url=url)
    refused(again, "taken")
    db = Database(create_db_engine(url))
    try:
        with db.transaction(write=False) as session:
            account = session.scalars(
                select(Account).where(Account.username == "sekretariat")
            ).one()
            assert account.role == "admin"
            assert verify_password("rahasia-panjang", account.password_hash)
    finally:
        db.dispose()


def test_create_admin_reads_password_from_environment(migrated: str) -> None:
    result = run("create-admin", "admin2", database_url=migrated, new_password="from-the-env")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "args", [["--password", "short"], ["--password", "123456789"], ["--password", " " * 12], []]
)
def test_create_admin_without_good_password_refuses(migrated: str, args: list[str]) -> None:
    result = run("create-admin", "admin3", *args, database_url=migrated)
    refused(result, "password")
    assert count(migrated, Account) == 0


@pytest.mark.parametrize("username", ["ab", "nama dengan spasi", "x" * 65])
def test_create_admin_with_bad_username_refuses(migrated: str, username: str) -> None:
    result = run("create-admin", username, "--password", "rahasia-panjang", database_url=migrated)
    refused(result, "the username")
    assert count(migrated, Account) == 0


@pytest.mark.parametrize(
    ("env", "says"),
    [
        (
            {"admin_username": "sekretariat", "admin_password": "123456789"},
            "KONVENSI_ADMIN_PASSWORD",
        ),
        ({"admin_username": "sekretariat", "admin_password": " " * 12}, "KONVENSI_ADMIN_PASSWORD"),
        ({"admin_username": "se kretariat", "admin_password": "rahasia-panjang"}, "USERNAME"),
    ],
)
def test_serve_refuses_a_new_admin_account_that_breaks_the_rules(
    migrated: str, served: list[dict[str, Any]], env: dict[str, str], says: str
) -> None:
    result = serve(migrated, **env)
    refused(result, f"KONVENSI_ADMIN_{says.removeprefix('KONVENSI_ADMIN_')}", code=2)
    assert count(migrated, Account) == 0
    assert served == []


@pytest.mark.usefixtures("served")
def test_serve_keeps_an_existing_admin_whose_password_predates_the_rule(
    migrated: str,
) -> None:
    made = run(
        "create-admin", "sekretariat", "--password", "rahasia-panjang", database_url=migrated
    )
    assert made.exit_code == 0, made.output
    result = serve(migrated, admin_username="sekretariat", admin_password="short")
    assert result.exit_code == 0, result.output
    assert count(migrated, Account) == 1


@pytest.mark.usefixtures("served")
def test_bootstrap_admin_is_idempotent_and_keeps_password(url: str) -> None:
    migrate.upgrade(url)
    first = serve(url, admin_username="sekretariat", admin_password="first-password")
    assert first.exit_code == 0, first.output
    assert "created secretariat account" in first.stdout
    second = serve(url, admin_username="sekretariat", admin_password="second-password")
    assert second.exit_code == 0, second.output
    assert "created" not in second.stdout
    assert count(url, Account) == 1
    app = create_app(Settings(database_url=url, secret_key=SECRET))
    with TestClient(app) as client:
        bearer(client, "sekretariat", "first-password", "admin")
        no = client.post(
            "/api/v1/auth/token", data={"username": "sekretariat", "password": "second-password"}
        )
        assert no.status_code == 401
    app.state.db.dispose()


def test_create_admin_refuses_a_name_taken_ignoring_case(migrated: str) -> None:
    made = run(
        "create-admin", "sekretariat", "--password", "rahasia-panjang", database_url=migrated
    )
    assert made.exit_code == 0, made.output
    again = run(
        "create-admin", "SEKRETARIAT", "--password", "rahasia-panjang", database_url=migrated
    )
    refused(again, "taken (ignoring case)")
    assert count(migrated, Account) == 1


@pytest.mark.usefixtures("served")
def test_bootstrap_admin_matches_an_existing_name_ignoring_case(migrated: str) -> None:
    password = "first-password"
    assert serve(migrated, admin_username="sekretariat", admin_password=password).exit_code == 0
    again = serve(migrated, admin_username="Sekretariat", admin_password=password)
    assert again.exit_code == 0, again.output
    assert "created" not in again.stdout
    assert count(migrated, Account) == 1


@pytest.mark.usefixtures("served")
def test_bootstrap_warns_when_the_username_is_a_jurors(migrated: str) -> None:
    demo = serve(migrated, "--demo")
    assert demo.exit_code == 0, demo.output
    result = serve(migrated, admin_username="juri.lan.1", admin_password="rahasia-panjang")
    assert result.exit_code == 0, result.output
    assert "is a juror's login; no secretariat account was made" in one_line(result.stderr)


@pytest.mark.usefixtures("served")
def test_bootstrap_needs_both_variables(migrated: str, served: list[dict[str, Any]]) -> None:
    result = serve(migrated, admin_username="solo")
    assert count(migrated, Account) == 0
    # Nobody could log in: refused, saying how to make the first account.
    refused(result, "no secretariat account", "konvensi create-admin", code=2)
    assert served == []


# --- the demo ---------------------------------------------------------------------------------


def printed_rows(output: str) -> list[list[str]]:
    """The rows of the table of logins that serve prints: role, username, password."""
    rows = [
        [cell.strip() for cell in line.strip().strip("│┃|").split("│")]
        for line in output.splitlines()
    ]
    return [row for row in rows if len(row) == 3]


def printed_logins(output: str) -> list[tuple[str, str, str]]:
    return [(r[0], r[1], r[2]) for r in printed_rows(output) if r[0] in ("admin", "juror")]


def bearer(client: TestClient, username: str, password: str, role: str) -> dict[str, str]:
    """Log in; assert it worked as ``role``; the headers that carry the token."""
    response = client.post("/api/v1/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, (username, response.text)
    assert response.json()["role"] == role
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.mark.usefixtures("served")
def test_serve_demo_loads_solok_once_with_working_logins(url: str) -> None:
    migrate.upgrade(url)
    result = serve(url, "--demo")
    assert result.exit_code == 0, result.output
    logins = printed_logins(result.stdout)
    assert [role for role, _, _ in logins] == ["admin"] + ["juror"] * 7
    assert "What to try first" in result.stdout
    assert "/juri/" in result.stdout and "/sekretariat/" in result.stdout
    db = Database(create_db_engine(url))
    try:
        with db.transaction(write=False) as session:
            convention, kipp = session.scalars(select(Convention).order_by(Convention.id)).all()
            assert (convention.name, convention.status) == (
                "Konvensi Inovasi Daerah Kota Solok 2018",
                "judging",
            )
            criteria = session.scalars(
                select(Criterion)
                .where(Criterion.convention_id == convention.id)
                .order_by(Criterion.id)
            ).all()
            assert [c.weight for c in criteria] == [25, 25, 15, 15, 10, 10]
            assert sorted(c.tie_break_rank for c in criteria if c.tie_break_rank) == [1, 2]
            ranked = {c.code: c.tie_break_rank for c in criteria if c.tie_break_rank}
            assert ranked == {"KEMANFAATAN": 1, "KEBARUAN": 2}
            of_solok = Entry.convention_id == convention.id
            assert session.scalar(select(func.count()).select_from(Entry).where(of_solok)) == 9
            assert (
                session.scalar(
                    select(func.count()).select_from(Opd).where(Opd.convention_id == convention.id)
                )
                == 9
            )
            panels = session.scalars(
                select(Panel).where(Panel.convention_id == convention.id).order_by(Panel.id)
            ).all()
            assert [p.name for p in panels] == ["KemenPAN-RB", "LAN"]
            jurors = session.scalars(
                select(Account).where(
                    Account.role == "juror", Account.convention_id == convention.id
                )
            ).all()
            assert len(jurors) == 4
            assert {j.panel_id for j in jurors} == {p.id for p in panels}
            # Three jurors have submitted all 9 sheets; the fourth has 2 drafts.
            states = session.execute(
                select(Sheet.status, func.count())
                .where(Sheet.convention_id == convention.id)
                .group_by(Sheet.status)
            ).all()
            assert dict(states) == {"submitted": 27, "draft": 2}
            assert (kipp.status, kipp.current_stage.code if kipp.current_stage else None) == (
                "judging",
                "PROPOSAL",
            )
    finally:
        db.dispose()

    app = create_app(Settings(database_url=url, secret_key=SECRET))
    with TestClient(app) as client:
        admin, juror = [bearer(client, user, password, role) for role, user, password in logins][:2]
        entries = client.get(f"/api/v1/conventions/{convention.id}/entries", headers=juror)
        assert entries.json()["total"] == 9
        ranking = client.get(f"/api/v1/conventions/{convention.id}/ranking", headers=admin)
        rows = ranking.json()["rows"]
        # A clear top, one tie; 3 of 4 sheets in for every entry.
        assert rows[0]["acronym"] == "FASTREN"
        assert rows[0]["score"] - rows[1]["score"] > 10
        tied = [r["acronym"] for r in rows if r["tied"]]
        assert tied == ["SATE LOKAN", "KAMPUNG BERDASI"]
        assert {(r["sheet_count"], r["expected_sheet_count"]) for r in rows} == {(3, 4)}
        preview = client.get(
            f"/api/v1/conventions/{kipp.id}/stages/{kipp.current_stage_id}/advance",
            headers=admin,
        ).json()
        assert len(preview["entry_ids"]) >= 10
    app.state.db.dispose()

    again = serve(url, "--demo")
    assert again.exit_code == 0, again.output
    assert printed_logins(again.stdout) == []
    assert "already holds data" in again.stdout
    assert count(url, Convention) == 2
    assert count(url, Account) == 9  # an admin, Solok's secretariat, 7 jurors


@pytest.mark.usefixtures("served")
def test_serve_demo_with_bootstrap_admin_prints_no_demo_admin(migrated: str) -> None:
    result = serve(
        migrated, "--demo", admin_username="sekretariat", admin_password="rahasia-panjang"
    )
    assert result.exit_code == 0, result.output
    assert [role for role, _, _ in printed_logins(result.stdout)] == ["juror"] * 7
    assert count(migrated, Account) == 9


@pytest.mark.usefixtures("served")
def test_serve_demo_prints_solok_secretariat_that_sees_solok_alone(migrated: str) -> None:
    result = serve(migrated, "--demo")
    assert result.exit_code == 0, result.output
    rows = printed_rows(result.stdout)
    (secretariat,) = [row for row in rows if row[0] == "secretariat"]
    assert secretariat[1] == "sekretariat.solok"
    assert "sekretariat.solok" in result.stdout.split("What to try first")[1]
    app = create_app(Settings(database_url=migrated, secret_key=SECRET))
    with TestClient(app) as client:
        headers = bearer(client, secretariat[1], secretariat[2], "secretariat")
        listed = client.get("/api/v1/conventions", headers=headers).json()
        assert [c["name"] for c in listed["items"]] == ["Konvensi Inovasi Daerah Kota Solok 2018"]
        solok = listed["items"][0]["id"]
        assert (
            client.get(f"/api/v1/conventions/{solok}/ranking", headers=headers).status_code == 200
        )
        (admin,) = [row for row in rows if row[0] == "admin"]
        every = client.get(
            "/api/v1/conventions", headers=bearer(client, admin[1], admin[2], "admin")
        )
        (kipp,) = [c["id"] for c in every.json()["items"] if c["id"] != solok]
        refused = client.get(f"/api/v1/conventions/{kipp}", headers=headers)
        assert refused.status_code == 404, refused.text
    app.state.db.dispose()


# --- the public URL -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "public_url", "warned"),
    [
        ("127.0.0.1", "http://127.0.0.1:8123", False),
        ("192.168.1.20", "http://192.168.1.20:8123", False),
        ("::1", "http://[::1]:8123", False),
        ("0.0.0.0", "http://127.0.0.1:8000", True),
        ("::", "http://127.0.0.1:8000", True),
    ],
)
def test_serve_prints_the_public_url_it_listens_on(
    served: list[dict[str, Any]], migrated: str, host: str, public_url: str, warned: bool
) -> None:
    result = serve(migrated, "--host", host, "--port", "8123", **ADMIN_ENV)
    assert result.exit_code == 0, result.output
    assert f"public URL (certificates' QR codes): {public_url}" in result.stdout
    assert ("KONVENSI_PUBLIC_URL is not set" in result.stderr) is warned
    assert served and served[0]["port"] == 8123


@pytest.mark.usefixtures("served")
def test_serve_keeps_a_public_url_that_is_set_without_its_trailing_slash(migrated: str) -> None:
    result = serve(
        migrated, "--port", "8123", public_url="https://konvensi.example.go.id/", **ADMIN_ENV
    )
    assert result.exit_code == 0, result.output
    assert "public URL (certificates' QR codes): https://konvensi.example.go.id\n" in result.stdout


@pytest.mark.parametrize("value", ["konvensi.example.go.id", "ftp://x.example", "/verify"])
def test_serve_refuses_a_public_url_that_is_not_absolute_http(
    served: list[dict[str, Any]], sqlite_url: str, value: str
) -> None:
    result = serve(sqlite_url, public_url=value)
    refused(result, "KONVENSI_PUBLIC_URL", "absolute http(s) URL", code=2)
    assert served == []


def test_serve_says_in_one_line_that_the_port_is_taken(
    migrated: str, served: list[dict[str, Any]]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = serve(migrated, "--port", port, **ADMIN_ENV)
    refused(result, f"port {port} on 127.0.0.1 is in use", "--port", code=2)
    assert served == []
    assert count(migrated, Account) == 0  # refused before anything was written


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_a_database_url_without_the_driver_says_which_to_write(
    served: list[dict[str, Any]], scheme: str
) -> None:
    url = f"{scheme}://konvensi:rahasia-db@db.example/konvensi"
    result = serve(url)
    line = refused(result, "KONVENSI_DATABASE_URL", "postgresql+psycopg://", code=2)
    assert "rahasia-db" not in line  # never the password
    assert served == []


def test_a_token_lifetime_below_its_minimum_is_one_line(served: list[dict[str, Any]]) -> None:
    result = serve(None, token_ttl_seconds="5")
    refused(result, "KONVENSI_TOKEN_TTL_SECONDS", "60", code=2)
    assert served == []
