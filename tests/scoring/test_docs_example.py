"""The worked examples of docs/scoring.md, read from the page and recomputed with `scoring`.

The page's tables (criteria, panels, entries, sheets, the expected ranking and warnings) and its
arithmetic block are parsed here, so that the documented numbers and the code cannot drift apart;
so are those of the example with stages of Step 6 (stages, entries, sheets per stage, a stage's
ranking, the final ranking, the same midway through the last stage, awards per category).
"""

from __future__ import annotations

import re

import pytest

import scoring
from scoring import METHODS, Criterion, Entry, Juror, Panel, Ranking, Sheet, explain, rank
from tests.scoring.docs_page import PAGE, calculations, marked_table, table

TOLERANCE = 1e-9


def _section(text: str) -> str:
    start = text.index("## A worked example")
    end = text.index("\n## ", start + 1)
    return text[start:end]


EXAMPLE = _section(PAGE)


def _table(name: str) -> list[dict[str, str]]:
    return table(EXAMPLE, f"example:{name}")


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
    return [
        (name, args, float(rest.rsplit("=", 1)[-1]))
        for name, args, rest in calculations(EXAMPLE, "example:arithmetic")
    ]


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


# --- the worked example with stages (Steps 6 and 7) ------------------------------------------

STAGE_EXAMPLE = PAGE[
    PAGE.index("### Worked example: a proposal and a presentation") : PAGE.index("## Step 8")
]


def _stage_table(name: str) -> tuple[list[str], list[dict[str, str]]]:
    """The table after ``<!-- stages:NAME args -->``: the marker's arguments, then its rows."""
    return marked_table(STAGE_EXAMPLE, f"stages:{name}")


STAGE_TOP_N = int(re.search(r"`top_n` = (\d+)", STAGE_EXAMPLE).group(1))  # type: ignore[union-attr]
_, STAGE_ROWS = _stage_table("stages")
_, STAGE_ENTRY_ROWS = _stage_table("entries")
_, STAGE_SHEET_ROWS = _stage_table("sheets")
STAGE_JURORS = [name for name in STAGE_SHEET_ROWS[0] if name not in ("stage", "entry")]
STAGE_IDS = {row["stage"]: i for i, row in enumerate(STAGE_ROWS, start=1)}


def _advance(cell: str) -> scoring.Advance:
    """``all``, ``top K``, ``top_per_category K`` or ``min_score X``."""
    rule, *arg = cell.split()
    if rule in ("top", "top_per_category"):
        return scoring.Advance(scoring.AdvanceRule(rule), count=int(arg[0]))
    if rule == "min_score":
        return scoring.Advance(scoring.AdvanceRule.MIN_SCORE, min_score=float(arg[0]))
    assert rule == "all" and not arg, cell
    return scoring.Advance()


def _stage_contest(
    *,
    leave_out: tuple[str, str] | None = None,
    top_n: int = STAGE_TOP_N,
    scope: scoring.AwardScope = scoring.AwardScope.OVERALL,
) -> scoring.Contest:
    """The example as ``scoring`` takes it: the first stage admits every entry, each later one
    what the stage before it selected (no additions or removals); ``leave_out`` = (stage,
    entry) drops that entry's sheets of that stage."""
    juror_ids = {name: i for i, name in enumerate(STAGE_JURORS, start=1)}
    sheets: dict[str, list[Sheet]] = {row["stage"]: [] for row in STAGE_ROWS}
    for row in STAGE_SHEET_ROWS:
        if leave_out == (row["stage"], row["entry"]):
            continue
        for juror in STAGE_JURORS:
            if row[juror]:
                criterion = next(s["criterion"] for s in STAGE_ROWS if s["stage"] == row["stage"])
                sheets[row["stage"]].append(
                    Sheet(juror_ids[juror], _id(row["entry"]), {criterion: float(row[juror])})
                )
    built: list[scoring.Stage] = []
    admitted: frozenset[int] | None = None
    for i, row in enumerate(STAGE_ROWS, start=1):
        stage = scoring.Stage(
            i,
            row["stage"],
            kind=scoring.StageKind(row["kind"]),
            weight=float(row["weight"]),
            criteria=(
                Criterion(i, row["criterion"], 1.0, float(row["min"]), float(row["max"]), 1),
            ),
            advance=_advance(row["advance"]),
            admitted=admitted,
            sheets=sheets[row["stage"]],
        )
        built.append(stage)
        partial = scoring.Contest(tuple(built), *_stage_common(), top_n=top_n, award_scope=scope)
        admitted = frozenset(scoring.selection(partial, i)[0])
    return scoring.Contest(tuple(built), *_stage_common(), top_n=top_n, award_scope=scope)


def _stage_common() -> tuple[
    tuple[Panel, ...], tuple[Juror, ...], tuple[Entry, ...], scoring.Eligibility
]:
    panel = Panel(1, "K", 1.0)
    jurors = tuple(Juror(i, panel.id) for i in range(1, len(STAGE_JURORS) + 1))
    entries = tuple(
        Entry(_id(row["entry"]), _id(row["entry"]), row["category"]) for row in STAGE_ENTRY_ROWS
    )
    return (panel,), jurors, entries, scoring.Eligibility.of()


