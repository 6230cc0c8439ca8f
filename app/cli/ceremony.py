"""The ceremony's scripts: award lists, certificates and the ranking, read from the database
or through a running server."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from app.cli.base import cli, console, err, fail
from app.config import get_settings
from app.enums import Category
from app.services import tables
from scoring import Method

if TYPE_CHECKING:
    from app.sources import Source


# The award list: JSON, or a table in any format of the registry.
LIST_FORMATS = ("json", *tables.FORMATS)

ConventionOption = Annotated[
    int, typer.Option("--convention", "-c", min=1, help="The convention's id.", show_default=False)
]
UrlOption = Annotated[
    str | None,
    typer.Option(
        envvar="KONVENSI_URL",
        help="A running server (e.g. https://konvensi.example.go.id) to read through its API; "
        "without it, the database at KONVENSI_DATABASE_URL is read directly.",
        show_default=False,
    ),
]
TokenOption = Annotated[
    str | None,
    typer.Option(
        envvar="KONVENSI_TOKEN",
        help="A secretariat access token for --url (from POST /api/v1/auth/token).",
        show_default=False,
    ),
]
IssueOption = Annotated[
    bool,
    typer.Option(
        "--issue",
        help="First issue the awards and certificates from the published results "
        "(idempotent; the same as POST .../awards).",
    ),
]


@contextmanager
def _source(url: str | None, token: str | None) -> Iterator[Source]:
    """The database, or the server at ``url``; a ScriptError ends the command in one line."""
    from app.sources import DatabaseSource, ScriptError, ServerSource

    source: Source
    if url:
        if not token:
            raise fail("--url needs --token (or KONVENSI_TOKEN): a secretariat access token", 1)
        if not url.startswith(("http://", "https://")):
            raise fail(f"--url must start with http:// or https://, not {url!r}", 1)
        source = ServerSource(url, token)
    else:
        settings = get_settings()
        try:
            source = DatabaseSource(settings.database_url, settings.effective_public_url)
        except Exception as exc:
            raise fail(f"cannot open the database: {exc}", 1) from exc
    try:
        yield source
    except ScriptError as exc:
        raise fail(str(exc), 1) from exc
    finally:
        source.close()


def _issue(source: Source, cid: int) -> None:
    new_awards, new_certificates = source.issue(cid)
    err.print(f"issued {new_awards} award(s) and {new_certificates} certificate(s)")


def _write(output: Path, data: bytes) -> None:
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise fail(f"cannot write {output}: {exc.strerror or exc}", 1) from exc


@cli.command("awards")
def award_list(
    convention: ConventionOption,
    format: Annotated[
        str,
        typer.Option("--format", "-f", help=f"{', '.join(LIST_FORMATS)}."),
    ] = "csv",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to this file (needed for xlsx); csv and json go to stdout otherwise.",
            dir_okay=False,
        ),
    ] = None,
    issue: IssueOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """The ceremony's award list: rank, award, entry, OPD and innovators, best first."""
    from app.services import exports
    from app.sources import ScriptError

    if format not in LIST_FORMATS:
        raise fail(f"--format must be one of {', '.join(LIST_FORMATS)}, not {format!r}", 2)
    # Text formats may go to the terminal; a binary one (xlsx) needs a file.
    text_format = format == "json" or tables.FORMATS[format].media_type.startswith("text/")
    if not text_format and output is None:
        raise fail(f"--format {format} needs --output FILE", 2)
    with _source(url, token) as source:
        if issue:
            _issue(source, convention)
        items = source.awards(convention)
        if not items:
            raise ScriptError(
                f"convention {convention} has no awards yet: publish its results, then issue "
                f"them (--issue, or POST /api/v1/conventions/{convention}/awards)"
            )
    if format == "json":
        data = json.dumps(exports.award_list(items), ensure_ascii=False, indent=2) + "\n"
        body = data.encode()
    else:
        body = tables.FORMATS[format].write(exports.awards_table(items))
    if output is None:
        sys.stdout.write(body.decode())
        sys.stdout.flush()
        return
    _write(output, body)
    err.print(f"wrote {len(items)} award(s) to {output}")


@cli.command("berita-acara")
def minutes_file(
    convention: ConventionOption,
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="The PDF to write.", dir_okay=False, show_default=False
        ),
    ],
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """The minutes of the jury's decision (berita acara) of the published results, as a PDF."""
    with _source(url, token) as source:
        data = source.minutes(convention)
    _write(output, data)
    err.print(f"wrote the berita acara of convention {convention} to {output}")


class RankingFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


