"""Running the service: migrate, serve, create an admin, back up."""

from __future__ import annotations

import errno
import os
import secrets
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from app.cli.base import cli, console, err, fail
from app.config import DEFAULT_PUBLIC_URL, get_settings, secret_key_problem

if TYPE_CHECKING:
    from app.db import Database


@cli.command()
def migrate() -> None:
    """Bring the database at KONVENSI_DATABASE_URL to the newest migration."""
    from app import migrate as migrations

    settings = get_settings()
    try:
        migrations.upgrade(settings.database_url)
    except Exception as exc:
        reason = str(exc).partition("\n")[0] or exc.__class__.__name__
        raise fail(f"migration failed: {reason}") from exc
    console.print(f"database is at revision {migrations.head_revision()}")


def _check_ready(demo: bool) -> None:
    """Refuse to serve, with one line, when the key is unset or the schema is not current."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from app import migrate as migrations
    from app.db import create_db_engine

    settings = get_settings()
    key = settings.secret_key.get_secret_value() if settings.secret_key else ""
    if not key:
        if not demo:
            raise fail(
                "KONVENSI_SECRET_KEY is not set; set it (the same on every worker) or use --demo"
            )
        os.environ["KONVENSI_SECRET_KEY"] = secrets.token_urlsafe(32)
        get_settings.cache_clear()
        console.print(
            "[yellow]demo:[/] KONVENSI_SECRET_KEY is not set; using a random key "
            "(tokens end when the server stops)",
            soft_wrap=True,
        )
    elif (problem := secret_key_problem(key)) is not None:
        raise fail(problem)
    url = make_url(settings.database_url)
    sqlite_file = url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
    # Connecting to a missing SQLite file would leave an empty one behind.
    if sqlite_file and not Path(str(url.database)).exists():
        raise fail(f"no database at {url.database}: run `konvensi migrate` first")
    engine = create_db_engine(settings.database_url)
    try:
        current = migrations.current_revision(engine)
    except SQLAlchemyError as exc:
        raise fail(
            f"cannot reach the database: {exc.__class__.__name__}: {str(exc).splitlines()[0]}"
        ) from exc
    finally:
        engine.dispose()
    head = migrations.head_revision()
    if current != head:
        raise fail(
            f"the database is at revision {current or 'none (empty)'}, the newest is "
            f"{head}: run `konvensi migrate` first"
        )


def _check_port(host: str, port: int) -> None:
    """One line, not a traceback after the demo loaded, when the port is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                return  # another trouble (an address not of this machine): uvicorn says it
            raise fail(
                f"port {port} on {host or '*'} is in use: stop what listens there or "
                "choose another with --port (make run PORT=...)"
            ) from exc


def _check_someone_can_log_in() -> None:
    """A service nobody can log in to is refused, saying how to make the first account."""
    from sqlalchemy import select

    from app.db import Database, create_db_engine
    from app.enums import Role
    from app.models import Account

    db = Database(create_db_engine(get_settings().database_url))
    try:
        with db.lookup() as session:
            found = session.scalar(select(Account.id).where(Account.role == Role.ADMIN).limit(1))
    finally:
        db.dispose()
    if found is None:
        raise fail(
            "no secretariat account: set KONVENSI_ADMIN_USERNAME and KONVENSI_ADMIN_PASSWORD, "
            "or run `konvensi create-admin NAME` (or `konvensi serve --demo` to try it out)"
        )


def _is_admin(db: Database, username: str) -> bool:
    from app.enums import Role
    from app.services import accounts

    with db.lookup() as session:
        return accounts.role_of(session, username) == Role.ADMIN


def _check_new_admin(db: Database, username: str, password: str) -> None:
    """The rules of a new account, for the KONVENSI_ADMIN_* account unless it exists (a
    password set before keeps working)."""
    from app.credentials import password_problem, username_problem
    from app.services import accounts

    with db.lookup() as session:
        if accounts.role_of(session, username) is not None:
            return
    if (problem := username_problem(username)) is not None:
        raise fail(f"KONVENSI_ADMIN_USERNAME {problem}")
    if (problem := password_problem(password)) is not None:
        raise fail(f"KONVENSI_ADMIN_PASSWORD {problem}")


def _bootstrap(demo: bool, base_url: str = "http://127.0.0.1:8000") -> None:
    from app.db import Database, create_db_engine
    from app.security import hash_password
    from app.services import accounts
    from app.services import demo as demo_data

    settings = get_settings()
    db = Database(create_db_engine(settings.database_url))
    try:
        admin_password = (
            settings.admin_password.get_secret_value() if settings.admin_password else ""
        )
        if settings.admin_username and admin_password:
            _check_new_admin(db, settings.admin_username, admin_password)
            with db.transaction() as session:
                made = accounts.ensure_admin(
                    session, settings.admin_username, hash_password(admin_password), "Sekretariat"
                )
            if made:
                console.print(f"created secretariat account {settings.admin_username!r}")
            elif not _is_admin(db, settings.admin_username):
                err.print(
                    f"[yellow]warning:[/] KONVENSI_ADMIN_USERNAME {settings.admin_username!r} "
                    "is a juror's login; no secretariat account was made",
                    soft_wrap=True,
                )
        if demo:
            with db.transaction() as session:
                if not demo_data.database_is_empty(session):
                    console.print("demo: the database already holds data; loading nothing")
                    return
                loaded = demo_data.load(
                    session, hash_password, with_admin=not settings.admin_username
                )
            table = Table(title="Demo logins: shown once, keep them")
            for column in ("role", "username", "password"):
                table.add_column(column)
            for row in loaded.logins:
                table.add_row(*row)
            console.print(table)
            _try_first(loaded, base_url)
    finally:
        db.dispose()


WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})


def listen_url(host: str, port: int) -> str:
    """``http://HOST:PORT`` of an address ``serve`` listens on (an IPv6 host in brackets)."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def _public_url(host: str, port: int) -> str:
    """The public URL in force: ``KONVENSI_PUBLIC_URL``, else the address served; for a
    wildcard host (every interface) ``DEFAULT_PUBLIC_URL`` (``http://127.0.0.1:8000``, whatever
    the port: docs/api.md), with a one-line warning to set it. The workers read it from the
    environment."""
    settings = get_settings()
    if settings.public_url:
        return settings.public_url
    if host in WILDCARD_HOSTS:
        public_url = DEFAULT_PUBLIC_URL
        err.print(
            f"[yellow]warning:[/] KONVENSI_PUBLIC_URL is not set and {host or '*'} is every "
            f"address: certificates will point at {public_url}; set KONVENSI_PUBLIC_URL to the "
            "address tablets and the public reach",
            highlight=False,
            soft_wrap=True,
        )
    else:
        public_url = listen_url(host, port)
    os.environ["KONVENSI_PUBLIC_URL"] = public_url
    get_settings.cache_clear()
    return public_url


def _try_first(loaded: object, base_url: str) -> None:
    """What a newcomer should look at first, printed once after the demo is loaded."""
    conventions = getattr(loaded, "conventions", [])
    first = conventions[0][0] if conventions else 1
    second = conventions[1][0] if len(conventions) > 1 else None
    api = f"{base_url}/api/v1/conventions"
    lines = [
        "[bold]What to try first[/]",
        f"  1. {base_url}/ : the start page; the jurors' tablet app at {base_url}/juri/, the "
        f"secretariat's dashboard at {base_url}/sekretariat/, the API reference at /docs.",
        f"  2. {api}/{first}/ranking as sekretariat: FASTREN leads, SATE LOKAN and KAMPUNG "
        "BERDASI tie, and /ranking/stability shows SMASH CARE'S at the cusp of the top 3.",
        "  3. Log in as juri.lan.2 and finish its two drafts (PUT .../jurors/me/sheets/{entry}).",
    ]
    if second is not None:
        lines.append(
            f"  4. Convention {second} judges in stages: close judging, preview "
            f"GET {api}/{second}/stages/<PROPOSAL id>/advance, then POST it."
        )
    lines.append(
        f"  {len(lines)}. Log in as sekretariat.solok (at {base_url}/sekretariat/ too): Kota "
        "Solok's own secretariat manages Solok, and no other convention exists for it."
    )
    for line in lines:
        console.print(line, highlight=False, soft_wrap=True)


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    demo: Annotated[bool, typer.Option(help="Load the Solok demo into an empty database.")] = False,
) -> None:
    """Serve the API (refuses to start on an out-of-date database or without a secret key)."""
    import uvicorn

    from app.edge import log_config

    _check_ready(demo)
    _check_port(host, port)
    address = listen_url(host, port)
    public_url = _public_url(host, port)
    _bootstrap(demo, address)
    _check_someone_can_log_in()
    console.print(f"serving on {address} (docs at /docs), {workers} worker(s)", highlight=False)
    console.print(f"public URL (certificates' QR codes): {public_url}", highlight=False)
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_level="info",
        # The access log is the service's own, as JSON lines (app/edge.py).
        access_log=False,
        log_config=log_config(),
        server_header=False,
    )


@cli.command("create-admin")
def create_admin(
    username: Annotated[str, typer.Argument(help="The new secretariat login.")],
    full_name: Annotated[str, typer.Option(help="Shown in the audit log.")] = "Sekretariat",
    password: Annotated[
        str | None, typer.Option(help="Read from KONVENSI_NEW_PASSWORD or prompted when not given.")
    ] = None,
) -> None:
    """Create a secretariat (admin) account."""
    from app.credentials import password_problem, username_problem
    from app.db import Database, create_db_engine
    from app.errors import Duplicate
    from app.security import hash_password
    from app.services import accounts

    password = password or os.environ.get("KONVENSI_NEW_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            raise fail("no password: pass --password or set KONVENSI_NEW_PASSWORD")
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    if (problem := password_problem(password)) is not None:
        raise fail(f"the password {problem}")
    if (problem := username_problem(username)) is not None:
        raise fail(f"the username {problem}")
    db = Database(create_db_engine(get_settings().database_url))
    try:
        with db.transaction() as session:
            account = accounts.create_admin(session, username, hash_password(password), full_name)
    except Duplicate as exc:
        raise fail(exc.detail) from exc
    finally:
        db.dispose()
    console.print(f"created secretariat account {account.username!r} (id {account.id})")


@cli.command()
def backup(
    file: Annotated[Path, typer.Argument(help="Where to write the copy (replaced if it exists).")],
) -> None:
    """Back up the SQLite database while the server runs (PostgreSQL: use pg_dump)."""
    import sqlite3

    from app import backup as backups

    try:
        source = backups.sqlite_file(get_settings().database_url)
    except backups.BackupRefused as exc:
        raise fail(str(exc)) from exc
    if file.resolve() == source.resolve():
        raise fail("the backup would replace the database itself; choose another file")
    try:
        pages = backups.backup_sqlite(source, file)
    except (OSError, sqlite3.Error) as exc:
        raise fail(f"backup failed: {exc}") from exc
    console.print(
        f"backed up {source} to {file} ({pages} pages, integrity ok)",
        highlight=False,
        soft_wrap=True,
    )
