"""Stages of judging: the rounds, their admitted entries, screening decisions, advancing."""

from __future__ import annotations

from typing import Annotated

from fastapi import Body, Query, Response

from app.enums import AdvanceRule, StageKind
from app.models import Convention, Stage
from app.routers.deps import (
    WRITE_PROBLEMS,
    Managing,
    PageDep,
    Reading,
    convention_router,
    created,
    item_url,
    page_of,
    problems,
)
from app.routers.entries import entry_page
from app.schemas import (
    AdvanceIn,
    AdvancePreviewOut,
    DecisionIn,
    DecisionOut,
    EntryJurorOut,
    EntryOut,
    Page,
    StageCreate,
    StageOut,
    StageResultOut,
    StageUpdate,
)
from app.schemas.stages import AdvanceMinScore, AdvanceTop
from app.services import admissions, advance, stages
from scoring import Method

router = convention_router("stages", "/stages")


def _out(stage: Stage, convention: Convention) -> StageOut:
    return StageOut.model_validate(stages.stage_dict(stage, convention))


def _spec(data: StageCreate | StageUpdate, base: stages.StageSpec | None) -> stages.StageSpec:
    sent = data.model_fields_set
    kind = data.kind if data.kind is not None else (base.kind if base else None)
    kind = kind or StageKind.SCORED
    default_weight = 0.0 if kind == StageKind.SCREENING else 1.0
    weight = (
        data.weight
        if "weight" in sent and data.weight is not None
        else (base.weight if base is not None and base.kind == kind else default_weight)
    )
    panel_ids = data.panel_ids if "panel_ids" in sent else (base.panel_ids if base else None)
    if "advance" in sent:
        advance_in = data.advance
        rule = AdvanceRule(advance_in.rule) if advance_in is not None else None
        count = advance_in.count if isinstance(advance_in, AdvanceTop) else None
        min_score = advance_in.min_score if isinstance(advance_in, AdvanceMinScore) else None
    elif base is not None and base.kind == kind:
        rule, count, min_score = base.rule, base.count, base.min_score
    else:
        rule, count, min_score = None, None, None
    if rule is None and kind == StageKind.SCORED and "advance" not in sent:
        rule = AdvanceRule.ALL
    return stages.StageSpec(
        data.code if data.code is not None else (base.code if base else ""),
        data.name if data.name is not None else (base.name if base else ""),
        kind,
        weight,
        list(panel_ids) if panel_ids is not None else None,
        rule,
        count,
        min_score,
    )


@router.post("", status_code=201, responses=WRITE_PROBLEMS)
async def create_stage(scope: Managing, data: StageCreate, response: Response) -> StageOut:
    """Add a stage (a round of judging): its kind (`scored` or `screening`), weight in the
    final score, the panels that judge it and its advance rule. Placed last unless
    `position` says otherwise (never before a `done` stage)."""
    stage = stages.create(
        scope.session, scope.convention, _spec(data, None), data.position, scope.caller
    )
    created(response, item_url(scope.cid, "stages", stage.id))
    return _out(stage, scope.convention)


@router.get("")
async def list_stages(scope: Managing, page: PageDep) -> Page[StageOut]:
    """The convention's stages by position, each with its state (`pending`, `current`,
    `done`). (A juror learns its current stage from the convention.)"""
    listed = stages.list_stages(scope.convention)
    shown = listed[page.offset : page.offset + page.limit]
    return page_of(
        StageOut, [stages.stage_dict(s, scope.convention) for s in shown], len(listed), page
    )


@router.get("/{sid}")
async def read_stage(scope: Managing, sid: int) -> StageOut:
    """One stage."""
    return _out(stages.get(scope.session, scope.convention, sid), scope.convention)


@router.patch("/{sid}", responses=WRITE_PROBLEMS)
async def update_stage(scope: Managing, sid: int, data: StageUpdate) -> StageOut:
    """Change a stage: a `pending` one in any status of the convention, the current one only
    while the convention is `draft`, a `done` one never (409 `convention-state`)."""
    stage = stages.get(scope.session, scope.convention, sid)
    spec = _spec(data, stages.current_spec(stage))
    return _out(
        stages.update(scope.session, scope.convention, stage, spec, data.position, scope.caller),
        scope.convention,
    )


