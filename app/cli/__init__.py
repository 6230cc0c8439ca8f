"""The ``konvensi`` command (Typer): running the service and the ceremony's scripts."""

from app.cli import ceremony, certificates, imports, server
from app.cli.base import cli

__all__ = ["ceremony", "certificates", "cli", "imports", "main", "server"]


def main() -> None:
    cli()
