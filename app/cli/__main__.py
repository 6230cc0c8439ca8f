"""``python -m app.cli``: the ``konvensi`` command."""

from app.cli import main

main()