@router.delete("/{sid}", status_code=204, responses=WRITE_PROBLEMS)
async def delete_stage(scope: Managing, sid: int) -> None:
    """Delete a stage; the last one, or one with criteria or sheets, is 409 `in-use`."""
    stages.delete_stage(
        scope.session,
        scope.convention,
        stages.get(scope.session, scope.convention, sid),
        scope.caller,
    )


@router.get("/{sid}/entries")
async def list_stage_entries(
    scope: Reading, sid: int, page: PageDep
) -> Page[EntryOut] | Page[EntryJurorOut]:
    """The entries admitted to the stage (the secretariat, and jurors of the panels that
    judge it; other jurors 403). The first stage admits every entry not disqualified."""
    stage = stages.get(scope.session, scope.convention, sid)
    admissions.require_reader(stage, scope.caller)
    found = admissions.list_admitted(
        scope.session, scope.convention, stage, page.limit, page.offset
    )
    return entry_page(scope.caller, found, page)


@router.put("/{sid}/decisions/{entry_id}", responses=WRITE_PROBLEMS)
async def decide_entry(scope: Managing, sid: int, entry_id: int, data: DecisionIn) -> DecisionOut:
    """A screening decision: `passed` true or false (with a `reason` when not passed), for
    an entry of the current screening stage while the convention is judging."""
    stage = stages.get(scope.session, scope.convention, sid)
    decision = admissions.decide(
        scope.session, scope.convention, stage, entry_id, data.passed, data.reason, scope.caller
    )
    return DecisionOut.model_validate(decision)


@router.get("/{sid}/decisions")
async def list_decisions(scope: Managing, sid: int, page: PageDep) -> Page[DecisionOut]:
    """A screening stage's decisions, by entry."""
    stage = stages.get(scope.session, scope.convention, sid)
    found = admissions.list_decisions(scope.session, stage, page.limit, page.offset)
    return page.of(DecisionOut, found)


MethodQuery = Annotated[
    Method, Query(description="The method whose stage ranking decides admission.")
]


@router.get("/{sid}/advance")
def preview_advance(
    scope: Managing, sid: int, method: MethodQuery = Method.MEAN
) -> AdvancePreviewOut:
    """What advancing the stage would admit to the next one, by its rule as it stands
    (`boundary_tie` when a tie at the cut takes more than `count`). Changes nothing."""
    stage = stages.get(scope.session, scope.convention, sid)
    return AdvancePreviewOut.model_validate(
        advance.preview(scope.session, scope.convention, stage, method)
    )


@router.post(
    "/{sid}/advance",
    status_code=201,
    responses={
        **WRITE_PROBLEMS,
        **problems(
            409,
            s409="`duplicate` (already advanced), `convention-state` (not the current stage, "
            "no next stage, or the convention is not `closed`) or `incomplete` (screening "
            "decisions missing, or nothing selected; `entry_ids`)",
        ),
    },
)
async def advance_stage(
    scope: Managing, sid: int, response: Response, data: Annotated[AdvanceIn | None, Body()] = None
) -> AdvancePreviewOut:
    """Advance the current stage (the convention `closed`): freeze its ranking, admit the
    selected entries (the rule's, plus `add`, less `remove`, with a `reason`) to the next
    stage, make it current and reopen judging, in one transaction."""
    data = data or AdvanceIn()
    stage = stages.get(scope.session, scope.convention, sid)
    body = advance.advance(
        scope.session,
        scope.convention,
        stage,
        scope.caller,
        method=data.method,
        add=list(data.add),
        remove=list(data.remove),
        reason=data.reason,
    )
    created(response, item_url(scope.cid, "stages", stage.id) + "/results")
    return AdvancePreviewOut.model_validate(body)


@router.get("/{sid}/results")
async def read_stage_results(scope: Managing, sid: int) -> StageResultOut:
    """The stage's ranking as it was frozen when advanced; rows carry `advances` (actually
    admitted). 404 until the stage is advanced."""
    stage = stages.get(scope.session, scope.convention, sid)
    return StageResultOut.model_validate(
        advance.result_dict(stage, advance.stage_result(scope.session, stage))
    )
