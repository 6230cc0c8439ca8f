"""Live rankings for the secretariat, and the published results everyone may read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

import orjson
from fastapi import Body, Depends, Query, Response

from app.enums import Category
from app.routers.deps import (
    WRITE_PROBLEMS,
    EmptyIsAbsent,
    InConvention,
    Managing,
    SessionDep,
    convention_router,
    created,
    download,
    file_answer,
    id_query,
    problems,
)
from app.schemas import PublishIn, RankingOut, ResultsOut, WithdrawIn, WithdrawnOut
from app.schemas.analysis import (
    AgreementOut,
    ExplainOut,
    ResultsCheckOut,
    StabilityOut,
)
from app.services import explain, ranking, ranking_csv, results, stability
from scoring import Method

router = convention_router("ranking")

MethodQuery = Annotated[
    Method, Query(description="How a panel's juror totals combine (docs/scoring.md, Step 2).")
]
StageQuery = Annotated[int | None, id_query("A stage's ranking; without it, the final ranking.")]
CategoryQuery = Annotated[
    Category | None,
    EmptyIsAbsent,
    InConvention,
    Query(description="The ranking among this category's entries alone (ranks inside it)."),
]


@dataclass(frozen=True, slots=True)
class Choice:
    """Which ranking a route shows: the final one, a stage's or a category's, by a method."""

    method: Method
    stage_id: int | None
    category: Category | None


async def _choice(
    method: MethodQuery = Method.MEAN, stage_id: StageQuery = None, category: CategoryQuery = None
) -> Choice:
    return Choice(method, stage_id, category)


ChoiceQuery = Annotated[Choice, Depends(_choice)]


def _computed(
    compute: Callable[[ranking.Request], dict[str, Any]], scope: InConvention, choice: Choice
) -> dict[str, Any]:
    """``compute`` (the ranking's, or its stability's) of the ranking ``choice`` names."""
    method, stage_id, category = choice.method, choice.stage_id, choice.category
    return compute(ranking.request(scope.session, scope.convention, method, stage_id, category))


def _json(body: Any, status_code: int = 200) -> Response:
    return Response(
        orjson.dumps(body, option=orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS),
        status_code=status_code,
        media_type="application/json",
    )


@router.get("/ranking", response_class=Response, responses={200: {"model": RankingOut}})
def read_ranking(scope: Managing, choice: ChoiceQuery) -> Response:
    """The live ranking, best first, exactly as docs/scoring.md computes it (secretariat):
    the final ranking (Step 6: reach, weighted stage scores), a stage's (`?stage_id=`, rows
    with `advances`) or a category's (`?category=`, ranks inside it)."""
    return _json(_computed(ranking.compute, scope, choice))


@router.get(
    "/ranking.csv",
    response_class=Response,
    responses=file_answer("The ranking as CSV", "text/csv"),
)
def read_ranking_csv(scope: Managing, choice: ChoiceQuery) -> Response:
    """The ranking as CSV: panel columns in panel id order (then a `stage:<code>` column per
    scored stage when there are several), numbers with 2 decimals, text that a spreadsheet
    would run as a formula prefixed with `'`."""
    text = ranking_csv.ranking_csv(
        _computed(ranking.compute, scope, choice),
        ranking.panel_names(scope.session, scope.cid),
        ranking.scored_stage_codes(scope.convention),
    )
    name = f"ranking-{scope.cid}-{choice.method}.csv"
    return download(text.encode(), "text/csv; charset=utf-8", name)


@router.get(
    "/ranking/entries/{entry_id}",
    response_class=Response,
    responses={200: {"model": ExplainOut}},
)
def explain_entry(
    scope: Managing, entry_id: int, method: MethodQuery = Method.MEAN, stage_id: StageQuery = None
) -> Response:
    """How one entry's score and place come about: each juror's total and each criterion's
    contribution, each panel's score, and the tie-break that decided its place; in the stage
    the final place rests on, or in `?stage_id=`. `stability` says how the entry fares with
    any one juror left out (Step 8): its rank range, award share and verdict, and the jurors
    whose absence alone would change its award."""
    return _json(stability.explain(scope.session, scope.convention, entry_id, method, stage_id))


