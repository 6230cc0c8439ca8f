"""Who is in a stage: the entries admitted to it (A_s), who may read them, and the screening
decisions of a screening stage (docs/api.md, "Stages of judging")."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.enums import ConventionStatus, StageKind, StageState
from app.errors import (
    ConventionState,
    Forbidden,
    NotInStage,
    ValidationFailed,
)
from app.models import (
    Admission,
    Convention,
    Entry,
    ScreeningDecision,
    Stage,
    utcnow,
)
from app.security import Principal
from app.services import audit
from app.services.common import get_in_convention, paginate
from app.services.stages import first_advanced, state_of

# --- admissions ---------------------------------------------------------------------------------


def admitted_ids(session: Session, convention: Convention, stage: Stage) -> list[int]:
    """A_s by entry id, disqualified entries left out: the first stage admits every entry
    until it is fixed (when the secretariat first advances); a later stage what was recorded
    for it."""
    first = convention.stages[0]
    if stage.id == first.id and not first_advanced(convention):
        return list(
            session.scalars(
                select(Entry.id)
                .where(Entry.convention_id == convention.id, Entry.disqualified.is_(False))
                .order_by(Entry.id)
            )
        )
    return list(
        session.scalars(
            select(Admission.entry_id)
            .join(Entry, Entry.id == Admission.entry_id)
            .where(Admission.stage_id == stage.id, Entry.disqualified.is_(False))
            .order_by(Admission.entry_id)
        )
    )


def recorded_admissions(session: Session, convention: Convention) -> dict[int, frozenset[int]]:
    """stage id -> A_s as recorded (the first stage only once fixed)."""
    ids = [s.id for s in convention.stages]
    found: dict[int, set[int]] = {i: set() for i in ids}
    for stage_id, entry_id in session.execute(
        select(Admission.stage_id, Admission.entry_id).where(Admission.stage_id.in_(ids))
    ):
        found[stage_id].add(entry_id)
    return {k: frozenset(v) for k, v in found.items()}


def is_admitted(session: Session, convention: Convention, stage: Stage, entry: Entry) -> bool:
    if entry.disqualified:
        return False
    first = convention.stages[0]
    if stage.id == first.id and not first_advanced(convention):
        return True
    return bool(
        session.scalar(
            select(exists().where(Admission.stage_id == stage.id, Admission.entry_id == entry.id))
        )
    )


def list_admitted(
    session: Session, convention: Convention, stage: Stage, limit: int, offset: int
) -> tuple[list[Entry], int]:
    """The entries admitted to ``stage`` (A_s), a disqualified one never."""
    first = convention.stages[0]
    stmt = select(Entry).where(Entry.convention_id == convention.id, Entry.disqualified.is_(False))
    if stage.id != first.id or first_advanced(convention):
        stmt = stmt.where(
            exists().where(Admission.stage_id == stage.id, Admission.entry_id == Entry.id)
        )
    return paginate(session, stmt.order_by(Entry.id), limit, offset)


def judges(stage: Stage, panel_id: int | None) -> bool:
    """Whether jurors of ``panel_id`` judge ``stage``."""
    if stage.kind != StageKind.SCORED:
        return False
    return stage.all_panels or any(p.panel_id == panel_id for p in stage.panels)


def require_reader(stage: Stage, principal: Principal) -> None:
    """The secretariat, or a juror of a panel that judges the stage (403 otherwise)."""
    if principal.is_juror and not judges(stage, principal.panel_id):
        raise Forbidden(f"Your panel does not judge stage {stage.code}.")


# --- screening decisions --------------------------------------------------------------------


def decide(
    session: Session,
    convention: Convention,
    stage: Stage,
    entry_id: int,
    passed: bool,
    reason: str | None,
    actor: Principal,
) -> ScreeningDecision:
    if stage.kind != StageKind.SCREENING:
        raise ConventionState(f"Stage {stage.code} is not a screening stage.")
    if state_of(convention, stage) is not StageState.CURRENT:
        raise ConventionState(f"Stage {stage.code} is not the current stage.")
    if convention.status != ConventionStatus.JUDGING:
        raise ConventionState(
            f"Decisions are made only while judging; the convention is {convention.status}."
        )
    entry = get_in_convention(session, Entry, convention.id, entry_id, "Entry")
    if not is_admitted(session, convention, stage, entry):
        raise NotInStage(f"Entry {entry_id} is not admitted to stage {stage.code}.")
    if not passed and not (reason or "").strip():
        raise ValidationFailed.field(["body", "reason"], "required when the entry does not pass")
    decision = session.get(ScreeningDecision, (stage.id, entry_id))
    before = None
    if decision is None:
        decision = ScreeningDecision(stage_id=stage.id, entry_id=entry_id, passed=passed)
        session.add(decision)
    else:
        before = {"passed": decision.passed, "reason": decision.reason}
    decision.passed = passed
    decision.reason = reason
    decision.decided_at = utcnow()
    decision.decided_by = actor.id
    session.flush()
    after = {"passed": passed, "reason": reason, "stage_id": stage.id}
    audit.record(
        session,
        actor=actor,
        action="stage.decide",
        target_type="stage",
        target_id=stage.id,
        convention_id=convention.id,
        entry_id=entry_id,
        before=before,
        after=after,
    )
    return decision


def list_decisions(
    session: Session, stage: Stage, limit: int, offset: int
) -> tuple[list[ScreeningDecision], int]:
    stmt = select(ScreeningDecision).where(ScreeningDecision.stage_id == stage.id)
    return paginate(session, stmt.order_by(ScreeningDecision.entry_id), limit, offset)


def decisions_of(session: Session, stage_ids: Sequence[int]) -> dict[int, dict[int, bool]]:
    out: dict[int, dict[int, bool]] = {i: {} for i in stage_ids}
    for stage_id, entry_id, passed in session.execute(
        select(
            ScreeningDecision.stage_id, ScreeningDecision.entry_id, ScreeningDecision.passed
        ).where(ScreeningDecision.stage_id.in_(stage_ids))
    ):
        out[stage_id][entry_id] = bool(passed)
    return out
