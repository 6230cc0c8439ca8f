"""Logins: finding the account of a username, and throttling failed attempts.

The policy (docs/hosting.md, "The login throttle"): failures are counted per username *from one
address* (10 a minute) and per address (100 a minute, for a venue's tablets behind one NAT).
A correct password from an address that has not itself failed too often logs in, whatever
others typed for that username elsewhere: nobody can lock a juror out from afar.

An attempt is counted *before* its password is verified, in one short transaction that checks
the counts and records the attempt as a failure atomically (SQLite: the write lock taken by
``BEGIN IMMEDIATE``; PostgreSQL: a transaction-scoped advisory lock per key). Thirty
concurrent wrong passwords therefore get at most the limit's worth of 401s, the rest 429,
however many workers or hosts answer them. A correct password then removes its own record and
the failures of its (username, address); a wrong one leaves it.

The route (app.routers.auth) first reads the counts, so that callers already refused never
queue for one of the worker's password slots (app.security.PasswordGate), and claims the
attempt inside its slot: attempts in flight are as few as the slots, so a venue's tablets
logging in at once wait their turn instead of counting against their shared address.

Failures live in the database, not in a worker's memory, so that every worker of every host
behind one proxy refuses the same caller at the same moment.
"""

from __future__ import annotations

import hashlib
import logging
import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from app import seclog
from app.config import Settings
from app.errors import RateLimited
from app.models import Account, LoginFailure, username_key, utcnow


@dataclass(frozen=True, slots=True)
class LoginCandidate:
    account_id: int | None
    password_hash: str | None
    role: str | None
    active: bool = False


@dataclass(frozen=True, slots=True)
class ThrottleKeys:
    """The counters one attempt adds to: its (username, address) pair, and its address."""

    username: str
    address: str
    pair: str
    per_address: str

    @property
    def both(self) -> tuple[str, str]:
        return (self.pair, self.per_address)


def throttle_keys(username: str, address: str) -> ThrottleKeys:
    # PostgreSQL text cannot hold NUL; a form field may.
    name = username_key(username).replace("\x00", "\ufffd")
    return ThrottleKeys(username, address, f"pair:{address}|{name}"[:200], f"addr:{address}"[:200])


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    """Failed logins allowed within the window: per username from one address, and per
    client address (higher: a venue's tablets reach the service through one NAT address)."""

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


def _lock(session: Session, keys: ThrottleKeys) -> None:
    """Serialise attempts on the same keys until the transaction ends (PostgreSQL; SQLite's
    ``BEGIN IMMEDIATE`` already serialises every writer)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted(keys.both):  # one order everywhere: no deadlock between two attempts
        lock_id = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big")
        session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": lock_id - (1 << 63)})


def check_throttle(session: Session, policy: ThrottlePolicy, keys: ThrottleKeys) -> None:
    """429 with ``Retry-After`` while a key of the attempt is at its limit (a read: the
    atomic count is ``claim_attempt``'s)."""
    limits = {keys.pair: policy.per_username, keys.per_address: policy.per_address}
    wait = seconds_throttled(session, limits, policy.window_seconds)
    if wait > 0:
        retry = max(1, math.ceil(wait))
        seclog.event(
            "login.throttled",
            level=logging.WARNING,
            username=keys.username,
            address=keys.address,
            retry_after=retry,
        )
        raise RateLimited(
            f"Too many failed logins; try again in {retry} seconds.",
            headers={"Retry-After": str(retry)},
        )


def claim_attempt(session: Session, policy: ThrottlePolicy, keys: ThrottleKeys) -> list[int]:
    """Count an attempt before its password is verified: 429 with ``Retry-After`` when a key
    is at its limit, else the attempt is recorded as a failure now, atomically; the rows' ids
    are returned (``settle_success`` removes them). Call in a write transaction."""
    _lock(session, keys)
    check_throttle(session, policy, keys)
    now = utcnow()
    rows = [LoginFailure(key=key, at=now) for key in keys.both]
    session.add_all(rows)
    # Old rows are of no use; trimming here keeps the table small without a cron job.
    session.execute(
        delete(LoginFailure).where(
            LoginFailure.at < now - timedelta(seconds=policy.window_seconds * 10)
        )
    )
    session.flush()
    return [row.id for row in rows]


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


def settle_success(session: Session, keys: ThrottleKeys, claimed: list[int]) -> None:
    """A correct password: its own record goes, and the failures of its (username, address)
    (not its address's: another username's failures from there still count)."""
    session.execute(
        delete(LoginFailure).where((LoginFailure.key == keys.pair) | LoginFailure.id.in_(claimed))
    )


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


def get_account(session: Session, account_id: int) -> Account | None:
    """The account a login verified, if it is still there and active."""
    account = session.get(Account, account_id)
    return account if account is not None and account.active else None
