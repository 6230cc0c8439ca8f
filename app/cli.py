"""The ``konvensi`` command."""

from __future__ import annotations

import json
import os
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from app.config import get_settings

if TYPE_CHECKING:
    from pydantic import ValidationError

    from app.sources import Source

cli = typer.Typer(
    name="konvensi",
    help="Konvensi: the judging service for regional innovation conventions.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err = Console(stderr=True)


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print a one-line reason and end the command."""
    err.print(f"[bold red]konvensi:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def main() -> None:
    cli()


def _print_version(value: bool) -> None:
    if value:
        from app import __version__

        console.print(f"konvensi {__version__}", highlight=False)
        raise typer.Exit()


@cli.callback()
def _options(
    _version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Refuse bad settings, in one line, before any command runs."""
    from pydantic import ValidationError

    try:
        get_settings()
    except ValidationError as exc:
        raise fail(_invalid_settings(exc)) from exc


def _invalid_settings(exc: ValidationError) -> str:
    problems = [
        f"KONVENSI_{'_'.join(str(part) for part in error['loc']).upper()}: {error['msg']}"
        for error in exc.errors()
    ]
    return "; ".join(problems)


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


def _bootstrap(demo: bool) -> None:
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
            with db.transaction() as session:
                made = accounts.ensure_admin(
                    session, settings.admin_username, hash_password(admin_password), "Sekretariat"
                )
            if made:
                console.print(f"created secretariat account {settings.admin_username!r}")
            elif not accounts.is_admin(db, settings.admin_username):
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
            table = Table(
                title=f"Demo logins (convention {loaded.convention_id}); shown once, keep them"
            )
            for column in ("role", "username", "password"):
                table.add_column(column)
            for row in loaded.logins:
                table.add_row(*row)
            console.print(table)
    finally:
        db.dispose()


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    demo: Annotated[bool, typer.Option(help="Load the Solok demo into an empty database.")] = False,
) -> None:
    """Serve the API (refuses to start on an out-of-date database or without a secret key)."""
    import uvicorn

    _check_ready(demo)
    _bootstrap(demo)
    console.print(f"serving on http://{host}:{port} (docs at /docs), {workers} worker(s)")
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_level="info",
        access_log=False,
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
    from app.db import Database, create_db_engine
    from app.errors import Duplicate
    from app.security import hash_password
    from app.services import accounts

    password = password or os.environ.get("KONVENSI_NEW_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            raise fail("no password: pass --password or set KONVENSI_NEW_PASSWORD")
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 8:
        raise fail("the password must have at least 8 characters")
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


# --- the award-list scripts: on the database directly, or through a running server ---------


class ListFormat(StrEnum):
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


class Method(StrEnum):
    mean = "mean"
    median = "median"
    trimmed = "trimmed"
    zscore = "zscore"


ConventionOption = Annotated[
    int, typer.Option("--convention", "-c", min=1, help="The convention's id.", show_default=False)
]
UrlOption = Annotated[
    str | None,
    typer.Option(
        envvar="KONVENSI_URL",
        help="A running server (e.g. https://konvensi.example.go.id) to read through its API; "
        "without it, the database at KONVENSI_DATABASE_URL is read directly.",
        show_default=False,
    ),
]
TokenOption = Annotated[
    str | None,
    typer.Option(
        envvar="KONVENSI_TOKEN",
        help="A secretariat access token for --url (from POST /api/v1/auth/token).",
        show_default=False,
    ),
]
IssueOption = Annotated[
    bool,
    typer.Option(
        "--issue",
        help="First issue the awards and certificates from the published results "
        "(idempotent; the same as POST .../awards).",
    ),
]


@contextmanager
def _source(url: str | None, token: str | None) -> Iterator[Source]:
    """The database, or the server at ``url``; a ScriptError ends the command in one line."""
    from app.sources import DatabaseSource, ScriptError, ServerSource

    source: Source
    if url:
        if not token:
            raise fail("--url needs --token (or KONVENSI_TOKEN): a secretariat access token", 1)
        if not url.startswith(("http://", "https://")):
            raise fail(f"--url must start with http:// or https://, not {url!r}", 1)
        source = ServerSource(url, token)
    else:
        settings = get_settings()
        try:
            source = DatabaseSource(settings.database_url, settings.public_url)
        except Exception as exc:
            raise fail(f"cannot open the database: {exc}", 1) from exc
    try:
        yield source
    except ScriptError as exc:
        raise fail(str(exc), 1) from exc
    finally:
        source.close()


def _issue(source: Source, cid: int) -> None:
    new_awards, new_certificates = source.issue(cid)
    err.print(f"issued {new_awards} award(s) and {new_certificates} certificate(s)")


def _write(output: Path, data: bytes) -> None:
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise fail(f"cannot write {output}: {exc.strerror or exc}", 1) from exc


@cli.command("awards")
def award_list(
    convention: ConventionOption,
    format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="csv, json or xlsx.")
    ] = ListFormat.csv,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to this file (needed for xlsx); csv and json go to stdout otherwise.",
            dir_okay=False,
        ),
    ] = None,
    issue: IssueOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """The ceremony's award list: rank, award, entry, OPD and innovators, best first."""
    from app.services import exports
    from app.sources import ScriptError

    if format is ListFormat.xlsx and output is None:
        raise fail("--format xlsx needs --output FILE", 2)
    with _source(url, token) as source:
        if issue:
            _issue(source, convention)
        items = source.awards(convention)
        if not items:
            raise ScriptError(
                f"convention {convention} has no awards yet: publish its results, then issue "
                f"them (--issue, or POST /api/v1/conventions/{convention}/awards)"
            )
    if format is ListFormat.json:
        data = json.dumps(exports.award_list(items), ensure_ascii=False, indent=2) + "\n"
        body = data.encode()
    elif format is ListFormat.csv:
        body = exports.to_csv(exports.awards_table(items)).encode()
    else:
        body = exports.to_xlsx(exports.awards_table(items))
    if output is None:
        sys.stdout.write(body.decode())
        sys.stdout.flush()
        return
    _write(output, body)
    err.print(f"wrote {len(items)} award(s) to {output}")


