"""The worked example of docs/scoring.md, read from the page and recomputed with `scoring`.

The page's tables (criteria, panels, entries, sheets, the expected ranking and warnings) and its
arithmetic block are parsed here, so that the documented numbers and the code cannot drift apart.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scoring import METHODS, Criterion, Entry, Juror, Panel, Ranking, Sheet, explain, rank

DOC = Path(__file__).resolve().parents[2] / "docs" / "scoring.md"
TOLERANCE = 1e-9


def _section(text: str) -> str:
    start = text.index("## A worked example")
    end = text.index("\n## ", start + 1)
    return text[start:end]


EXAMPLE = _section(DOC.read_text(encoding="utf-8"))


def _table(name: str) -> list[dict[str, str]]:
    """The Markdown table after ``<!-- example:NAME -->``: one dict per row, by header."""
    block = EXAMPLE.split(f"<!-- example:{name} -->", 1)
    assert len(block) == 2, f"docs/scoring.md has no table marked example:{name}"
    lines = []
    for line in block[1].strip().splitlines():
        if not line.startswith("|"):
            break
        lines.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    header, _rule, *rows = lines
    assert rows, f"the table example:{name} is empty"
    return [dict(zip(header, row, strict=True)) for row in rows]


def _names(cell: str) -> list[str]:
    return [name.strip() for name in cell.split(",") if name.strip()]


def _number(cell: str) -> float | None:
    return float(cell) if cell else None


def _bool(cell: str) -> bool:
    assert cell in ("true", "false"), cell
    return cell == "true"


def _id(name: str) -> int:
    """E1 -> 1, O3 -> 3: the digits of a name, so that ids order like the names."""
    return int(re.sub(r"\D", "", name))


TOP_N = int(re.search(r"`top_n` = (\d+)", EXAMPLE).group(1))  # type: ignore[union-attr]

CRITERIA = [
    Criterion(
        i,
        row["criterion"],
        float(row["weight"]),
        float(row["min"]),
        float(row["max"]),
        int(row["tie-break rank"]) if row["tie-break rank"] else None,
    )
    for i, row in enumerate(_table("criteria"), start=1)
]
PANELS = [
    Panel(i, row["panel"], float(row["weight"])) for i, row in enumerate(_table("panels"), start=1)
]
JUROR_PANEL = {
    name: panel.id
    for panel, row in zip(PANELS, _table("panels"), strict=True)
    for name in _names(row["jurors"])
}
JUROR_IDS = {name: i for i, name in enumerate(JUROR_PANEL, start=1)}
JURORS = [Juror(JUROR_IDS[name], panel_id) for name, panel_id in JUROR_PANEL.items()]
ENTRIES = [Entry(_id(row["entry"]), _id(row["OPD"])) for row in _table("entries")]
CONFLICTS = [
    (JUROR_IDS[juror], _id(row["OPD"]))
    for row in _table("entries")
    for juror in _names(row["jurors with a conflict"])
]
SHEETS = [
    Sheet(
        JUROR_IDS[row["juror"]],
        _id(row["entry"]),
        {c.code: float(row[c.code]) for c in CRITERIA},
    )
    for row in _table("sheets")
]


def _ranking(method: str) -> Ranking:
    return rank(
        CRITERIA, PANELS, JURORS, ENTRIES, SHEETS, method=method, top_n=TOP_N, conflicts=CONFLICTS
    )


def _arithmetic() -> list[tuple[str, list[str], float]]:
    """Each line ``X(args) = ... = value`` of the arithmetic block: (X, args, value)."""
    block = EXAMPLE.split("<!-- example:arithmetic -->", 1)[1]
    body = block.split("```text", 1)[1].split("```", 1)[0]
    found = []
    for line in body.strip().splitlines():
        if not line.strip():
            continue
        match = re.match(r"^(\w)\(([^)]*)\)\s*=", line)
        assert match, f"unreadable line in the arithmetic block: {line!r}"
        value = float(line.rsplit("=", 1)[1])
        found.append((match.group(1), _names(match.group(2)), value))
    return found


def test_the_example_is_complete() -> None:
    assert TOP_N >= 1
    assert len(CRITERIA) >= 2 and any(c.tie_break_rank for c in CRITERIA)
    assert len(SHEETS) == len({(s.juror_id, s.entry_id) for s in SHEETS})
    assert {kind for kind, _args, _value in _arithmetic()} == {"T", "P", "S", "C"}


@pytest.mark.parametrize("method", METHODS)
def test_ranking_table_matches_the_code(method: str) -> None:
    ranking = _ranking(method)
    expected = _table("ranking")
    assert [row.entry_id for row in ranking.rows] == [_id(row["entry"]) for row in expected]
    for row, want in zip(ranking.rows, expected, strict=True):
        assert row.rank == (int(want["rank"]) if want["rank"] else None)
        if want["score"]:
            assert row.score == pytest.approx(float(want["score"]), abs=TOLERANCE)
        else:
            assert row.score is None
        shown = {p.name: _number(want[f"P({p.name})"]) for p in PANELS}
        assert row.panel_scores == pytest.approx(
            {name: value for name, value in shown.items() if value is not None}, abs=TOLERANCE
        )
        assert row.sheet_count == int(want["sheet_count"])
        assert row.expected_sheet_count == int(want["expected_sheet_count"])
        assert row.complete is _bool(want["complete"])
        assert row.tied is _bool(want["tied"])
        assert row.awarded is _bool(want["awarded"])


@pytest.mark.parametrize("method", METHODS)
def test_warnings_table_matches_the_code(method: str) -> None:
    expected = {
        row["warning"]: [_id(e) for e in _names(row["entries"])] for row in _table("warnings")
    }
    got = {w.code: list(w.entry_ids) for w in _ranking(method).warnings}
    assert got == expected


@pytest.mark.parametrize("method", METHODS)
def test_arithmetic_block_matches_the_code(method: str) -> None:
    juror_names = {juror_id: name for name, juror_id in JUROR_IDS.items()}
    for kind, args, value in _arithmetic():
        entry_id = _id(args[-1])
        why = explain(
            CRITERIA,
            PANELS,
            JURORS,
            ENTRIES,
            SHEETS,
            entry_id,
            method=method,
            top_n=TOP_N,
            conflicts=CONFLICTS,
        )
        line = f"{kind}({', '.join(args)}) = {value}"
        if kind == "T":
            totals = {juror_names[t.juror_id]: t.total for t in why.jurors}
            assert totals[args[0]] == pytest.approx(value, abs=TOLERANCE), line
        elif kind == "P":
            assert why.panel_scores[args[0]] == pytest.approx(value, abs=TOLERANCE), line
        elif kind == "S":
            assert why.score == pytest.approx(value, abs=TOLERANCE), line
        else:
            assert why.tie_break_keys[args[0]] == pytest.approx(value, abs=TOLERANCE), line
