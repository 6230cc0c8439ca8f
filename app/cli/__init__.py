"""The ``konvensi`` command (Typer): running the service and the ceremony's scripts."""

from app.cli import ceremony, imports, server
from app.cli.base import cli

__all__ = ["ceremony", "cli", "imports", "main", "server"]


def main() -> None:
    cli()
