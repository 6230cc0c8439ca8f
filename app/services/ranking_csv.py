"""``ranking.csv``: the ranking as the contract's CSV (docs/api.md, "GET …/ranking.csv")."""

from __future__ import annotations

from typing import Any

from app.services.tables import csv_lines, safe_text


def _csv_number(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _csv_bool(value: bool) -> str:
    return "true" if value else "false"


def ranking_csv(body: dict[str, Any], panel_names: list[str], stage_codes: list[str]) -> str:
    """The contract's CSV: 2 decimals as Python's ``f"{x:.2f}"``, true/false, nulls empty; a
    ``stage:<code>`` column per code of ``stage_codes`` after the panels (final ranking)."""
    stage_columns = stage_codes if body.get("stage_id") is None else []
    lines: list[list[Any]] = [
        [
            safe_text(header)
            for header in (
                "rank",
                "entry_id",
                "title",
                "acronym",
                "opd_code",
                "score",
                *panel_names,
                *(f"stage:{code}" for code in stage_columns),
                "sheet_count",
                "expected_sheet_count",
                "complete",
                "tied",
                "awarded",
            )
        ]
    ]
    for row in body["rows"]:
        panel_scores = row["panel_scores"]
        stage_scores = row.get("stage_scores") or {}
        lines.append(
            [
                "" if row["rank"] is None else row["rank"],
                row["entry_id"],
                safe_text(row["title"]),
                safe_text(row["acronym"] or ""),
                safe_text(row["opd_code"]),
                _csv_number(row["score"]),
                *[_csv_number(panel_scores.get(name)) for name in panel_names],
                *[_csv_number(stage_scores.get(code)) for code in stage_columns],
                row["sheet_count"],
                row["expected_sheet_count"],
                _csv_bool(row["complete"]),
                _csv_bool(row["tied"]),
                _csv_bool(row["awarded"]),
            ]
        )
    return csv_lines(lines)
