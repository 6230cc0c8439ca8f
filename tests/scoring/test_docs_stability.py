"""The worked examples of Steps 8 and 9 of docs/scoring.md, read from the page and recomputed
with `scoring`.

Step 8: the sheets, the full ranking and each ranking with one juror left out (every cell's
arithmetic too), then the rows of `scoring.stability`. Step 9: the arithmetic block, line by
line: each d(j, e) and leniency(j) with `scoring.leniency`, alpha with
`scoring.krippendorff_alpha`, and D_o, D_e and their terms with the formulas of the page read
literally. Every ``a = b = c`` on the page must hold as written, so a changed number fails here.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable
from fractions import Fraction
from itertools import permutations

import pytest

import scoring
from scoring import Contest, Criterion, Eligibility, Entry, Juror, Panel, Sheet, Stage
from tests.scoring.docs_page import PAGE, calculations, table

STEP8 = PAGE[PAGE.index("## Step 8") : PAGE.index("## Step 9")]
STEP8 = STEP8[STEP8.index("### Worked example") :]
STEP9 = PAGE[PAGE.index("## Step 9") :]
TOLERANCE = 1e-9


# --- reading the page ------------------------------------------------------------------------


def _found(pattern: str, section: str) -> str:
    match = re.search(pattern, section)
    assert match, f"docs/scoring.md no longer says {pattern!r}"
    return match.group(1)


_OPERATORS: dict[type, Callable[..., float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.USub: operator.neg,
}


def _evaluate(expression: str) -> float:
    """The value of the page's arithmetic: numbers, + - * / ^ and parentheses, nothing else."""

    def value(node: ast.expr) -> float:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return float(node.value)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](value(node.left), value(node.right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](value(node.operand))
        raise AssertionError(f"not plain arithmetic: {expression!r}")

    return value(ast.parse(expression.strip().replace("^", "**"), mode="eval").body)


def _worked(text: str) -> tuple[float, float]:
    """``a = b = … = v`` (or ``a ≈ v``): checks that every side equals v as written (or rounds
    to v), and gives v with the tolerance to hold the code to: 1e-9, or half a unit of v's
    last decimal after ``≈``."""
    if "≈" in text:
        expression, shown = text.split("≈")
        decimals = len(shown.strip().partition(".")[2])
        slack = 0.5 * 10.0**-decimals
        assert _evaluate(expression) == pytest.approx(float(shown), abs=slack), text
        return float(shown), slack
    *sides, last = text.split("=")
    result = float(last)
    for side in sides:
        assert _evaluate(side) == pytest.approx(result, abs=TOLERANCE), text
    return result, TOLERANCE


def _arithmetic(section: str, marker: str) -> list[tuple[str, list[str], float, float]]:
    """Each line ``NAME(args) = … = value`` of the block after the marker: (NAME, args, value,
    tolerance)."""
    return [(name, args, *_worked(rest)) for name, args, rest in calculations(section, marker)]


def _id(name: str) -> int:
    """E1 -> 1: the digits of a name."""
    return int(re.sub(r"\D", "", name))


# --- the example of Step 8 -------------------------------------------------------------------

SHEET_ROWS = table(STEP8, "stability:sheets")
JURORS = [name for name in SHEET_ROWS[0] if name != "entry"]
JUROR_IDS = {name: i for i, name in enumerate(JURORS, start=1)}
JUROR_NAMES = {i: name for name, i in JUROR_IDS.items()}
LOW, HIGH = (float(x) for x in _found(r"criterion scored (\d+ to \d+)", STEP8).split(" to "))
CRITERION = Criterion(1, "X", 1.0, LOW, HIGH)
PANEL = Panel(1, _found(r"one panel (\w+) of", STEP8), float(_found(r"of\s+weight (\d+)", STEP8)))
METHOD = _found(r"method `(\w+)`", STEP8)
TOP_N = int(_found(r"`top_n` = (\d+)", STEP8))
ENTRIES = tuple(Entry(_id(row["entry"]), 100 + _id(row["entry"])) for row in SHEET_ROWS)
SHEETS = [
    Sheet(JUROR_IDS[juror], _id(row["entry"]), {CRITERION.code: float(row[juror])})
    for row in SHEET_ROWS
    for juror in JURORS
    if row[juror]
]


def _contest(leave_out: str | None = None) -> Contest:
    """The example as one stage, without the sheets of the juror `leave_out`."""
    sheets = [s for s in SHEETS if leave_out is None or s.juror_id != JUROR_IDS[leave_out]]
    return Contest(
        (Stage(1, "UTAMA", criteria=(CRITERION,), sheets=sheets),),
        (PANEL,),
        tuple(Juror(i, PANEL.id) for i in JUROR_IDS.values()),
        ENTRIES,
        Eligibility(),
        top_n=TOP_N,
    )


def _names(cell: str) -> list[str]:
    return [name.strip() for name in cell.split(",") if name.strip()]


def test_the_stability_example_is_complete() -> None:
    rankings = table(STEP8, "stability:rankings")
    assert [row["left out"] for row in rankings] == ["nobody", *JURORS]
    rows = table(STEP8, "stability:rows")
    assert sorted(_id(row["entry"]) for row in rows) == sorted(e.id for e in ENTRIES)
    verdicts = {row["verdict"] for row in rows}
    assert "cusp" in verdicts and verdicts <= {v.value for v in scoring.Verdict}


def test_each_ranking_with_one_juror_left_out_matches_the_code() -> None:
    for row in table(STEP8, "stability:rankings"):
        left_out = None if row["left out"] == "nobody" else row["left out"]
        ranking = scoring.rank_final(_contest(left_out), METHOD)
        scores = {r.entry_id: r.score for r in ranking.rows}
        for entry in ENTRIES:
            want, slack = _worked(row[f"S(E{entry.id})"])
            assert scores[entry.id] == pytest.approx(want, abs=slack), row
        awarded = sorted(r.entry_id for r in ranking.rows if r.awarded)
        assert awarded == sorted(_id(e) for e in _names(row["awarded"])), row


def test_stability_rows_match_the_code() -> None:
    found = scoring.stability(_contest(), METHOD)
    assert found.jurors_left_out == int(_found(r"`jurors_left_out` is (\d+)", STEP8))
    expected = table(STEP8, "stability:rows")
    assert [r.entry_id for r in found.rows] == [_id(row["entry"]) for row in expected]
    for got, want in zip(found.rows, expected, strict=True):
        assert got.rank == int(want["rank"]), want
        assert got.rank_min == int(want["rank_min"]), want
        assert got.rank_max == int(want["rank_max"]), want
        assert got.awarded_share is not None
        assert Fraction(got.awarded_share).limit_denominator(1000) == Fraction(
            want["awarded_share"]
        ), want
        assert got.verdict.value == want["verdict"], want
        assert [JUROR_NAMES[j] for j in got.changed_by] == _names(want["changed_by"]), want


# --- the example of Step 9 -------------------------------------------------------------------

TOTALS = scoring.juror_totals(
    [CRITERION], [PANEL], [Juror(i, PANEL.id) for i in JUROR_IDS.values()], ENTRIES, SHEETS
)


def _unit(entry: str) -> list[float]:
    return [value for _, e, value in TOTALS if e == _id(entry)]


def _pairs(values: list[float]) -> float:
    """The sum over ordered pairs of distinct values (i != j, both orders) of (v_i - v_j)^2."""
    return sum((a - b) ** 2 for a, b in permutations(values, 2))


def _literal_alpha_parts(entries: list[str]) -> tuple[float, float]:
    """D_o and D_e of the page's formulas over these entries, read literally (every unit is
    pairable here)."""
    units = [_unit(entry) for entry in entries]
    assert all(len(u) >= 2 for u in units)
    n = sum(map(len, units))
    observed = sum(_pairs(u) / (len(u) - 1) for u in units) / n
    expected = _pairs([v for u in units for v in u]) / (n * (n - 1))
    return observed, expected


def test_the_agreement_example_is_complete() -> None:
    lines = _arithmetic(STEP9, "agreement:arithmetic")
    kinds = {kind for kind, *_ in lines}
    assert kinds == {"d", "leniency", "o", "D_o", "D_e", "alpha"}
    assert {args[0] for kind, args, *_ in lines if kind == "leniency"} == set(JURORS)


def test_agreement_arithmetic_matches_the_code() -> None:
    stage = scoring.stage_agreement(
        TOTALS, [Juror(i, PANEL.id) for i in JUROR_IDS.values()], [PANEL]
    )
    lenient = {JUROR_NAMES[r.juror_id]: r for r in stage.jurors}
    (panel,) = stage.panels
    observed, expected = _literal_alpha_parts([row["entry"] for row in SHEET_ROWS])
    shown: dict[str, float] = {}
    for kind, args, value, slack in _arithmetic(STEP9, "agreement:arithmetic"):
        line = f"{kind}({', '.join(args)}) = {value}"
        if kind == "d":
            # Leniency over this one entry is d(j, e).
            juror, entry = args
            one = [t for t in TOTALS if t[1] == _id(entry)]
            row = next(r for r in scoring.leniency(one) if r.juror_id == JUROR_IDS[juror])
            assert row.leniency == pytest.approx(value, abs=slack), line
            assert row.leniency_n == 1, line
        elif kind == "leniency":
            assert lenient[args[0]].leniency == pytest.approx(value, abs=slack), line
        elif kind == "o":
            unit = _unit(args[0])
            assert _pairs(unit) / (len(unit) - 1) == pytest.approx(value, abs=slack), line
        elif kind in ("D_o", "D_e"):
            assert args == [PANEL.name], line
            literal = observed if kind == "D_o" else expected
            assert literal == pytest.approx(value, abs=slack), line
            shown[kind] = value
        else:
            assert args == [PANEL.name], line
            alpha = scoring.krippendorff_alpha(TOTALS).krippendorff_alpha
            assert alpha is not None
            assert alpha == pytest.approx(value, abs=slack), line
            assert alpha == pytest.approx(1 - shown["D_o"] / shown["D_e"], abs=TOLERANCE), line
            assert panel.krippendorff_alpha == pytest.approx(alpha, abs=TOLERANCE), line
    n = int(_found(r"`leniency_n` = (\d+) for\s+each juror", STEP9))
    assert {r.leniency_n for r in stage.jurors} == {n}
    assert panel.pairable_entries == int(_found(r"`pairable_entries` = (\d+)", STEP9))


def test_the_agreement_prose_matches_the_sheets() -> None:
    values = [value for _, _, value in TOTALS]
    count = int(_found(r"with `n` = (\d+) values", STEP9))
    total = float(_found(r"whose sum is (\d+)", STEP9))
    squares = float(_found(r"sum of squares (\d+)", STEP9))
    assert (count, total, squares) == (len(values), sum(values), sum(v * v for v in values))


def test_alpha_without_the_easy_entry_matches_the_code() -> None:
    match = re.search(r"on (E\d+) and (E\d+) alone, alpha would be ([^≈]+≈ -?[\d.]+)", STEP9)
    assert match, "docs/scoring.md no longer gives alpha on two entries alone"
    value, slack = _worked(match.group(3))
    kept = {_id(match.group(1)), _id(match.group(2))}
    observed, expected = _literal_alpha_parts([match.group(1), match.group(2)])
    shown = [float(x) for x in re.findall(r"[\d.]+", match.group(3).split("≈")[0])[1:]]
    assert shown == pytest.approx([observed, expected], abs=TOLERANCE)
    alpha = scoring.krippendorff_alpha([t for t in TOTALS if t[1] in kept]).krippendorff_alpha
    assert alpha == pytest.approx(value, abs=slack)