def _check_final(ranking: Ranking, expected: list[dict[str, str]]) -> None:
    assert [row.entry_id for row in ranking.rows] == [_id(row["entry"]) for row in expected]
    missing = next((w.entry_ids for w in ranking.warnings if w.code == "stage_missing"), ())
    for row, want in zip(ranking.rows, expected, strict=True):
        assert row.rank == (int(want["rank"]) if want["rank"] else None), want
        assert row.reach_stage_id == STAGE_IDS[want["reach"]], want
        if want["score"]:
            assert row.score == pytest.approx(float(want["score"]), abs=TOLERANCE), want
        else:
            assert row.score is None, want
        shown = {code: _number(want[code]) for code in STAGE_IDS}
        assert row.stage_scores == pytest.approx(
            {code: value for code, value in shown.items() if value is not None}, abs=TOLERANCE
        ), want
        assert row.category_rank == (
            int(want["category_rank"]) if want["category_rank"] else None
        ), want
        assert row.awarded is _bool(want["awarded"]), want
        assert (row.entry_id in missing) is _bool(want["stage_missing"]), want


def test_the_stage_example_is_complete() -> None:
    assert len(STAGE_ROWS) >= 2 and STAGE_TOP_N >= 1
    kinds = {kind for kind, _args, _value in _stage_arithmetic()}
    assert kinds == {"S", "F"}


@pytest.mark.parametrize("method", METHODS)
def test_stage_ranking_table_matches_the_code(method: str) -> None:
    (code,), expected = _stage_table("stage-ranking")
    ranking = scoring.rank_stage(_stage_contest(), STAGE_IDS[code], method)
    assert [row.entry_id for row in ranking.rows] == [_id(row["entry"]) for row in expected]
    for row, want in zip(ranking.rows, expected, strict=True):
        assert row.rank == int(want["rank"])
        assert row.score == pytest.approx(float(want["score"]), abs=TOLERANCE)
        assert row.advances is _bool(want["advances"])
        assert row.awarded is False


@pytest.mark.parametrize("method", METHODS)
def test_final_ranking_table_matches_the_code(method: str) -> None:
    ranking = scoring.rank_final(_stage_contest(), method)
    _check_final(ranking, _stage_table("ranking")[1])
    # "Each row's panel scores and sheet counts are those of the last stage the entry reached":
    # one panel, so its score there is the stage score.
    codes = {i: code for code, i in STAGE_IDS.items()}
    for row in ranking.rows:
        assert row.reach_stage_id is not None and row.stage_scores is not None
        reach = codes[row.reach_stage_id]
        assert row.panel_scores == pytest.approx({"K": row.stage_scores[reach]}), row
        assert row.sheet_count == row.expected_sheet_count == len(STAGE_JURORS), row


@pytest.mark.parametrize("method", METHODS)
def test_midway_table_matches_the_code(method: str) -> None:
    stage, entry = STAGE_ROWS[-1]["stage"], "E2"
    assert f"without the two {stage} sheets of {entry}" in STAGE_EXAMPLE
    ranking = scoring.rank_final(_stage_contest(leave_out=(stage, entry)), method)
    _check_final(ranking, _stage_table("midway")[1])


def test_per_category_table_matches_the_code() -> None:
    (top_n,), expected = _stage_table("per-category")
    ranking = scoring.rank_final(
        _stage_contest(top_n=int(top_n), scope=scoring.AwardScope.PER_CATEGORY)
    )
    rows = {row.entry_id: row for row in ranking.rows}
    for want in expected:
        row = rows[_id(want["entry"])]
        assert row.category_rank == int(want["category_rank"]), want
        assert row.awarded is _bool(want["awarded"]), want


def _stage_arithmetic() -> list[tuple[str, list[str], float]]:
    """Each line ``S_P(E1) = ... = value`` or ``F(E1) = ... = value``: (kind, args, value),
    the stage code first among the args of an ``S`` line."""
    body = STAGE_EXAMPLE.split("<!-- stages:arithmetic -->", 1)[1]
    body = body.split("```text", 1)[1].split("```", 1)[0]
    found = []
    for line in body.strip().splitlines():
        match = re.match(r"^(S)_(\w+)\((\w+)\)\s*=|^(F)\((\w+)\)\s*=", line)
        assert match, f"unreadable line in the stages arithmetic block: {line!r}"
        value = float(line.rsplit("=", 1)[1])
        if match.group(1):
            found.append(("S", [match.group(2), match.group(3)], value))
        else:
            found.append(("F", [match.group(5)], value))
    return found


@pytest.mark.parametrize("method", METHODS)
def test_stage_arithmetic_matches_the_code(method: str) -> None:
    contest = _stage_contest()
    final = {row.entry_id: row for row in scoring.rank_final(contest, method).rows}
    for kind, args, value in _stage_arithmetic():
        line = f"{kind}({', '.join(args)}) = {value}"
        if kind == "S":
            stage_rows = scoring.rank_stage(contest, STAGE_IDS[args[0]], method).rows
            score = next(r.score for r in stage_rows if r.entry_id == _id(args[1]))
        else:
            score = final[_id(args[0])].score
        assert score == pytest.approx(value, abs=TOLERANCE), line