@cli.command("ranking")
def ranking_table(
    convention: ConventionOption,
    method: Annotated[
        Method, typer.Option("--method", "-m", help="How a panel's juror totals combine.")
    ] = Method.MEAN,
    stage: Annotated[
        str | None,
        typer.Option("--stage", help="A stage's ranking, by its code (default: the final one)."),
    ] = None,
    category: Annotated[
        Category | None,
        typer.Option("--category", help="The ranking among one category's entries alone."),
    ] = None,
    format: Annotated[
        RankingFormat, typer.Option("--format", "-f", help="table, csv (as ranking.csv) or json.")
    ] = RankingFormat.TABLE,
    with_stability: Annotated[
        bool,
        typer.Option(
            "--stability",
            help="Add Step 8: each entry's rank range and verdict with any one juror left out.",
        ),
    ] = False,
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """The live ranking: the final one, a stage's (--stage) or a category's (--category)."""
    from app.services import ranking_csv

    kind = category.value if category else None
    with _source(url, token) as source:
        label = source.convention_label(convention)
        body, panels, stage_codes = source.ranking(convention, method.value, stage, kind)
        steady = source.stability(convention, method.value, stage, kind) if with_stability else None
    if steady is not None:
        by_entry = {row["entry_id"]: row for row in steady["rows"]}
        body["jurors_left_out"] = steady["jurors_left_out"]
        for row in body["rows"]:
            found = by_entry.get(row["entry_id"], {})
            row["stability"] = {k: found.get(k) for k in STABILITY_FIELDS}
    if format is RankingFormat.JSON:
        sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=2, default=str) + "\n")
        return
    if format is RankingFormat.CSV:
        text = ranking_csv.ranking_csv(body, panels, stage_codes)
        sys.stdout.write(_with_stability_columns(text, body) if steady is not None else text)
        return
    scope = f", tahap {stage}" if stage else ""
    scope += f", kategori {category.value}" if category else ""
    title = f"{label}: peringkat ({method.value}{scope})"
    console.print(_ranking_table(body, panels, title, with_stability=steady is not None))
    if steady is not None:
        console.print(
            f"stabilitas: {steady['jurors_left_out']} juri ditinggalkan bergantian; "
            "cusp = penghargaannya bergantung pada satu juri",
            highlight=False,
        )
    for warning in body.get("warnings", []):
        ids = ", ".join(str(i) for i in warning["entry_ids"])
        console.print(f"[yellow]warning:[/] {warning['code']} (entries {ids})", highlight=False)


STABILITY_FIELDS = ("rank_min", "rank_max", "awarded_share", "verdict")


def _with_stability_columns(text: str, body: dict[str, Any]) -> str:
    """ranking.csv with Step 8's columns added at the end of each line."""
    lines = text.splitlines()
    out = [lines[0] + "," + ",".join(STABILITY_FIELDS)]
    for line, row in zip(lines[1:], body["rows"], strict=True):
        s = row["stability"]
        share = "" if s["awarded_share"] is None else f"{s['awarded_share']:.2f}"
        cells = [s["rank_min"], s["rank_max"], share, s["verdict"]]
        out.append(line + "," + ",".join("" if c is None else str(c) for c in cells))
    return "\n".join(out) + "\n"


VERDICTS = {"stable_in": "masuk", "stable_out": "keluar", "cusp": "cusp ?"}


def _stability_cells(found: dict[str, Any]) -> tuple[str, str]:
    low, high = found["rank_min"], found["rank_max"]
    span = "" if low is None else (str(low) if low == high else f"{low}-{high}")
    return span, VERDICTS.get(found["verdict"] or "", "")


def _ranking_table(
    body: dict[str, Any], panels: list[str], title: str, *, with_stability: bool = False
) -> Table:
    """A ranking that reads at 80 columns: the innovation's acronym (or title) folds, the
    numbers stay whole; = marks a tie, * an award (or, in a stage, a place in the next).
    ``with_stability``: the rank range and verdict of Step 8 (``?`` marks a cusp)."""
    shown = Table(title=title, title_justify="left", expand=False, pad_edge=False)
    shown.add_column("#", justify="right")
    shown.add_column("Inovasi", overflow="fold", ratio=1)
    shown.add_column("OPD", overflow="ellipsis", max_width=12)
    shown.add_column("Nilai", justify="right")
    for name in panels:
        shown.add_column(name, justify="right", overflow="ellipsis", max_width=11)
    shown.add_column("Lembar", justify="right")
    if with_stability:
        shown.add_column("Rentang", justify="right")
        shown.add_column("Stabil", justify="left")
    shown.add_column("", justify="left")
    for row in body["rows"]:
        marks = ("=" if row["tied"] else "") + (
            "*" if row["awarded"] or row.get("advances") else ""
        )
        shown.add_row(
            "" if row["rank"] is None else str(row["rank"]),
            escape(row["acronym"] or row["title"]),
            escape(row["opd_code"]),
            tables.text(row["score"], "number"),
            *[tables.text(row["panel_scores"].get(name), "number") for name in panels],
            f"{row['sheet_count']}/{row['expected_sheet_count']}",
            *(_stability_cells(row["stability"]) if with_stability else ()),
            marks,
        )
    return shown
