"""The sheet body's rules, pure: every branch of ``parse_body`` by a table of cases."""

from __future__ import annotations

from typing import Any

import pytest

from app.errors import ValidationFailed
from app.schemas import SheetIn
from app.services.sheets.rules import (
    MAX_COMMENT,
    Rule,
    StoredSheet,
    matches,
    parse_body,
    same_content,
)

RULES = {
    "A": Rule("A", 0.0, 10.0, 0.5),
    "B": Rule("B", 1.0, 5.0, None),
}

OK_CASES: list[tuple[str, dict[str, Any], dict[str, float], str | None, bool]] = [
    ("a draft with one score", {"scores": {"A": 7.5}}, {"A": 7.5}, None, False),
    ("an empty draft", {"scores": {}}, {}, None, False),
    ("bounds are inside", {"scores": {"A": 0, "B": 5}}, {"A": 0, "B": 5}, None, False),
    ("any number without a step", {"scores": {"B": 1.2345}}, {"B": 1.2345}, None, False),
    (
        "a submit with every criterion",
        {"scores": {"A": 10, "B": 3}, "submit": True},
        {"A": 10, "B": 3},
        None,
        True,
    ),
    ("a comment", {"scores": {}, "comment": "baik"}, {}, "baik", False),
    ("a null comment", {"scores": {}, "comment": None}, {}, None, False),
    (
        "the longest comment",
        {"scores": {}, "comment": "x" * MAX_COMMENT},
        {},
        "x" * MAX_COMMENT,
        False,
    ),
    (
        "read-only fields sent back are ignored",
        {
            "scores": {"A": 1},
            "entry_id": 3,
            "juror_id": 9,
            "status": "draft",
            "version": 4,
            "updated_at": "x",
            "submitted_at": None,
        },
        {"A": 1},
        None,
        False,
    ),
]


@pytest.mark.parametrize(("case", "body", "scores", "comment", "submit"), OK_CASES)
def test_parse_body_accepts(
    case: str, body: dict[str, Any], scores: dict[str, float], comment: str | None, submit: bool
) -> None:
    parsed = parse_body(body, RULES)
    assert (parsed.scores, parsed.comment, parsed.submit) == (scores, comment, submit), case


BAD_CASES: list[tuple[str, Any, list[list[str | int]], str]] = [
    ("not an object", [1, 2], [["body"]], "must be a JSON object"),
    ("no scores", {"comment": "x"}, [["body", "scores"]], "field required"),
    ("scores not an object", {"scores": [8]}, [["body", "scores"]], "must be an object"),
    ("an unknown field", {"scores": {}, "extra": 1}, [["body", "extra"]], "unknown field"),
    ("an unknown criterion", {"scores": {"Z": 1}}, [["body", "scores", "Z"]], "unknown criterion"),
    ("a string score", {"scores": {"A": "8"}}, [["body", "scores", "A"]], "finite number"),
    ("a boolean score", {"scores": {"A": True}}, [["body", "scores", "A"]], "finite number"),
    ("a null score", {"scores": {"A": None}}, [["body", "scores", "A"]], "finite number"),
    (
        "an infinite score",
        {"scores": {"A": float("inf")}},
        [["body", "scores", "A"]],
        "finite number",
    ),
    ("below the range", {"scores": {"B": 0.5}}, [["body", "scores", "B"]], "between 1 and 5"),
    ("above the range", {"scores": {"A": 10.5}}, [["body", "scores", "A"]], "between 0 and 10"),
    ("off the step", {"scores": {"A": 7.3}}, [["body", "scores", "A"]], "multiple of 0.5"),
    (
        "a comment that is a number",
        {"scores": {}, "comment": 5},
        [["body", "comment"]],
        "string or null",
    ),
    (
        "a comment too long",
        {"scores": {}, "comment": "x" * (MAX_COMMENT + 1)},
        [["body", "comment"]],
        f"at most {MAX_COMMENT}",
    ),
    ("a NUL in the comment", {"scores": {}, "comment": "a\x00b"}, [["body", "comment"]], "NUL"),
    (
        "submit not a boolean",
        {"scores": {}, "submit": "yes"},
        [["body", "submit"]],
        "true or false",
    ),
    (
        "a submit missing a criterion",
        {"scores": {"A": 5}, "submit": True},
        [["body", "scores", "B"]],
        "required to submit",
    ),
    (
        "two faults at once",
        {"scores": {"A": 11, "Z": 1}},
        [["body", "scores", "A"], ["body", "scores", "Z"]],
        "between 0 and 10",
    ),
]


@pytest.mark.parametrize(("case", "body", "locs", "message"), BAD_CASES)
def test_parse_body_refuses_naming_each_field(
    case: str, body: Any, locs: list[list[str | int]], message: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_body(body, RULES)
    errors = caught.value.errors or []
    assert [e["loc"] for e in errors] == locs, case
    assert message in errors[0]["msg"], case


def test_schema_documents_the_rules_comment_limit() -> None:
    schema = SheetIn.model_json_schema()
    comment = schema["properties"]["comment"]["anyOf"][0]
    assert comment["maxLength"] == MAX_COMMENT


def _stored(scores: dict[str, Any], comment: str | None, status: str) -> StoredSheet:
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    return StoredSheet(1, 2, 3, 5, scores, comment, status, 4, now, None)


def test_same_content_compares_scores_as_numbers() -> None:
    stored = _stored({"A": 7, "B": 2.5}, "x", "draft")
    assert same_content(stored, parse_body({"scores": {"A": 7.0, "B": 2.5}, "comment": "x"}, RULES))
    assert not same_content(
        stored, parse_body({"scores": {"A": 7.5, "B": 2.5}, "comment": "x"}, RULES)
    )
    assert not same_content(stored, parse_body({"scores": {"A": 7}, "comment": "x"}, RULES))
    assert not same_content(stored, parse_body({"scores": {"A": 7, "B": 2.5}}, RULES))
    assert not same_content(
        stored, parse_body({"scores": {"A": 7, "B": 2.5}, "comment": "x", "submit": True}, RULES)
    )


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('"4"', True),
        ('"3"', False),
        ("*", True),
        ('"1", "4"', True),
        ('W/"4"', False),
        ("4", False),
    ],
)
def test_if_match_is_a_strong_comparison(header: str, expected: bool) -> None:
    assert matches(header, _stored({}, None, "draft")) is expected


def test_if_match_never_matches_a_missing_sheet() -> None:
    assert matches("*", None) is False
