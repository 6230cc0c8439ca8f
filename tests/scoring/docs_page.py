"""docs/scoring.md as the tests of its worked examples read it: the page, and its tables, each
marked by an HTML comment before it."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "scoring.md"
PAGE = DOC.read_text(encoding="utf-8")


def marked_table(section: str, marker: str) -> tuple[list[str], list[dict[str, str]]]:
    """The Markdown table after ``<!-- MARKER args -->`` in ``section``: the marker's
    arguments, then one dict per row, by header."""
    match = re.search(rf"<!-- {re.escape(marker)}((?: [^ >]+)*) -->\n", section)
    assert match, f"docs/scoring.md has no table marked {marker}"
    lines = []
    for line in section[match.end() :].splitlines():
        if not line.startswith("|"):
            break
        lines.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    header, _rule, *rows = lines
    assert rows, f"the table {marker} is empty"
    return match.group(1).split(), [dict(zip(header, row, strict=True)) for row in rows]


def table(section: str, marker: str) -> list[dict[str, str]]:
    """The table after ``<!-- MARKER -->``, a marker of no arguments."""
    args, rows = marked_table(section, marker)
    assert args == [], f"the marker {marker} has arguments: {args}"
    return rows


def calculations(section: str, marker: str) -> list[tuple[str, list[str], str]]:
    """Each line ``NAME(args) = …`` of the ``text`` block after ``<!-- MARKER -->``: its
    name, its arguments and all after the first ``=``."""
    body = section.split(f"<!-- {marker} -->", 1)[1].split("```text", 1)[1].split("```", 1)[0]
    found = []
    for line in body.strip().splitlines():
        if not line.strip():
            continue
        match = re.match(r"^(\w+)\(([^)]*)\)\s*=(.*)$", line)
        assert match, f"unreadable line in the {marker} block: {line!r}"
        args = [a.strip() for a in match.group(2).split(",") if a.strip()]
        found.append((match.group(1), args, match.group(3)))
    return found
