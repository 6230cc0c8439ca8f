"""Live rankings for the secretariat, and the published results everyone may read."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Body, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from app.db import SessionDep
from app.routers.deps import (
    CONVENTION_PROBLEMS,
    WRITE_PROBLEMS,
    AdminConvention,
    ConventionAdmin,
    created,
    problems,
)
from app.services import conventions, ranking

router = APIRouter(prefix="/conventions/{cid}", tags=["ranking"], responses=CONVENTION_PROBLEMS)

Method = Literal["mean", "median", "trimmed", "zscore"]
MethodQuery = Annotated[
    Method, Query(description="How a panel's juror totals combine (SCORING.md, Step 2).")
]


class RankingRowOut(BaseModel):
    rank: int | None
    entry_id: int
    title: str
    acronym: str | None
    opd_code: str
    score: float | None
    panel_scores: dict[str, float]
    sheet_count: int
    expected_sheet_count: int
    complete: bool
    tied: bool
    awarded: bool


class RankingWarningOut(BaseModel):
    code: Literal["boundary_tie", "panel_missing", "no_eligible_juror"]
    entry_ids: list[int]


class RankingOut(BaseModel):
    convention_id: int
    method: Method
    top_n: int
    rows: list[RankingRowOut]
    warnings: list[RankingWarningOut]


class ResultsOut(RankingOut):
    published_at: str
    rubric: dict[str, Any]
    sheets_digest: str = Field(description="SHA-256 over the hashes of every counted sheet.")
    sheet_count: int
    allow_incomplete: bool = Field(description="Published while some entries missed sheets.")
    incomplete_entry_ids: list[int]


class PublishIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"method": "mean"}]})

    method: Method = "mean"
    allow_incomplete: bool | None = Field(
        None,
        description="`false` refuses to publish while entries miss sheets (409); omitted or "
        "`true` publishes and records the incomplete entries.",
    )


def _json(body: Any, status_code: int = 200) -> Response:
    return Response(
        orjson.dumps(body, option=orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS),
        status_code=status_code,
        media_type="application/json",
    )


@router.get("/ranking", response_class=Response, responses={200: {"model": RankingOut}})
def read_ranking(
    convention: AdminConvention, session: SessionDep, method: MethodQuery = "mean"
) -> Response:
    """The live ranking, best first, exactly as SCORING.md computes it (secretariat)."""
    return _json(ranking.compute(session, convention, method))


@router.get(
    "/ranking.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "The ranking as CSV"}},
)
def read_ranking_csv(
    convention: AdminConvention, session: SessionDep, method: MethodQuery = "mean"
) -> Response:
    """The ranking as CSV: panel columns in panel id order, numbers with 2 decimals."""
    body = ranking.compute(session, convention, method)
    text = ranking.ranking_csv(body, ranking.panel_names(session, convention.id))
    return Response(
        text.encode(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="ranking-{convention.id}-{method}.csv"'
        },
    )


@router.get(
    "/ranking/entries/{entry_id}",
    response_class=Response,
    responses={200: {"model": dict[str, Any]}},
)
def explain_entry(
    convention: AdminConvention, entry_id: int, session: SessionDep, method: MethodQuery = "mean"
) -> Response:
    """How one entry's score and place come about: each juror's total and each criterion's
    contribution, each panel's score, and the tie-break that decided its place."""
    return _json(ranking.explain(session, convention, entry_id, method))


@router.get(
    "/ranking/agreement", response_class=Response, responses={200: {"model": dict[str, Any]}}
)
def read_agreement(
    convention: AdminConvention,
    session: SessionDep,
    method: MethodQuery = "mean",
    threshold: Annotated[
        float,
        Query(ge=0, le=100, description="Flag entries whose juror totals spread more than this."),
    ] = 25.0,
    top: Annotated[int, Query(ge=1, le=1000, description="Rows of each panel's ranking.")] = 50,
) -> Response:
    """How much the panels agree (Kendall's tau-b, Spearman's rho), each panel's own
    ranking, and entries whose jurors disagree strongly: where to look before publishing."""
    return _json(ranking.agreement(session, convention, method, threshold, top))


@router.post(
    "/results",
    status_code=201,
    response_class=Response,
    responses={
        **WRITE_PROBLEMS,
        **problems(409, s409="`convention-state` (not closed) or `already-done` (published)"),
        201: {"model": ResultsOut},
    },
)
async def publish_results(
    convention: AdminConvention,
    admin: ConventionAdmin,
    session: SessionDep,
    data: Annotated[PublishIn | None, Body()] = None,
) -> Response:
    """Freeze the ranking as the convention's results (only when `closed`; only once).

    The results carry the method, rubric and panel weights used, a hash of every counted
    sheet and the time, so a later recomputation can prove they match.
    """
    # Inline, not in a thread: a write must not wait on a thread while it holds SQLite's
    # write lock (see app/db.py).
    data = data or PublishIn()
    body = ranking.publish(session, admin, convention, data.method, data.allow_incomplete)
    out = _json(body, status_code=201)
    created(out, f"/api/v1/conventions/{convention.id}/results")
    return out


@router.get(
    "/results", response_class=Response, responses={200: {"model": ResultsOut}}, tags=["public"]
)
def read_results(cid: int, session: SessionDep) -> Response:
    """The published results (public, no token); 404 until published."""
    conventions.get(session, cid)
    return _json(ranking.result_dict(ranking.get_result(session, cid)))


@router.get("/results/verify", response_class=Response, responses={200: {"model": dict[str, Any]}})
def verify_results(convention: AdminConvention, session: SessionDep) -> Response:
    """Recompute the published ranking from today's sheets: does it still match?"""
    return _json(ranking.verify(session, convention))
