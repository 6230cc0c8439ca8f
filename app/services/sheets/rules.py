"""What a sheet's body may hold: pure rules, no database.

The single source of the body's limits (the ``SheetIn`` schema documents them from here) and
of the sheet equality that makes a retry a no-op. The hot path parses the body by hand, in one
pass, naming every faulty field in one 422.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from app.enums import SheetStatus
from app.errors import ValidationFailed

MAX_COMMENT = 10_000
"""Characters in a sheet's comment."""

STEP_TOLERANCE = 1e-9
"""How far a score may lie from its criterion's grid (``min_score + k * step``); a score this
close is stored as the grid value, so that ties never hide in float noise."""

MAX_SCORES = 1_000
"""Scores in one sheet body: far above any rubric, far below a body that floods the answer."""

MAX_ERRORS = 100
"""Faults named in one 422; more are counted in its detail. A sync's answer names at most as
many in all its items."""

MAX_SYNC_SHEETS = 500
"""Sheets in one ``sheets:sync`` body."""

MAX_SYNC_SCORES = 50_000
"""Scores in one ``sheets:sync`` body, all its sheets together."""


@dataclass(frozen=True, slots=True)
class Rule:
    """What a criterion allows."""

    code: str
    min_score: float
    max_score: float
    step: float | None


@dataclass(frozen=True, slots=True)
class SheetInput:
    scores: dict[str, float | int]
    comment: str | None
    submit: bool

    @property
    def status(self) -> str:
        return SheetStatus.SUBMITTED if self.submit else SheetStatus.DRAFT


@dataclass(frozen=True, slots=True)
class StoredSheet:
    id: int
    juror_id: int
    entry_id: int
    stage_id: int
    scores: dict[str, Any]
    comment: str | None
    status: str
    version: int
    updated_at: datetime
    submitted_at: datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "entry_id": self.entry_id,
            "juror_id": self.juror_id,
            "stage_id": self.stage_id,
            "scores": self.scores,
            "comment": self.comment,
            "status": self.status,
            "version": self.version,
            "updated_at": self.updated_at,
            "submitted_at": self.submitted_at,
        }

    @property
    def etag(self) -> str:
        return f'"{self.version}"'

    def audit_view(self) -> dict[str, Any]:
        view = self.as_dict()
        return {key: view[key] for key in ("stage_id", "scores", "comment", "status", "version")}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def on_grid(value: float, rule: Rule) -> float | None:
    """The grid value ``min_score + k * step`` within 1e-9 of ``value`` (``value`` itself
    without a step, or when it is exactly on the grid); None when there is none."""
    if rule.step is None:
        return value
    k = round((value - rule.min_score) / rule.step)
    grid = rule.min_score + k * rule.step
    if abs(value - grid) > STEP_TOLERANCE:
        return None
    if value == grid:
        return value
    # min + k * step in binary can carry noise (0.1 * 3): the decimal the grid means.
    tidy = round(grid, 9)
    return tidy if abs(tidy - grid) <= STEP_TOLERANCE else grid


