"""Logins: finding the account of a username, and throttling failed attempts.

Failures live in the database, not in a worker's memory, so that several workers on several
hosts behind one proxy refuse the same caller at the same moment.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.config import Settings
from app.errors import RateLimited
from app.models import Account, LoginFailure, username_key, utcnow


@dataclass(frozen=True, slots=True)
class LoginCandidate:
    account_id: int | None
    password_hash: str | None
    role: str | None
    active: bool = False


def throttle_keys(username: str, address: str) -> tuple[str, str]:
    # PostgreSQL text cannot hold NUL; a form field may.
    name = username.casefold().replace("\x00", "\ufffd")
    return (f"user:{name}"[:200], f"addr:{address}"[:200])


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    """Failed logins allowed within the window: per username, and per client address (higher:
    a venue's tablets reach the service through one NAT address)."""

    per_username: int
    per_address: int
    window_seconds: int

    @classmethod
    def from_settings(cls, settings: Settings) -> ThrottlePolicy:
        return cls(
            settings.login_max_failures,
            settings.login_max_failures_per_address,
            settings.login_window_seconds,
        )


def check_throttle(session: Session, policy: ThrottlePolicy, keys: tuple[str, str]) -> None:
    """429 with ``Retry-After`` while either key has had too many failures in the window."""
    limits = {keys[0]: policy.per_username, keys[1]: policy.per_address}
    wait = seconds_throttled(session, limits, policy.window_seconds)
    if wait > 0:
        retry = max(1, math.ceil(wait))
        raise RateLimited(
            f"Too many failed logins; try again in {retry} seconds.",
            headers={"Retry-After": str(retry)},
        )


def seconds_throttled(session: Session, limits: dict[str, int], window_seconds: int) -> float:
    """0 when every key is below its limit of failures within the window; otherwise how long
    until all are (a key is throttled until its limit-th most recent failure leaves it)."""
    now = utcnow()
    window = timedelta(seconds=window_seconds)
    counts = dict(
        session.execute(
            select(LoginFailure.key, func.count())
            .where(LoginFailure.key.in_(limits), LoginFailure.at > now - window)
            .group_by(LoginFailure.key)
        ).all()
    )
    wait = 0.0
    for key, limit in limits.items():
        if counts.get(key, 0) < limit:
            continue
        nth = session.scalar(
            select(LoginFailure.at)
            .where(LoginFailure.key == key, LoginFailure.at > now - window)
            .order_by(LoginFailure.at.desc())
            .offset(limit - 1)
            .limit(1)
        )
        if nth is not None:
            wait = max(wait, (nth + window - now).total_seconds(), 1e-6)
    return wait


def find_for_login(session: Session, username: str) -> LoginCandidate:
    if "\x00" in username:  # no username holds one, and PostgreSQL cannot compare it
        return LoginCandidate(None, None, None)
    row = session.execute(
        select(Account.id, Account.password_hash, Account.role, Account.active).where(
            Account.username_key == username_key(username)
        )
    ).one_or_none()
    if row is None:
        return LoginCandidate(None, None, None)
    return LoginCandidate(row.id, row.password_hash, row.role, row.active)


def record_failure(session: Session, keys: tuple[str, ...], window_seconds: int) -> None:
    now = utcnow()
    session.add_all([LoginFailure(key=key, at=now) for key in keys])
    # Old rows are of no use; trimming here keeps the table small without a cron job.
    session.execute(
        delete(LoginFailure).where(LoginFailure.at < now - timedelta(seconds=window_seconds * 10))
    )
    session.flush()


def clear_failures(session: Session, username_key: str) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.key == username_key))


def get_account(session: Session, account_id: int) -> Account | None:
    """The account a login verified, if it is still there and active."""
    account = session.get(Account, account_id)
    return account if account is not None and account.active else None
