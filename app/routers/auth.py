"""Logging in (OAuth2 password flow) and out, who am I, and one's own password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm
from starlette.concurrency import run_in_threadpool

from app import seclog
from app.db import Database
from app.enums import Role
from app.errors import Unauthenticated
from app.routers.deps import CurrentUser, DatabaseDep, SessionDep, problems
from app.schemas import MeOut, TokenOut
from app.schemas.accounts import PasswordChange
from app.security import hash_password, issue_token, verify_password
from app.services import accounts, logins

router = APIRouter(tags=["auth"])


@router.post(
    "/auth/token",
    responses=problems(
        401,
        413,
        422,
        429,
        503,
        s401="`unauthenticated`: wrong username or password (the same answer for both)",
        s429="`rate-limited`: too many failed attempts; see `Retry-After`",
    ),
)
async def create_token(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    db: DatabaseDep,
) -> TokenOut:
    """Log in with form fields `username` and `password`; answers a bearer token.

    A wrong username and a wrong password get the same 401. After 10 failures in a minute
    for one username (or 100 from one address: a venue's tablets share one), further attempts
    get 429 with `Retry-After`.
    """
    settings = request.app.state.settings
    candidate = await _check_password(request, db, form.username, form.password)
    with db.lookup() as session:
        account = logins.get_account(session, candidate)
        if account is None:  # deleted or deactivated in the meantime
            raise Unauthenticated("Wrong username or password.")
        token = issue_token(
            account, secret=request.app.state.secret_key, ttl_seconds=settings.token_ttl_seconds
        )
        role = account.role
    return TokenOut(access_token=token, expires_in=settings.token_ttl_seconds, role=role)


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def _check_password(request: Request, db: Database, username: str, password: str) -> int:
    """The id of the active account whose ``username`` (ignoring case) has ``password``: a
    login, throttled per username and address; else 401 (or 429)."""
    address = _address(request)
    policy = logins.ThrottlePolicy.from_settings(request.app.state.settings)
    keys = logins.throttle_keys(username, address)
    with db.lookup() as session:
        logins.check_throttle(session, policy, keys)
        candidate = logins.find_for_login(session, username)
    # Argon2 takes a tenth of a second: off the event loop, and before any transaction.
    ok = await run_in_threadpool(verify_password, password, candidate.password_hash)
    # An inactive account answers as a wrong password does (its hash was verified all the same).
    ok = ok and candidate.active and candidate.account_id is not None
    with db.transaction() as session:
        if not ok:
            logins.record_failure(session, keys, policy.window_seconds)
        else:
            logins.clear_failures(session, keys[0])
    if not ok or candidate.account_id is None:
        seclog.event("login.failed", username=username, address=address)
        raise Unauthenticated("Wrong username or password.")
    return candidate.account_id


@router.get("/me", responses=problems(401, 503))
async def read_me(principal: CurrentUser) -> MeOut:
    """The caller's account. A juror also sees the convention it judges and its panel, a
    `secretariat` the conventions it manages."""
    return MeOut(
        id=principal.id,
        username=principal.username,
        full_name=principal.full_name,
        role=principal.role,
        convention_id=principal.convention_id,
        panel_id=principal.panel_id,
        convention_ids=(
            sorted(principal.convention_ids) if principal.role == Role.SECRETARIAT else None
        ),
    )


@router.post("/auth/logout", status_code=204, responses=problems(401, 503))
async def log_out(request: Request, principal: CurrentUser, session: SessionDep) -> None:
    """End every token of the caller's account, on every device (log in again to go on)."""
    accounts.end_tokens(session, principal)
    seclog.event(
        "logout", account_id=principal.id, username=principal.username, address=_address(request)
    )


@router.post(
    "/me/password",
    status_code=204,
    responses=problems(
        401,
        413,
        422,
        429,
        503,
        s401="`unauthenticated`: the token, or `current_password`, is wrong",
        s429="`rate-limited`: too many wrong passwords (as at login); see `Retry-After`",
    ),
)
async def change_my_password(
    request: Request,
    data: PasswordChange,
    principal: CurrentUser,
    db: DatabaseDep,
    session: SessionDep,
) -> None:
    """Change the caller's own password: `current_password`, and a `new_password` of at least
    10 characters, not only whitespace. Every token of the account ends, this one too: log in
    again. A wrong `current_password` is 401 and counts as a failed login."""
    await _check_password(request, db, principal.username, data.current_password)
    password_hash = await run_in_threadpool(hash_password, data.new_password)
    accounts.change_own_password(session, principal, password_hash)
