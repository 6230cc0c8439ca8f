"""The ``konvensi`` command: the Typer app and its one-line failures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from app.config import get_settings

if TYPE_CHECKING:
    from pydantic import ValidationError

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
