"""Logging in (OAuth2 password flow) and who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm
from starlette.concurrency import run_in_threadpool

from app.enums import Role
from app.errors import Unauthenticated
from app.routers.deps import CurrentUser, DatabaseDep, problems
from app.schemas import MeOut, TokenOut
from app.security import issue_token, verify_password
from app.services import accounts

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
    address = request.client.host if request.client else "unknown"
    policy = accounts.ThrottlePolicy.from_settings(settings)
    keys = accounts.throttle_keys(form.username, address)
    with db.lookup() as session:
        accounts.check_throttle(session, policy, keys)
        candidate = accounts.find_for_login(session, form.username)
    # Argon2 takes a tenth of a second: off the event loop, and before any transaction.
    ok = await run_in_threadpool(verify_password, form.password, candidate.password_hash)
    with db.transaction() as session:
        if not ok or candidate.account_id is None:
            accounts.record_failure(session, keys, policy.window_seconds)
        else:
            accounts.clear_failures(session, keys[0])
            account = accounts.get_account(session, candidate.account_id)
    if not ok or candidate.account_id is None or account is None:
        raise Unauthenticated("Wrong username or password.")
    token = issue_token(
        account, secret=request.app.state.secret_key, ttl_seconds=settings.token_ttl_seconds
    )
    return TokenOut(access_token=token, expires_in=settings.token_ttl_seconds, role=account.role)


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