@cli.command("certificates")
def certificate_files(
    convention: ConventionOption,
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="The folder to write the PDFs to (created if needed).",
            file_okay=False,
            show_default=False,
        ),
    ],
    issue: IssueOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Every certificate of a convention as a printable PDF, named by letter number."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from app.sources import DatabaseSource, ScriptError

    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise fail(f"cannot create {output}: {exc.strerror or exc}", 1) from exc
    with _source(url, token) as source:
        if issue:
            _issue(source, convention)
        jobs = source.certificate_jobs(convention)
        if not jobs:
            raise ScriptError(
                f"convention {convention} has no certificates yet: publish its results, then "
                f"issue them (--issue, or POST /api/v1/conventions/{convention}/awards)"
            )
        if isinstance(source, DatabaseSource):
            public_url = source.public_url
            if "127.0.0.1" in public_url or "localhost" in public_url:
                err.print(
                    f"[yellow]note:[/] the QR codes point at {public_url}; set "
                    "KONVENSI_PUBLIC_URL to the public address before printing",
                    highlight=False,
                )
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=err,
            transient=False,
        ) as progress:
            task = progress.add_task("piagam", total=len(jobs))
            for name, render in jobs:
                _write(output / name, render())
                progress.advance(task)
    console.print(f"wrote {len(jobs)} certificate(s) to {output}", highlight=False)


@cli.command("ranking")
def ranking_table(
    convention: ConventionOption,
    method: Annotated[
        Method, typer.Option("--method", "-m", help="How a panel's juror totals combine.")
    ] = Method.mean,
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """The live ranking as a table (the secretariat's view of GET .../ranking)."""
    from app.services import exports

    with _source(url, token) as source:
        label = source.convention_label(convention)
        body, panels = source.ranking(convention, method.value)
    table = exports.ranking_table(body, panels)
    shown = Table(title=f"{label}: peringkat ({method.value})", title_justify="left")
    for column in table.columns:
        right = column.kind in ("int", "number")
        shown.add_column(column.header, justify="right" if right else "left", overflow="fold")
    for row in table.rows:
        shown.add_row(
            *[
                escape(exports.text(value, column.kind))
                for value, column in zip(row, table.columns, strict=True)
            ]
        )
    console.print(shown)
    for warning in body.get("warnings", []):
        ids = ", ".join(str(i) for i in warning["entry_ids"])
        console.print(f"[yellow]warning:[/] {warning['code']} (entries {ids})", highlight=False)


if __name__ == "__main__":
    main()
