"""Criteria and panels of a convention: its rubric and its juries."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Response

from app.models import Criterion, Panel
from app.routers.deps import (
    CONVENTION_PROBLEMS,
    WRITE_PROBLEMS,
    AdminConvention,
    ConventionAdmin,
    PageDep,
    ReadableConvention,
    SessionDep,
    created,
    id_filter,
    page_of,
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
from app.services.common import get_in_convention

router = APIRouter(prefix="/conventions/{cid}", tags=["rubric"], responses=CONVENTION_PROBLEMS)


@router.post("/criteria", status_code=201, responses=WRITE_PROBLEMS)
async def create_criterion(
    convention: AdminConvention,
    data: CriterionCreate,
    admin: ConventionAdmin,
    session: SessionDep,
    response: Response,
) -> CriterionOut:
    """Add a criterion (only in `draft`). `code` is unique in the convention, `weight` > 0,
    `max_score` > `min_score`, `tie_break_rank` null or unique."""
    criterion = rubric.create_criterion(session, convention, data, admin)
    created(response, f"/api/v1/conventions/{convention.id}/criteria/{criterion.id}")
    return CriterionOut.model_validate(criterion)


@router.get("/criteria")
async def list_criteria(
    convention: ReadableConvention,
    session: SessionDep,
    page: PageDep,
    stage_id: Annotated[int | None, id_filter("this stage's criteria")] = None,
) -> Page[CriterionOut]:
    """The convention's criteria (every stage's, or `?stage_id=`'s), by id. Jurors may read
    them."""
    items, total = rubric.list_criteria(session, convention.id, page.limit, page.offset, stage_id)
    return page_of(CriterionOut, items, total, page)


@router.get("/criteria/{criterion_id}")
async def read_criterion(
    convention: ReadableConvention, criterion_id: int, session: SessionDep
) -> CriterionOut:
    """One criterion."""
    criterion = get_in_convention(session, Criterion, convention.id, criterion_id, "Criterion")
    return CriterionOut.model_validate(criterion)


@router.patch("/criteria/{criterion_id}", responses=WRITE_PROBLEMS)
async def update_criterion(
    convention: AdminConvention,
    criterion_id: int,
    data: CriterionUpdate,
    admin: ConventionAdmin,
    session: SessionDep,
) -> CriterionOut:
    """Change a criterion (only in `draft`)."""
    criterion = get_in_convention(session, Criterion, convention.id, criterion_id, "Criterion")
    return CriterionOut.model_validate(
        rubric.update_criterion(session, convention, criterion, data, admin)
    )


@router.delete("/criteria/{criterion_id}", status_code=204, responses=WRITE_PROBLEMS)
async def delete_criterion(
    convention: AdminConvention, criterion_id: int, admin: ConventionAdmin, session: SessionDep
) -> None:
    """Delete a criterion (only in `draft`)."""
    criterion = get_in_convention(session, Criterion, convention.id, criterion_id, "Criterion")
    rubric.delete_criterion(session, convention, criterion, admin)


@router.post("/panels", status_code=201, responses=WRITE_PROBLEMS)
async def create_panel(
    convention: AdminConvention,
    data: PanelCreate,
    admin: ConventionAdmin,
    session: SessionDep,
    response: Response,
) -> PanelOut:
    """Add a panel (a jury, e.g. "KemenPAN-RB" or "LAN"; only in `draft`)."""
    panel = rubric.create_panel(session, convention, data, admin)
    created(response, f"/api/v1/conventions/{convention.id}/panels/{panel.id}")
    return PanelOut.model_validate(panel)


@router.get("/panels")
async def list_panels(
    convention: ReadableConvention, session: SessionDep, page: PageDep
) -> Page[PanelOut]:
    """The convention's panels, by id. Jurors may read them."""
    items, total = rubric.list_panels(session, convention.id, page.limit, page.offset)
    return page_of(PanelOut, items, total, page)


@router.get("/panels/{panel_id}")
async def read_panel(
    convention: ReadableConvention, panel_id: int, session: SessionDep
) -> PanelOut:
    """One panel."""
    return PanelOut.model_validate(
        get_in_convention(session, Panel, convention.id, panel_id, "Panel")
    )


@router.patch("/panels/{panel_id}", responses=WRITE_PROBLEMS)
async def update_panel(
    convention: AdminConvention,
    panel_id: int,
    data: PanelUpdate,
    admin: ConventionAdmin,
    session: SessionDep,
) -> PanelOut:
    """Rename or reweigh a panel (only in `draft`)."""
    panel = get_in_convention(session, Panel, convention.id, panel_id, "Panel")
    return PanelOut.model_validate(rubric.update_panel(session, convention, panel, data, admin))


@router.delete("/panels/{panel_id}", status_code=204, responses=WRITE_PROBLEMS)
async def delete_panel(
    convention: AdminConvention, panel_id: int, admin: ConventionAdmin, session: SessionDep
) -> None:
    """Delete a panel without jurors (only in `draft`)."""
    panel = get_in_convention(session, Panel, convention.id, panel_id, "Panel")
    rubric.delete_panel(session, convention, panel, admin)
