"""Password hashing, access tokens, and who is calling."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import anyio.to_thread
import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import Connection, Table, bindparam, select

from app.db import Database
from app.enums import Role
from app.errors import NotFound, Unauthenticated, Unavailable
from app.models import Account, AccountConvention
from app.services.common import valid_id

ALGORITHM = "HS256"
_password_hash = PasswordHash((Argon2Hasher(),))
# Verified against when the username is unknown, so that a wrong username costs the same
# time as a wrong password and reveals nothing.
_DUMMY_HASH = _password_hash.hash("konvensi-dummy-password")


def set_password_hasher(hasher: PasswordHash) -> None:
    """Swap the hasher (tests use a cheap Argon2 setting)."""
    global _password_hash, _DUMMY_HASH
    _password_hash = hasher
    _DUMMY_HASH = hasher.hash("konvensi-dummy-password")


def hash_password(password: str) -> str:
    return _password_hash.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    if password_hash is None:
        _password_hash.verify(password, _DUMMY_HASH)
        return False
    try:
        return _password_hash.verify(password, password_hash)
    except Exception:
        return False


def new_credential_stamp() -> str:
    return secrets.token_hex(8)


T = TypeVar("T")
# Seconds a refused login is told to wait (a burst drains in a few).
BUSY_RETRY_AFTER = 2


class PasswordGate:
    """At most ``concurrency`` password hashes or verifications at once in this worker.

    Argon2 holds 64 MiB for each: thirty logins at once took a worker from 0.2 to 2 GB. Beyond
    the limit a call waits its turn, up to ``wait_seconds``, with at most ``queue`` callers
    waiting; past either it is refused with 503 ``unavailable`` and ``Retry-After``.
    """

    def __init__(self, concurrency: int, queue: int, wait_seconds: float) -> None:
        self.concurrency = concurrency
        self.queue = queue
        self.wait_seconds = wait_seconds
        self.waiting = 0
        self._semaphore: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _slots(self) -> asyncio.Semaphore:
        # One semaphore per event loop: a test client runs each of its sessions on its own.
        loop = asyncio.get_running_loop()
        if self._semaphore is None or self._loop is not loop:
            self._semaphore, self._loop = asyncio.Semaphore(self.concurrency), loop
        return self._semaphore

    def _busy(self) -> Unavailable:
        return Unavailable(
            "Too many logins at once on this server; retry in a moment.",
            headers={"Retry-After": str(BUSY_RETRY_AFTER)},
        )

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the slots (waiting for it, or 503)."""
        slots = self._slots()
        if slots.locked():
            if self.waiting >= self.queue:
                raise self._busy()
            self.waiting += 1
            try:
                async with asyncio.timeout(self.wait_seconds):
                    await slots.acquire()
            except TimeoutError:
                raise self._busy() from None
            finally:
                self.waiting -= 1
        else:
            await slots.acquire()
        try:
            yield
        finally:
            slots.release()

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in a worker thread, in a slot."""
        async with self.slot():
            return await anyio.to_thread.run_sync(fn, *args)


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller, as a plain value (no ORM object outlives the lookup)."""

    id: int
    username: str
    full_name: str
    role: str
    convention_id: int | None
    panel_id: int | None
    # The conventions a secretariat manages; empty for the other roles.
    convention_ids: frozenset[int] = frozenset()

    @property
    def is_admin(self) -> bool:
        """An admin: every convention, conventions and accounts themselves."""
        return self.role == Role.ADMIN

    @property
    def is_juror(self) -> bool:
        return self.role == Role.JUROR

    def manages(self, convention_id: int) -> bool:
        """The admin's rights on this convention: an admin, or its secretariat."""
        return self.is_admin or (
            self.role == Role.SECRETARIAT and convention_id in self.convention_ids
        )

    def sees(self, convention_id: int) -> bool:
        """Whether the convention exists for this caller (else it is 404 to it)."""
        return self.manages(convention_id) or (
            self.is_juror and self.convention_id == convention_id
        )


def issue_token(account: Account, *, secret: str, ttl_seconds: int) -> str:
    now = int(time.time())
    claims = {
        "sub": str(account.id),
        "role": account.role,
        "stamp": account.credential_stamp,
        "iat": now,
        "exp": now + ttl_seconds,
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


# Tokens already verified, by (token, secret): a pure function of both, so every worker
# answers alike; expiry is still checked on every use, and the account on every request.
_verified: dict[tuple[str, str], dict[str, Any]] = {}
_VERIFIED_MAX = 4096


def decode_token(token: str, *, secret: str) -> dict[str, Any]:
    claims = _verified.get((token, secret))
    if claims is not None:
        if claims["exp"] <= time.time():
            raise Unauthenticated("The access token has expired; log in again.")
        return claims
    claims = _decode(token, secret)
    if len(_verified) >= _VERIFIED_MAX:
        _verified.clear()
    _verified[(token, secret)] = claims
    return claims


def _decode(token: str, secret: str) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            options={"require": ["sub", "exp", "iat", "stamp"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthenticated("The access token has expired; log in again.") from exc
    except jwt.PyJWTError as exc:
        raise Unauthenticated("The access token is not valid.") from exc
    return claims


_account = cast(Table, Account.__table__)
_scope = cast(Table, AccountConvention.__table__)
# Every authenticated request runs this: built once, Core, on a bare connection.
_PRINCIPAL = select(
    _account.c.id,
    _account.c.username,
    _account.c.full_name,
    _account.c.role,
    _account.c.convention_id,
    _account.c.panel_id,
    _account.c.credential_stamp,
    _account.c.active,
).where(_account.c.id == bindparam("account_id"))
# A secretariat's conventions: a second read, for that role only.
_SCOPE = select(_scope.c.convention_id).where(_scope.c.account_id == bindparam("account_id"))


def authenticate(db: Database, token: str | None, secret: str) -> Principal:
    """The caller of a bearer token: 401 unless it is valid and its account unchanged."""
    claims = verify_token(token, secret)
    with db.read() as conn:
        return principal_for(conn, claims)


def verify_token(token: str | None, secret: str) -> dict[str, Any]:
    """The claims of a well-signed, unexpired token naming a possible account id; else 401."""
    if not token:
        raise Unauthenticated()
    claims = decode_token(token, secret=secret)
    try:
        account_id = int(claims["sub"])
    except (TypeError, ValueError) as exc:
        raise Unauthenticated("The access token is not valid.") from exc
    if not valid_id(account_id):
        raise Unauthenticated("The access token is not valid.")
    return claims


def principal_for(conn: Connection, claims: dict[str, Any]) -> Principal:
    """The account a verified token names, read on ``conn``; 401 when it is gone."""
    row = conn.execute(_PRINCIPAL, {"account_id": int(claims["sub"])}).one_or_none()
    # A deleted or deactivated account, a changed password or a logout ends every token
    # issued before.
    if row is None or row.credential_stamp != claims["stamp"] or not row.active:
        raise Unauthenticated("The access token is no longer valid; log in again.")
    scope: frozenset[int] = frozenset()
    if row.role == Role.SECRETARIAT:
        scope = frozenset(conn.scalars(_SCOPE, {"account_id": row.id}))
    return Principal(
        row.id, row.username, row.full_name, row.role, row.convention_id, row.panel_id, scope
    )


def ensure_can_see_convention(principal: Principal, convention_id: int) -> None:
    """A juror sees only the convention it judges, a secretariat only those it manages; any
    other is 404 to them, as if it did not exist."""
    if not principal.sees(convention_id):
        raise NotFound(f"Convention {convention_id} not found.")
