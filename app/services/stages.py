"""Stages of judging: the rounds a convention judges in (docs/api.md, "Stages of judging").

A stage's state is derived: ``done`` once advanced, ``current`` the first stage by position not
done, ``pending`` after it. A pending stage may be configured in any convention status, the
current one only while the convention is a draft, a done one never. Advancing freezes the
stage's ranking, admits the selected entries to the next stage and makes it current, in one
transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, exists, func, insert, select
from sqlalchemy.orm import Session

from app.enums import AdvanceRule, ConventionStatus, Role, StageKind, StageState
from app.errors import (
    ConventionState,
    Duplicate,
    Forbidden,
    InUse,
    NotFound,
    NotInStage,
    ValidationFailed,
)
from app.models import (
    Account,
    Admission,
    Convention,
    Criterion,
    Entry,
    Panel,
    ScreeningDecision,
    Sheet,
    Stage,
    StagePanel,
    StageResult,
    utcnow,
)
from app.models.stages import stage_state
from app.security import Principal
from app.services import audit
from app.services.common import paginate, valid_id

DEFAULT_CODE = "UTAMA"
DEFAULT_NAME = "Penilaian"


def default_stage(convention_id: int) -> Stage:
    """The stage every new convention gets: one scored round that admits every entry."""
    return Stage(
        convention_id=convention_id,
        code=DEFAULT_CODE,
        name=DEFAULT_NAME,
        kind=StageKind.SCORED,
        weight=1.0,
        position=1,
        all_panels=True,
        advance_rule=AdvanceRule.ALL,
    )


def advance_dict(stage: Stage) -> dict[str, Any] | None:
    if stage.advance_rule is None:
        return None
    out: dict[str, Any] = {"rule": stage.advance_rule}
    if stage.advance_rule in (AdvanceRule.TOP, AdvanceRule.TOP_PER_CATEGORY):
        out["count"] = stage.advance_count
    if stage.advance_rule == AdvanceRule.MIN_SCORE:
        out["min_score"] = stage.advance_min_score
    return out


def stage_dict(stage: Stage, convention: Convention) -> dict[str, Any]:
    return {
        "id": stage.id,
        "convention_id": stage.convention_id,
        **_snapshot(stage),
        "state": stage_state(stage, convention.current_stage),
        "advanced_at": stage.advanced_at,
        "created_at": stage.created_at,
        "updated_at": stage.updated_at,
    }


def _snapshot(stage: Stage) -> dict[str, Any]:
    """What the audit log records of a stage: its configuration."""
    return {
        "code": stage.code,
        "name": stage.name,
        "kind": stage.kind,
        "weight": stage.weight,
        "position": stage.position,
        "panel_ids": stage.panel_ids,
        "advance": advance_dict(stage),
    }


def get(session: Session, convention: Convention, stage_id: int) -> Stage:
    stage = session.get(Stage, stage_id) if valid_id(stage_id) else None
    if stage is None or stage.convention_id != convention.id:
        raise NotFound(f"Stage {stage_id} not found in convention {convention.id}.")
    return stage


def find(convention: Convention, stage_id: int | None, loc: Sequence[str | int]) -> Stage:
    """A stage named in a query or body (422 naming the field when it is not one of the
    convention's), or the current stage when none is named."""
    if stage_id is None:
        current = convention.current_stage
        if current is None:  # pragma: no cover - every convention has a stage
            raise ConventionState("The convention has no stage.")
        return current
    for stage in convention.stages:
        if stage.id == stage_id:
            return stage
    raise ValidationFailed.field(list(loc), f"no such stage in this convention: {stage_id}")


def state_of(convention: Convention, stage: Stage) -> StageState:
    return stage_state(stage, convention.current_stage)


def first_advanced(convention: Convention) -> bool:
    """Whether the secretariat has advanced a stage (the first stage's entries are fixed)."""
    return any(s.advanced_at is not None for s in convention.stages)


def require_configurable(convention: Convention, stage: Stage, doing: str) -> None:
    """A pending stage: any status; the current one: only in draft; a done one: never."""
    state = state_of(convention, stage)
    if state is StageState.DONE:
        raise ConventionState(f"Stage {stage.code} is done; cannot {doing}.")
    if state is StageState.CURRENT and convention.status != ConventionStatus.DRAFT:
        raise ConventionState(
            f"Stage {stage.code} is the current stage and the convention is "
            f"{convention.status}; cannot {doing} (only while the convention is draft)."
        )


def list_stages(convention: Convention) -> list[Stage]:
    return list(convention.stages)


# --- create, change, delete ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StageSpec:
    """A stage's fields after validation (what the create and update bodies carry)."""

    code: str
    name: str
    kind: StageKind
    weight: float
    panel_ids: list[int] | None
    rule: AdvanceRule | None
    count: int | None
    min_score: float | None


def _check_spec(session: Session, convention: Convention, spec: StageSpec) -> None:
    """The rules between fields, each a 422 naming its field."""
    if spec.kind is StageKind.SCREENING:
        if spec.weight != 0:
            raise ValidationFailed.field(["body", "weight"], "must be 0 for a screening stage")
        if spec.panel_ids:
            raise ValidationFailed.field(
                ["body", "panel_ids"], "must be null or empty for a screening stage"
            )
        if spec.rule is not None:
            raise ValidationFailed.field(
                ["body", "advance"],
                "a screening stage takes no rule: it advances the entries that passed",
            )
        return
    if spec.rule in (AdvanceRule.TOP, AdvanceRule.TOP_PER_CATEGORY) and spec.count is None:
        raise ValidationFailed.field(["body", "advance", "count"], f"required for {spec.rule}")
    if spec.rule is AdvanceRule.MIN_SCORE and spec.min_score is None:
        raise ValidationFailed.field(["body", "advance", "min_score"], "required for min_score")
    if spec.panel_ids is not None:
        if not spec.panel_ids:
            raise ValidationFailed.field(
                ["body", "panel_ids"],
                "a scored stage needs at least one panel (or null for every panel)",
            )
        known = set(
            session.scalars(
                select(Panel.id).where(
                    Panel.convention_id == convention.id, Panel.id.in_(spec.panel_ids)
                )
            )
        )
        for index, panel_id in enumerate(spec.panel_ids):
            if panel_id not in known:
                raise ValidationFailed.field(
                    ["body", "panel_ids", index], f"no such panel in this convention: {panel_id}"
                )


def _apply(stage: Stage, spec: StageSpec) -> None:
    stage.code = spec.code
    stage.name = spec.name
    stage.kind = spec.kind
    stage.weight = spec.weight
    stage.advance_rule = spec.rule if spec.kind is StageKind.SCORED else None
    if stage.advance_rule is None and spec.kind is StageKind.SCORED:
        stage.advance_rule = AdvanceRule.ALL
    stage.advance_count = (
        spec.count if spec.rule in (AdvanceRule.TOP, AdvanceRule.TOP_PER_CATEGORY) else None
    )
    stage.advance_min_score = spec.min_score if spec.rule is AdvanceRule.MIN_SCORE else None
    stage.all_panels = spec.panel_ids is None or spec.kind is StageKind.SCREENING
    wanted = [] if stage.all_panels else sorted(set(spec.panel_ids or []))
    if [p.panel_id for p in stage.panels] != wanted:
        stage.panels.clear()
        stage.panels.extend(StagePanel(panel_id=p) for p in wanted)


def _check_code(session: Session, convention: Convention, code: str, stage_id: int | None) -> None:
    stmt = select(Stage.id).where(Stage.convention_id == convention.id, Stage.code == code)
    if stage_id is not None:
        stmt = stmt.where(Stage.id != stage_id)
    if session.scalar(stmt) is not None:
        raise Duplicate(f"A stage with code {code!r} already exists.")


def _place(
    session: Session, convention: Convention, stage: Stage, position: int | None, is_new: bool
) -> None:
    """Put ``stage`` at ``position`` (1-based; None: last), shifting the others. Never before a
    done stage (422); before the current one only while the convention is a draft, since the
    new first stage would become current."""
    others = [s for s in convention.stages if s.id != stage.id]
    last = len(others) + 1
    wanted = last if position is None else position
    if wanted > last:
        raise ValidationFailed.field(["body", "position"], f"must be between 1 and {last}")
    done = sum(1 for s in others if s.advanced_at is not None)
    if wanted <= done:
        raise ValidationFailed.field(
            ["body", "position"], f"must be after the done stages (at least {done + 1})"
        )
    current = convention.current_stage
    if (
        current is not None
        and current.id != stage.id
        and convention.status != ConventionStatus.DRAFT
        and wanted <= others.index(current) + 1
    ):
        raise ConventionState(
            "A stage can be placed before the current stage only while the convention is draft."
        )
    if not is_new and stage.id == (current.id if current else None) and wanted != stage.position:
        # Moving the current stage changes which stage is current: a configuration of it.
        require_configurable(convention, stage, "move it")
    others.insert(wanted - 1, stage)
    for index, s in enumerate(others, start=1):
        s.position = index
    session.flush()


def create(
    session: Session,
    convention: Convention,
    spec: StageSpec,
    position: int | None,
    actor: Principal,
) -> Stage:
    _check_spec(session, convention, spec)
    _check_code(session, convention, spec.code, None)
    stage = Stage(convention_id=convention.id, position=len(convention.stages) + 1)
    _apply(stage, spec)
    session.add(stage)
    session.flush()
    session.refresh(convention, ["stages"])
    _place(session, convention, stage, position, is_new=True)
    session.refresh(convention, ["stages"])
    audit.record(
        session,
        actor=actor,
        action="stage.create",
        target_type="stage",
        target_id=stage.id,
        convention_id=convention.id,
        after=_snapshot(stage),
    )
    return stage


def current_spec(stage: Stage) -> StageSpec:
    return StageSpec(
        stage.code,
        stage.name,
        StageKind(stage.kind),
        stage.weight,
        stage.panel_ids,
        AdvanceRule(stage.advance_rule) if stage.advance_rule else None,
        stage.advance_count,
        stage.advance_min_score,
    )


def update(
    session: Session,
    convention: Convention,
    stage: Stage,
    spec: StageSpec,
    position: int | None,
    actor: Principal,
) -> Stage:
    require_configurable(convention, stage, "change it")
    if spec.kind is StageKind.SCREENING and stage.kind != StageKind.SCREENING:
        has_criteria = session.scalar(select(exists().where(Criterion.stage_id == stage.id)))
        if has_criteria:
            raise ValidationFailed.field(
                ["body", "kind"], "the stage has criteria; a screening stage has none"
            )
    _check_spec(session, convention, spec)
    _check_code(session, convention, spec.code, stage.id)
    before = _snapshot(stage)
    _apply(stage, spec)
    session.flush()
    if position is not None and position != stage.position:
        _place(session, convention, stage, position, is_new=False)
    session.refresh(convention, ["stages"])
    after = _snapshot(stage)
    if after != before:
        stage.updated_at = utcnow()
        audit.record(
            session,
            actor=actor,
            action="stage.update",
            target_type="stage",
            target_id=stage.id,
            convention_id=convention.id,
            before=before,
            after=after,
        )
    return stage


def delete_stage(session: Session, convention: Convention, stage: Stage, actor: Principal) -> None:
    if len(convention.stages) <= 1:
        raise InUse("A convention has at least one stage; this is its last.")
    for model, what in ((Criterion, "criteria"), (Sheet, "score sheets")):
        if session.scalar(select(exists().where(model.stage_id == stage.id))):
            raise InUse(f"Stage {stage.code} still has {what}.")
    require_configurable(convention, stage, "delete it")
    audit.record(
        session,
        actor=actor,
        action="stage.delete",
        target_type="stage",
        target_id=stage.id,
        convention_id=convention.id,
        before=_snapshot(stage),
    )
    session.execute(delete(ScreeningDecision).where(ScreeningDecision.stage_id == stage.id))
    session.execute(delete(Admission).where(Admission.stage_id == stage.id))
    session.delete(stage)
    session.flush()
    session.refresh(convention, ["stages"])
    for index, s in enumerate(convention.stages, start=1):
        s.position = index
    session.flush()


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
    if not principal.is_admin and not judges(stage, principal.panel_id):
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
    entry = session.get(Entry, entry_id) if valid_id(entry_id) else None
    if entry is None or entry.convention_id != convention.id:
        raise NotFound(f"Entry {entry_id} not found in convention {convention.id}.")
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


# --- advancing ----------------------------------------------------------------------------------


def next_stage(convention: Convention, stage: Stage) -> Stage | None:
    stages = convention.stages
    index = next(i for i, s in enumerate(stages) if s.id == stage.id)
    return stages[index + 1] if index + 1 < len(stages) else None


def record_advance(
    session: Session,
    convention: Convention,
    stage: Stage,
    nxt: Stage,
    admitted: Sequence[int],
    frozen: dict[str, Any],
    actor: Principal,
) -> None:
    """Freeze the stage, admit ``admitted`` to ``nxt`` and make it current; the first stage's
    own entries are fixed at the first advance. Judging reopens for the next stage."""
    now = utcnow()
    if not first_advanced(convention):
        first = convention.stages[0]
        everyone = list(
            session.scalars(
                select(Entry.id).where(
                    Entry.convention_id == convention.id, Entry.disqualified.is_(False)
                )
            )
        )
        if everyone:
            session.execute(
                insert(Admission), [{"stage_id": first.id, "entry_id": e} for e in everyone]
            )
    if admitted:
        session.execute(insert(Admission), [{"stage_id": nxt.id, "entry_id": e} for e in admitted])
    session.add(StageResult(stage_id=stage.id, created_by=actor.id, created_at=now, **frozen))
    stage.advanced_at = now
    before_status = convention.status
    convention.status = ConventionStatus.JUDGING
    convention.updated_at = now
    session.flush()
    session.refresh(convention, ["stages"])
    audit.record(
        session,
        actor=actor,
        action="stage.advance",
        target_type="stage",
        target_id=stage.id,
        convention_id=convention.id,
        before={"status": before_status, "current_stage_id": stage.id},
        after={
            "status": ConventionStatus.JUDGING,
            "current_stage_id": nxt.id,
            "method": frozen["method"],
            "admitted": len(admitted),
            "added_entry_ids": frozen["added_entry_ids"],
            "removed_entry_ids": frozen["removed_entry_ids"],
            "reason": frozen["reason"],
        },
    )


def require_advanceable(convention: Convention, stage: Stage) -> Stage:
    """The next stage, when ``stage`` may be advanced now (409 otherwise)."""
    if stage.advanced_at is not None:
        raise Duplicate(f"Stage {stage.code} has already been advanced.")
    if state_of(convention, stage) is not StageState.CURRENT:
        raise ConventionState(f"Stage {stage.code} is not the current stage.")
    nxt = next_stage(convention, stage)
    if nxt is None:
        raise ConventionState(
            f"Stage {stage.code} is the last stage: there is nothing to advance to; publish "
            "the results instead."
        )
    if convention.status != ConventionStatus.CLOSED:
        raise ConventionState(
            f"A stage is advanced only when the convention is closed; it is {convention.status}."
        )
    return nxt


def undecided(session: Session, convention: Convention, stage: Stage) -> list[int]:
    decided = set(
        session.scalars(
            select(ScreeningDecision.entry_id).where(ScreeningDecision.stage_id == stage.id)
        )
    )
    return [e for e in admitted_ids(session, convention, stage) if e not in decided]


def stage_result(session: Session, stage: Stage) -> StageResult:
    result = session.scalar(select(StageResult).where(StageResult.stage_id == stage.id))
    if result is None:
        raise NotFound(f"Stage {stage.code} has not been advanced: it has no frozen results.")
    return result


def jurors_of(session: Session, convention: Convention, stage: Stage) -> list[int]:
    stmt = select(Account.id).where(
        Account.convention_id == convention.id, Account.role == Role.JUROR
    )
    if not stage.all_panels:
        stmt = stmt.where(Account.panel_id.in_([p.panel_id for p in stage.panels]))
    return list(session.scalars(stmt.order_by(Account.id)))


def count_sheets(session: Session, stage: Stage) -> int:
    return session.scalar(select(func.count()).where(Sheet.stage_id == stage.id)) or 0
