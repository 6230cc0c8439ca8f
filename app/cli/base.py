"""The ``konvensi`` command: the Typer app and its one-line failures."""

from __future__ import annotations

import typer
from rich.console import Console

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
