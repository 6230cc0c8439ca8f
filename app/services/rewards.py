"""Rewards: uang pembinaan (cash, in whole rupiah), plaques, trophies, tied to an award."""

from __future__ import annotations

from collections import defaultdict
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import RewardKind, RewardStatus
from app.errors import ConventionState, ValidationFailed
from app.models import Award, Convention, Reward, utcnow
from app.schemas import RewardCreate, RewardUpdate
from app.security import Principal
from app.services import audit
from app.services.common import get_in_convention, list_in_convention, ref_in_convention

FIELDS = (
    "award_id",
    "recipient_type",
    "recipient_name",
    "kind",
    "amount_idr",
    "description",
    "status",
    "delivered_at",
    "delivered_by",
)
TARGET = audit.Target("reward", partial(audit.snapshot, fields=FIELDS))


def create(
    session: Session, principal: Principal, convention: Convention, data: RewardCreate
) -> Reward:
    ref_in_convention(session, Award, convention.id, data.award_id, "award_id")
    if data.kind == RewardKind.CASH and data.amount_idr is None:
        raise ValidationFailed.field(["body", "amount_idr"], "required for a cash reward")
    reward = Reward(convention_id=convention.id, **data.model_dump())
    TARGET.add(session, principal, [reward])
    return reward


def get(session: Session, convention_id: int, reward_id: int) -> Reward:
    return get_in_convention(session, Reward, convention_id, reward_id, "Reward")


def list_rewards(
    session: Session,
    convention_id: int,
    *,
    status: str | None,
    kind: str | None,
    award_id: int | None,
    limit: int,
    offset: int,
) -> tuple[list[Reward], int]:
    return list_in_convention(
        session, Reward, convention_id, limit, offset, status=status, kind=kind, award_id=award_id
    )


def update(session: Session, principal: Principal, reward: Reward, data: RewardUpdate) -> Reward:
    changes = data.changes()
    before = TARGET.snapshot(reward)
    new_status = changes.pop("status", None)
    if changes and reward.status == RewardStatus.DELIVERED and new_status != RewardStatus.PLANNED:
        raise ConventionState(
            "A delivered reward is on record; set it back to planned to correct it."
        )
    amount = changes.get("amount_idr", reward.amount_idr)
    if reward.kind == RewardKind.CASH and amount is None:
        raise ValidationFailed.field(["body", "amount_idr"], "required for a cash reward")
    for name, value in changes.items():
        setattr(reward, name, value)
    if new_status is not None and new_status != reward.status:
        reward.status = new_status
        if new_status == RewardStatus.DELIVERED:
            reward.delivered_at = utcnow()
            reward.delivered_by = principal.id
        else:
            reward.delivered_at = None
            reward.delivered_by = None
    session.flush()
    after = TARGET.snapshot(reward)
    if after != before:
        action = (
            "reward.deliver"
            if new_status == RewardStatus.DELIVERED and before["status"] == RewardStatus.PLANNED
            else "reward.update"
        )
        TARGET.record(session, principal, action, reward, before=before, after=after)
    return reward


def delete(session: Session, principal: Principal, reward: Reward) -> None:
    if reward.status == RewardStatus.DELIVERED:
        raise ConventionState("A delivered reward stays on record; set it back to planned first.")
    TARGET.delete(session, principal, reward)


def totals(session: Session, convention_id: int) -> dict[str, Any]:
    """Count and rupiah per kind and per status, for the finance office."""
    by_kind: dict[str, dict[str, int]] = defaultdict(lambda: {"count": 0, "amount_idr": 0})
    by_status: dict[str, dict[str, int]] = defaultdict(lambda: {"count": 0, "amount_idr": 0})
    count = amount = 0
    for kind, status, value in session.execute(
        select(Reward.kind, Reward.status, Reward.amount_idr).where(
            Reward.convention_id == convention_id
        )
    ):
        value = value or 0
        count += 1
        amount += value
        for bucket in (by_kind[kind], by_status[status]):
            bucket["count"] += 1
            bucket["amount_idr"] += value
    return {
        "convention_id": convention_id,
        "count": count,
        "amount_idr": amount,
        "by_kind": dict(by_kind),
        "by_status": dict(by_status),
    }
