"""The total a juror sees on the tablet is the total the ranking uses (docs/scoring.md Step 1):
the app's ``scoring.js``, run in Chromium, against the ``scoring`` package, bit for bit."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from typing import Any

import pytest

from app.routers.pages import JURI_DIR
from scoring import Criterion, Entry, Juror, Panel, Sheet, explain

ORIGIN = "http://juri.test"


@pytest.fixture(scope="module")
def js(browser: Any) -> Iterator[Any]:
    """A page whose ``window.m`` is the app's scoring module (files served from the tree)."""
    page = browser.new_page()

    def serve(route: Any) -> None:
        path = route.request.url.removeprefix(f"{ORIGIN}/juri/")
        if path == "":
            route.fulfill(body="<!doctype html><title>t</title>", content_type="text/html")
        else:
            route.fulfill(body=(JURI_DIR / path).read_bytes(), content_type="text/javascript")

    page.route(f"{ORIGIN}/**", serve)
    page.goto(f"{ORIGIN}/juri/")
    page.evaluate("import('/juri/js/scoring.js').then((m) => { window.m = m; })")
    yield page
    page.close()


def _criteria(rng: random.Random, n: int) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        low = rng.choice([0.0, 1.0, 0.5, -2.0, 10.0])
        out.append(
            {
                "code": f"C{i}",
                "weight": rng.choice([1.0, 2.0, 25.0, 0.1, 3.3, rng.uniform(0.01, 40)]),
                "min_score": low,
                "max_score": low + rng.choice([1.0, 9.0, 10.0, 100.0, 4.5, rng.uniform(0.1, 50)]),
            }
        )
    return out


def _server_total(criteria: list[dict[str, Any]], scores: dict[str, float]) -> float:
    explained = explain(
        [
            Criterion(i + 1, c["code"], c["weight"], c["min_score"], c["max_score"])
            for i, c in enumerate(criteria)
        ],
        [Panel(1, "P", 1.0)],
        [Juror(1, 1)],
        [Entry(1, 1)],
        [Sheet(1, 1, scores)],
        1,
    )
    total: float = explained.jurors[0].total
    return total


def test_device_total_equals_the_server_total_bit_for_bit(js: Any) -> None:
    rng = random.Random(14)
    cases = []
    for _ in range(300):
        criteria = _criteria(rng, rng.randint(1, 8))
        scores = {}
        for c in criteria:
            lo, hi = c["min_score"], c["max_score"]
            scores[c["code"]] = rng.choice([lo, hi, round(rng.uniform(lo, hi) * 2) / 2])
            scores[c["code"]] = min(hi, max(lo, scores[c["code"]]))
        cases.append((criteria, scores))
    device = js.evaluate("(cases) => cases.map(([c, s]) => m.total(c, s))", cases)
    for (criteria, scores), on_device in zip(cases, device, strict=True):
        assert on_device == _server_total(criteria, scores), (criteria, scores)


def test_device_total_waits_for_every_criterion(js: Any) -> None:
    criteria = [
        {"code": "A", "weight": 1, "min_score": 0, "max_score": 10},
        {"code": "B", "weight": 3, "min_score": 1, "max_score": 10},
    ]
    assert js.evaluate("(c) => m.total(c, {A: 5})", criteria) is None
    top = js.evaluate("(c) => m.total(c, {A: 10, B: 10})", criteria)
    # 100 up to rounding, and the same rounding as the server's.
    assert top == pytest.approx(100.0) and top == _server_total(criteria, {"A": 10, "B": 10})
    assert js.evaluate("(c) => m.total(c, {A: 0, B: 1})", criteria) == 0.0


def test_fsum_is_pythons(js: Any) -> None:
    rng = random.Random(3)
    lists = [
        [1e100, 1.0, -1e100, 1e-100, 1e50, -1.0, -1e50],
        [0.1] * 10,
        [1.0, 1e-16, 1e-16],
        [2.0**53, 1.0, -(2.0**53)],
        [1.0, 2.0**-53, 2.0**-106],  # a half-way case across partials
        [],
    ]
    lists += [[rng.uniform(-1e6, 1e6) * 10 ** rng.randint(-20, 20) for _ in range(30)]]
    lists += [[rng.uniform(0, 100) for _ in range(7)] for _ in range(200)]
    device = js.evaluate("(lists) => lists.map((l) => m.fsum(l))", lists)
    assert device == [math.fsum(values) for values in lists]


def test_two_decimals_as_python_writes_them(js: Any) -> None:
    rng = random.Random(5)
    values = [0.125, 0.375, 2.675, 1.005, 12.625, 99.875, 0.0, 100.0, 82.5, 66.665, 1 / 3]
    values += [k / 8 for k in range(0, 801)]
    values += [rng.uniform(0, 100) for _ in range(2000)]
    device = js.evaluate("(xs) => xs.map((x) => m.fixed2(x))", values)
    assert device == [f"{x:.2f}" for x in values]
    assert js.evaluate("m.formatTotal(82.125)") == "82,12"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7,5", 7.5), ("7.5", 7.5), (" 8 ", 8), ("", None), ("10,", 10), (",5", 0.5)],
)
def test_typed_scores_accept_a_decimal_comma(js: Any, text: str, expected: float | None) -> None:
    assert js.evaluate("(t) => m.parseScore(t)", text) == expected


def test_typed_nonsense_is_not_a_number(js: Any) -> None:
    for text in ["abc", "7,5,1", "1e3", "--1", "Infinity"]:
        assert js.evaluate("(t) => Number.isNaN(m.parseScore(t))", text), text


def test_out_of_range_and_off_step_scores_are_named_like_the_server(js: Any) -> None:
    criterion = {"code": "A", "weight": 1, "min_score": 1, "max_score": 10, "step": 0.5}
    check = "([c, v]) => m.problemWith(c, v)"
    assert js.evaluate(check, [criterion, 7.5]) is None
    assert js.evaluate(check, [criterion, 10]) is None
    assert js.evaluate(check, [criterion, 10.5]) == "Nilai harus antara 1 dan 10."
    assert js.evaluate(check, [criterion, 0.5]) == "Nilai harus antara 1 dan 10."
    assert js.evaluate(check, [criterion, 7.25]) == "Nilai harus 1 ditambah kelipatan 0,5."
    assert js.evaluate(check, [{**criterion, "step": None}, 7.25]) is None
