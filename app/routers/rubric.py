"""Criteria and panels of a convention: its rubric and its juries."""

from __future__ import annotations

from typing import Annotated

from fastapi import Response

from app.models import Criterion, Panel
from app.routers.deps import (
    WRITE_PROBLEMS,
    Managing,
    PageDep,
    Reading,
    convention_router,
    id_filter,
)
from app.schemas import (
    CriterionCreate,
    CriterionOut,
    CriterionUpdate,
    Page,
    PanelCreate,
    PanelOut,
    PanelUpdate,
)
from app.services import rubric

router = convention_router("rubric")


@router.post("/criteria", status_code=201, responses=WRITE_PROBLEMS)
async def create_criterion(
    scope: Managing, data: CriterionCreate, response: Response
) -> CriterionOut:
    """Add a criterion (only in `draft`). `code` is unique in the convention, `weight` > 0,
    `max_score` > `min_score`, `tie_break_rank` null or unique."""
    criterion = rubric.create_criterion(scope.session, scope.convention, data, scope.caller)
    return scope.created(response, "criteria", CriterionOut, criterion)


@router.get("/criteria")
async def list_criteria(
    scope: Reading,
    page: PageDep,
    stage_id: Annotated[int | None, id_filter("this stage's criteria")] = None,
) -> Page[CriterionOut]:
    """The convention's criteria (every stage's, or `?stage_id=`'s), by id. Jurors may read
    them."""
    found = rubric.list_criteria(scope.session, scope.cid, page.limit, page.offset, stage_id)
    return page.of(CriterionOut, found)


@router.get("/criteria/{criterion_id}")
async def read_criterion(scope: Reading, criterion_id: int) -> CriterionOut:
    """One criterion."""
    return CriterionOut.model_validate(scope.get(Criterion, criterion_id, "Criterion"))


@router.patch("/criteria/{criterion_id}", responses=WRITE_PROBLEMS)
async def update_criterion(
    scope: Managing, criterion_id: int, data: CriterionUpdate
) -> CriterionOut:
    """Change a criterion (only in `draft`)."""
    criterion = scope.get(Criterion, criterion_id, "Criterion")
    return CriterionOut.model_validate(
        rubric.update_criterion(scope.session, scope.convention, criterion, data, scope.caller)
    )


@router.delete("/criteria/{criterion_id}", status_code=204, responses=WRITE_PROBLEMS)
async def delete_criterion(scope: Managing, criterion_id: int) -> None:
    """Delete a criterion (only in `draft`)."""
    criterion = scope.get(Criterion, criterion_id, "Criterion")
    rubric.delete_criterion(scope.session, scope.convention, criterion, scope.caller)


@router.post("/panels", status_code=201, responses=WRITE_PROBLEMS)
async def create_panel(scope: Managing, data: PanelCreate, response: Response) -> PanelOut:
    """Add a panel (a jury, e.g. "KemenPAN-RB" or "LAN"; only in `draft`)."""
    panel = rubric.create_panel(scope.session, scope.convention, data, scope.caller)
    return scope.created(response, "panels", PanelOut, panel)


@router.get("/panels")
async def list_panels(scope: Reading, page: PageDep) -> Page[PanelOut]:
    """The convention's panels, by id. Jurors may read them."""
    return page.of(PanelOut, rubric.list_panels(scope.session, scope.cid, page.limit, page.offset))


@router.get("/panels/{panel_id}")
async def read_panel(scope: Reading, panel_id: int) -> PanelOut:
    """One panel."""
    return PanelOut.model_validate(scope.get(Panel, panel_id, "Panel"))


@router.patch("/panels/{panel_id}", responses=WRITE_PROBLEMS)
async def update_panel(scope: Managing, panel_id: int, data: PanelUpdate) -> PanelOut:
    """Rename or reweigh a panel (only in `draft`)."""
    panel = scope.get(Panel, panel_id, "Panel")
    return PanelOut.model_validate(
        rubric.update_panel(scope.session, scope.convention, panel, data, scope.caller)
    )


@router.delete("/panels/{panel_id}", status_code=204, responses=WRITE_PROBLEMS)
async def delete_panel(scope: Managing, panel_id: int) -> None:
    """Delete a panel without jurors (only in `draft`)."""
    panel = scope.get(Panel, panel_id, "Panel")
    rubric.delete_panel(scope.session, scope.convention, panel, scope.caller)