@router.get("/ranking/stability", response_class=Response, responses={200: {"model": StabilityOut}})
def read_stability(scope: Managing, choice: ChoiceQuery) -> Response:
    """Would the winner still win if any one juror had not judged? For each entry of the
    ranking (final, `?stage_id=`'s or `?category=`'s), in its order: the rank range over the
    rankings with one juror left out, the share of them that award it, and a verdict:
    `stable_in`, `stable_out`, or `cusp` (its award hangs on a single juror: look at it before
    signing). docs/scoring.md Step 8."""
    return _json(_computed(stability.compute, scope, choice))


@router.get("/ranking/agreement", response_class=Response, responses={200: {"model": AgreementOut}})
def read_agreement(
    scope: Managing,
    method: MethodQuery = Method.MEAN,
    threshold: Annotated[
        float,
        Query(ge=0, le=100, description="Flag entries whose juror totals spread more than this."),
    ] = 25.0,
    top: Annotated[int, Query(ge=1, le=1000, description="Rows of each panel's ranking.")] = 50,
) -> Response:
    """How much the panels agree (Kendall's tau-b, Spearman's rho), each panel's own
    ranking, and entries whose jurors disagree strongly: where to look before publishing."""
    return _json(explain.agreement(scope.session, scope.convention, method, threshold, top))


@router.post(
    "/results",
    status_code=201,
    response_class=Response,
    responses={
        **WRITE_PROBLEMS,
        **problems(
            409,
            s409="`convention-state` (not closed, or not at the last stage), `duplicate` "
            "(already published) or `incomplete` (entries miss sheets; `entry_ids`)",
        ),
        201: {"model": ResultsOut},
    },
)
async def publish_results(
    scope: Managing, data: Annotated[PublishIn | None, Body()] = None
) -> Response:
    """Freeze the final ranking as the convention's results (only when `closed` at the last
    stage; only once). While an entry misses sheets it is 409 `incomplete` naming them, unless
    `allow_incomplete` is true. With `objection_days` N > 0 the results are `provisional` for
    N days (the objection window), else `final` at once.

    The results carry the method, rubric and panel weights used, a hash of every counted
    sheet and the time, so a later recomputation can prove they match.
    """
    # Inline, not in a thread: a write must not wait on a thread while it holds SQLite's
    # write lock (see app/db.py).
    data = data or PublishIn()
    body = results.publish(
        scope.session,
        scope.caller,
        scope.convention,
        data.method,
        data.allow_incomplete,
        data.objection_days,
    )
    out = _json(body, status_code=201)
    created(out, f"/api/v1/conventions/{scope.cid}/results")
    return out


@router.get(
    "/results", response_class=Response, responses={200: {"model": ResultsOut}}, tags=["public"]
)
def read_results(cid: int, session: SessionDep) -> Response:
    """The published results (public, no token), with their `status` and objection deadline;
    404 until published (an unknown convention answers the same)."""
    return _json(results.result_dict(results.public_result(session, cid)))


@router.post(
    "/results/finalize",
    response_class=Response,
    responses={**WRITE_PROBLEMS, 200: {"model": ResultsOut}},
)
async def finalize_results(scope: Managing) -> Response:
    """Make provisional results final: at or after the objection deadline, with no objection
    open (else 409 `convention-state`). The ranking is recomputed from the same frozen sheets
    without the disqualified entries; then the results are immutable."""
    return _json(results.finalize(scope.session, scope.caller, scope.convention))


@router.post(
    "/results/withdraw",
    response_class=Response,
    responses={**WRITE_PROBLEMS, 200: {"model": WithdrawnOut}},
)
async def withdraw_results(scope: Managing, data: WithdrawIn) -> Response:
    """Withdraw provisional results (final ones: 409 `convention-state`): they are gone, a
    new publication is allowed, their open objections become `void`, and judging may reopen."""
    return _json(results.withdraw(scope.session, scope.caller, scope.convention, data.reason))


@router.get("/results/verify", response_class=Response, responses={200: {"model": ResultsCheckOut}})
def verify_results(scope: Managing) -> Response:
    """Recompute the published ranking from today's sheets: does it still match?"""
    return _json(results.verify(scope.session, scope.convention))
