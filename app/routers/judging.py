"""Progress, recusals, assignments and the audit log of a convention's judging."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Response

from app.routers.deps import (
    WRITE_PROBLEMS,
    Managing,
    PageDep,
    SessionDep,
    convention_router,
    created_as,
    id_filter,
)
from app.routers.sheets import Me
from app.schemas import (
    AssignmentOut,
    AssignmentsIn,
    AuditEventOut,
    ConventionProgressOut,
    EntryCompleteness,
    JurorAssignmentsIn,
    JurorProgressOut,
    Page,
    RecusalIn,
    RecusalOut,
)
from app.schemas.analysis import (
    AssignmentsAddedOut,
    JurorAssignmentsOut,
)
from app.services import audit, conventions, judging, progress

router = convention_router("judging")


@router.get("/jurors/me/progress")
async def read_my_progress(cid: int, me: Me, session: SessionDep) -> JurorProgressOut:
    """The calling juror's progress: entries to score, drafts, submitted, conflicts."""
    convention = conventions.get(session, cid)
    return JurorProgressOut.model_validate(progress.juror_progress(session, convention, me.id))


@router.post("/jurors/me/recusals", status_code=201, responses=WRITE_PROBLEMS)
async def create_my_recusal(
    cid: int, data: RecusalIn, me: Me, session: SessionDep, response: Response
) -> RecusalOut:
    """Declare a conflict of interest with one entry (recusal). The juror can then no longer
    score it, it leaves the juror's expected sheets, and the secretariat sees it."""
    convention = conventions.get(session, cid)
    recusal = judging.recuse(session, me, convention, data.entry_id, data.reason)
    location = f"/api/v1/conventions/{cid}/recusals?juror_id={me.id}"
    return created_as(response, location, RecusalOut, recusal)


@router.get("/recusals")
async def list_recusals(
    scope: Managing,
    page: PageDep,
    juror_id: Annotated[int | None, id_filter("this juror's")] = None,
) -> Page[RecusalOut]:
    """Conflicts jurors declared themselves (secretariat)."""
    found = judging.list_recusals(scope.session, scope.cid, juror_id, page.limit, page.offset)
    return page.of(RecusalOut, found)


@router.delete("/jurors/{juror_id}/recusals/{entry_id}", status_code=204, responses=WRITE_PROBLEMS)
async def delete_recusal(scope: Managing, juror_id: int, entry_id: int) -> None:
    """Withdraw a juror's recusal (secretariat)."""
    judging.withdraw_recusal(scope.session, scope.caller, scope.convention, juror_id, entry_id)


@router.get("/progress")
async def read_progress(scope: Managing) -> ConventionProgressOut:
    """Every juror's progress and the convention's totals (secretariat)."""
    return ConventionProgressOut.model_validate(
        progress.convention_progress(scope.session, scope.convention)
    )


@router.get("/progress/entries")
async def list_entry_progress(
    scope: Managing,
    page: PageDep,
    incomplete: Annotated[bool, Query(description="Only entries still missing sheets.")] = False,
) -> Page[EntryCompleteness]:
    """Per entry: sheets expected and submitted, and which jurors are still missing."""
    found = progress.entry_completeness(
        scope.session,
        scope.convention,
        incomplete_only=incomplete,
        limit=page.limit,
        offset=page.offset,
    )
    return page.of(EntryCompleteness, found)


@router.post("/assignments", responses=WRITE_PROBLEMS)
async def create_assignments(scope: Managing, data: AssignmentsIn) -> AssignmentsAddedOut:
    """Assign entries to jurors, in bulk (idempotent). They decide who scores what when the
    convention's `assignment_mode` is `assigned`."""
    pairs = [(item.juror_id, item.entry_id) for item in data.items]
    return AssignmentsAddedOut(
        **judging.add_assignments(scope.session, scope.caller, scope.convention, pairs)
    )


@router.put("/jurors/{juror_id}/assignments", responses=WRITE_PROBLEMS)
async def replace_assignments(
    scope: Managing, juror_id: int, data: JurorAssignmentsIn
) -> JurorAssignmentsOut:
    """Replace the entries assigned to one juror."""
    entry_ids = judging.replace_juror_assignments(
        scope.session, scope.caller, scope.convention, juror_id, data.entry_ids
    )
    return JurorAssignmentsOut(juror_id=juror_id, entry_ids=entry_ids)


@router.get("/assignments")
async def list_assignments(
    scope: Managing,
    page: PageDep,
    juror_id: Annotated[int | None, id_filter("this juror's")] = None,
    entry_id: Annotated[int | None, id_filter("this entry's")] = None,
) -> Page[AssignmentOut]:
    """Assignments, by juror then entry."""
    found = judging.list_assignments(
        scope.session, scope.cid, juror_id, entry_id, page.limit, page.offset
    )
    return page.of(AssignmentOut, found)


@router.get("/audit")
async def list_audit_events(
    scope: Managing,
    page: PageDep,
    juror_id: Annotated[int | None, id_filter("events about this juror")] = None,
    entry_id: Annotated[int | None, id_filter("events about this entry")] = None,
    action: Annotated[
        str | None,
        Query(max_length=64, pattern=r"^[a-z_.]+$", description="e.g. `sheet.submit`."),
    ] = None,
) -> Page[AuditEventOut]:
    """The append-only audit log: who changed what, when, before and after (secretariat)."""
    found = audit.list_events(
        scope.session,
        scope.cid,
        juror_id=juror_id,
        entry_id=entry_id,
        action=action,
        limit=page.limit,
        offset=page.offset,
    )
    return page.of(AuditEventOut, found)
