"""``konvensi certificates``: a convention's piagam as PDFs, one a certificate in a folder,
or all in one file for the print shop; from the database or through a running server."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from app.cli.base import cli, console, err, fail
from app.cli.ceremony import (
    ConventionOption,
    IssueOption,
    TokenOption,
    UrlOption,
    _issue,
    _source,
    _write,
)
from app.enums import Category, CertificateKind

if TYPE_CHECKING:
    from app.sources import Choice, Source


@cli.command("certificates")
def certificate_files(
    convention: ConventionOption,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="The folder to write one PDF a certificate to (created if needed).",
            file_okay=False,
            show_default=False,
        ),
    ] = None,
    one_file: Annotated[
        Path | None,
        typer.Option(
            "--one-file",
            help="Instead: ONE PDF to print, a page a certificate in number order "
            "(revoked ones left out unless --include-revoked).",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    kind: Annotated[
        CertificateKind | None, typer.Option("--kind", help="With --one-file: only this kind.")
    ] = None,
    category: Annotated[
        Category | None,
        typer.Option("--category", help="With --one-file: only this category's."),
    ] = None,
    include_revoked: Annotated[
        bool,
        typer.Option("--include-revoked", help="With --one-file: print revoked ones too."),
    ] = False,
    issue: IssueOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Every certificate of a convention as printable PDFs, named by letter number; or all of
    them in one PDF (--one-file) for the print shop."""
    from app.sources import Choice

    if (output is None) == (one_file is None):
        raise fail("give either --output FOLDER (a PDF each) or --one-file FILE (one PDF)", 2)
    if one_file is None and (kind or category or include_revoked):
        raise fail("--kind, --category and --include-revoked go with --one-file", 2)
    with _source(url, token) as source:
        if issue:
            _issue(source, convention)
        _warn_local_public_url(source)
        if one_file is not None:
            choice = Choice(
                kind.value if kind else None,
                category.value if category else None,
                include_revoked,
            )
            _one_file(source, convention, choice, one_file)
        else:
            assert output is not None
            _folder(source, convention, output)


def _warn_local_public_url(source: Source) -> None:
    from app.sources import DatabaseSource

    if isinstance(source, DatabaseSource):
        public_url = source.public_url
        if "127.0.0.1" in public_url or "localhost" in public_url:
            err.print(
                f"[yellow]warning:[/] the QR codes point at {public_url}; set "
                "KONVENSI_PUBLIC_URL to the public address before printing",
                highlight=False,
                soft_wrap=True,
            )


def _progress() -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=False,
    )


def _folder(source: Source, convention: int, output: Path) -> None:
    from app.sources import ScriptError

    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise fail(f"cannot create {output}: {exc.strerror or exc}", 1) from exc
    jobs = source.certificate_jobs(convention)
    if not jobs:
        raise ScriptError(
            f"convention {convention} has no certificates yet: publish its results, then "
            f"issue them (--issue, or POST /api/v1/conventions/{convention}/awards)"
        )
    with _progress() as progress:
        task = progress.add_task("piagam", total=len(jobs))
        for name, render in jobs:
            _write(output / name, render())
            progress.advance(task)
    console.print(f"wrote {len(jobs)} certificate(s) to {output}", highlight=False)


def _one_file(source: Source, convention: int, choice: Choice, target: Path) -> None:
    """The one-file PDF written as it is made; no half-written file is left behind."""
    steps: list[Callable[[], object]] = []
    choice = replace(choice, on_page=lambda: steps[0]())
    # The data first (a refusal in one line); the pages are drawn as they are written.
    count, chunks = source.certificate_file(convention, choice)
    partial = target.with_name(target.name + ".part")
    try:
        out = partial.open("wb")
    except OSError as exc:
        raise fail(f"cannot write {target}: {exc.strerror or exc}", 1) from exc
    try:
        with out, _progress() as progress:
            task = progress.add_task("piagam", total=count)
            steps.append(lambda: progress.advance(task))
            for chunk in chunks:
                out.write(chunk)
            progress.update(task, completed=count)  # through a server: no page by page
        partial.replace(target)
    except OSError as exc:
        raise fail(f"cannot write {target}: {exc.strerror or exc}", 1) from exc
    finally:
        partial.unlink(missing_ok=True)
    pages = f"{count} certificate(s)" if count is not None else "the certificates"
    console.print(f"wrote {pages} to {target} (one PDF)", highlight=False)
