"""``konvensi import``: OPDs, entries or jurors from a CSV or XLSX file, into the database at
``KONVENSI_DATABASE_URL``, by the rules of ``POST …/imports/{kind}``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from app.cli.base import cli, console, err, fail
from app.cli.ceremony import ConventionOption
from app.config import get_settings
from app.enums import ImportKind

if TYPE_CHECKING:
    from app.services.imports import Created, Plan

_WHAT = {ImportKind.OPDS: "OPD(s)", ImportKind.ENTRIES: "entry(ies)", ImportKind.JURORS: "juror(s)"}


@cli.command("import")
def import_file(
    kind: Annotated[ImportKind, typer.Argument(help="What the file holds.")],
    file: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, readable=True, help="A CSV (UTF-8) or XLSX file."
        ),
    ],
    convention: ConventionOption,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check the file and write nothing.")
    ] = False,
    skip_existing: Annotated[
        bool,
        typer.Option("--skip-existing", help="Skip rows whose key exists instead of refusing."),
    ] = False,
) -> None:
    """Import OPDs, entries or jurors from a CSV or XLSX file, all or nothing.

    Columns as in POST .../imports/{kind} (docs/api.md); generated passwords printed once."""
    from sqlalchemy.exc import SQLAlchemyError

    from app.db import Database, create_db_engine
    from app.errors import Problem, ValidationFailed
    from app.security import hash_password
    from app.services import conventions, imports

    try:
        with file.open("rb") as stream:
            rows = imports.read(stream, file.name, kind)
    except OSError as exc:
        raise fail(f"cannot read {file}: {exc.strerror or exc}", 1) from exc
    except ValidationFailed as exc:
        raise _refused(exc) from exc
    except Problem as exc:
        raise fail(f"{file}: {exc.detail}", 1) from exc
    db = Database(create_db_engine(get_settings().database_url))
    generated: dict[int, str] = {}
    try:

        def check(session: Any) -> Plan:
            found = conventions.get(session, convention)
            return imports.check(
                session, found, kind, rows, skip_existing=skip_existing, generated=generated
            )

        with db.transaction() as session:
            plan = check(session)
        if dry_run:
            _report(plan, [], file, convention, dry_run=True)
            return
        hashes: imports.Hashes = {}
        if kind is ImportKind.JURORS and plan.creates:
            with err.status(f"hashing {len(plan.creates)} password(s)"):
                hashes = imports.hash_passwords(plan, hash_password)
        with db.transaction() as session:
            plan = check(session)
            created = imports.write(
                session, conventions.get(session, convention), plan, None, hashes, hash_password
            )
    except ValidationFailed as exc:
        raise _refused(exc) from exc
    except Problem as exc:
        raise fail(exc.detail, 1) from exc
    except SQLAlchemyError as exc:
        reason = str(exc).partition("\n")[0]
        raise fail(f"cannot use the database: {reason} (is it migrated?)", 1) from exc
    finally:
        db.dispose()
    _report(plan, created, file, convention, dry_run=False)


def _refused(exc: Any) -> typer.Exit:
    """The problems, one per cell, as a table on stderr; exit code 1."""
    errors: list[dict[str, Any]] = exc.errors or []
    table = Table(title="Nothing was imported", title_justify="left", show_lines=False)
    table.add_column("row", justify="right")
    table.add_column("column")
    table.add_column("problem", overflow="fold")
    for error in errors:
        loc = list(error["loc"])
        row = str(loc[1]) if loc[0] == "row" else "header" if len(loc) > 1 else "file"
        column = str(loc[-1]) if len(loc) > 1 else ""
        # The API's hint, in the command's words.
        msg = str(error["msg"]).replace("existing=skip", "--skip-existing")
        table.add_row(row, escape(column), escape(msg))
    err.print(table)
    total = exc.extra.get("error_count", len(errors))
    if total > len(errors):
        err.print(f"(the first {len(errors)} of {total} problems)", highlight=False)
    return fail(f"{total} problem(s) in the file; fix them and import again", 1)


def _report(
    plan: Plan, created: list[Created], file: Path, convention: int, *, dry_run: bool
) -> None:
    what = _WHAT[plan.kind]
    skipped = ""
    if plan.skipped:
        rows = ", ".join(str(n) for n in plan.skipped)
        skipped = f"; skipped {len(plan.skipped)} existing (rows {rows})"
    if dry_run:
        console.print(
            f"dry run: {file.name} would import {len(plan.creates)} {what} into convention "
            f"{convention}{skipped}; nothing was written",
            highlight=False,
            soft_wrap=True,
        )
        return
    console.print(
        f"imported {len(created)} {what} from {file.name} into convention {convention}{skipped}",
        highlight=False,
        soft_wrap=True,
    )
    passwords = [c for c in created if c.password]
    if passwords:
        console.print("Generated passwords: shown once, keep them", highlight=False)
        table = Table()
        table.add_column("row", justify="right")
        table.add_column("username")
        table.add_column("password")
        for c in passwords:
            table.add_row(str(c.n), escape(getattr(c.item, "username", "")), c.password)
        console.print(table)