def _valid_unicode(text: str) -> bool:
    """No lone surrogates (JSON escapes can carry them; no database can store them)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_body(payload: Any, rules: dict[str, Rule]) -> SheetInput:
    """Validate a sheet body (already decoded JSON); every fault is named in one 422."""
    errors: list[dict[str, Any]] = []

    def bad(loc: list[str | int], msg: str) -> None:
        errors.append({"loc": ["body", *loc], "msg": msg})

    if not isinstance(payload, dict):
        raise ValidationFailed(
            "body: must be a JSON object",
            errors=[{"loc": ["body"], "msg": "must be a JSON object"}],
        )
    for key in payload:
        if key not in ("scores", "comment", "submit") and key not in _IGNORED_FIELDS:
            bad([key], "unknown field")
    scores = payload.get("scores")
    clean: dict[str, float | int] = {}
    if "scores" not in payload:
        bad(["scores"], "field required")
    elif not isinstance(scores, dict):
        bad(["scores"], "must be an object of criterion code to number")
    elif len(scores) > MAX_SCORES:
        bad(["scores"], f"may hold at most {MAX_SCORES} criteria")
    else:
        for code, value in scores.items():
            rule = rules.get(code)
            if not _valid_unicode(code):
                bad(["scores", code.encode("utf-8", "replace").decode()], "not valid Unicode")
            elif rule is None:
                bad(["scores", code], f"unknown criterion code {code!r}")
            elif not _is_number(value) or not math.isfinite(value):
                bad(["scores", code], "must be a finite number")
            elif not rule.min_score <= value <= rule.max_score:
                bad(
                    ["scores", code],
                    f"must be between {_num(rule.min_score)} and {_num(rule.max_score)}",
                )
            elif (grid := on_grid(value, rule)) is None:
                bad(
                    ["scores", code],
                    f"must be {_num(rule.min_score)} plus a multiple of {_num(rule.step or 1)}",
                )
            else:
                clean[code] = grid
    comment = payload.get("comment")
    if comment is not None and not isinstance(comment, str):
        bad(["comment"], "must be a string or null")
    elif isinstance(comment, str) and len(comment) > MAX_COMMENT:
        bad(["comment"], f"may be at most {MAX_COMMENT} characters")
    elif isinstance(comment, str) and "\x00" in comment:
        bad(["comment"], "must not contain NUL characters")
    elif isinstance(comment, str) and not _valid_unicode(comment):
        bad(["comment"], "not valid Unicode (a lone surrogate)")
    submit = payload.get("submit", False)
    if not isinstance(submit, bool):
        bad(["submit"], "must be true or false")
    if submit is True and isinstance(scores, dict):
        missing = [code for code in rules if code not in scores]
        for code in missing:
            bad(["scores", code], "required to submit: every criterion needs a score")
    if errors:
        summary = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][1:]) or 'body'}: {e['msg']}" for e in errors[:5]
        )
        if len(errors) > 5:
            summary += f" (and {len(errors) - 5} more)"
        raise ValidationFailed(summary, errors=errors[:MAX_ERRORS])
    return SheetInput(clean, comment, bool(submit))


# A tablet may send back the sheet it read; its read-only fields are ignored, not refused.
_IGNORED_FIELDS = frozenset(
    {"entry_id", "juror_id", "stage_id", "status", "version", "updated_at", "submitted_at"}
)


def _num(value: float) -> str:
    return f"{value:g}"


def decode(raw: bytes | bytearray) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if "surrogate" in exc.msg:
            # orjson refuses a lone surrogate escape (\ud800) in the whole body; the standard
            # parser keeps it, so that parse_body names the field that holds it.
            try:
                return json.loads(raw)
            except ValueError:
                pass
        raise ValidationFailed(
            f"body: not valid JSON ({exc.msg})",
            errors=[{"loc": ["body"], "msg": f"not valid JSON: {exc.msg}"}],
        ) from exc


def same_content(stored: StoredSheet, new: SheetInput) -> bool:
    """Equal as the contract means it: scores equal as numbers, same comment and status."""
    if stored.status != new.status or stored.comment != new.comment:
        return False
    if stored.scores.keys() != new.scores.keys():
        return False
    return all(float(stored.scores[code]) == float(value) for code, value in new.scores.items())


def matches(if_match: str, stored: StoredSheet | None) -> bool:
    """RFC 9110 If-Match with strong comparison: ``*`` or a list of entity tags."""
    if stored is None:
        return False
    for tag in if_match.split(","):
        tag = tag.strip()
        if tag == "*" or tag == stored.etag:
            return True
    return False


def unquoted(if_match: str) -> bool:
    """An ``If-Match`` naming a bare version (``3``) instead of an entity tag (``"3"``)."""
    tags = [tag.strip() for tag in if_match.split(",")]
    return any(tag and tag != "*" and not tag.startswith(('"', 'W/"')) for tag in tags)
