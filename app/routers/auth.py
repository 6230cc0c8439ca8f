"""Logging in (OAuth2 password flow) and out, who am I, and one's own password."""

from __future__ import annotations

import logging
from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from app import seclog
from app.db import Database
from app.enums import Role
from app.errors import Unauthenticated, Unavailable
from app.routers.deps import (
    CurrentUser,
    DatabaseDep,
    PasswordGateDep,
    SessionDep,
    client_address,
    hashed,
    problems,
)
from app.schemas import MeOut, TokenOut
from app.schemas.accounts import PasswordChange
from app.security import PasswordGate, issue_token, verify_password
from app.services import accounts, logins

router = APIRouter(tags=["auth"])

# What a route that checks a password may answer (a login's throttle applies to it).
_PASSWORD_PROBLEMS = (401, 413, 422, 429, 503)


@router.post(
    "/auth/token",
    responses=problems(
        *_PASSWORD_PROBLEMS,
        s401="`unauthenticated`: wrong username or password (the same answer for both)",
        s429="`rate-limited`: too many failed attempts; see `Retry-After`",
        s503="`unavailable`: too many logins at once on this server; see `Retry-After`",
    ),
)
async def create_token(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    db: DatabaseDep,
) -> TokenOut:
    """Log in with form fields `username` (any case) and `password`; answers a bearer token.

    A wrong username, a wrong password and an inactive account get the same 401. Failures are
    counted per username from one address (10 a minute) and per address (100 a minute: a
    venue's tablets share one); past either, attempts from there get 429 with `Retry-After`,
    while the right password from another address still logs in. When the server is verifying
    too many passwords at once it answers 503 with `Retry-After`.
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


async def _check_password(request: Request, db: Database, username: str, password: str) -> int:
    """The id of the active account whose ``username`` (ignoring case) has ``password``: a
    login (app.services.logins has the throttle's policy). A wrong password, an unknown
    username or an inactive account is 401; past the limits 429; a worker verifying too many
    passwords at once 503."""
    address = client_address(request)
    policy = logins.ThrottlePolicy.from_settings(request.app.state.settings)
    keys = logins.throttle_keys(username, address)
    # Refused callers are turned away before they queue for a password slot...
    with db.lookup() as session:
        logins.check_throttle(session, policy, keys)
    gate: PasswordGate = request.app.state.password_gate
    try:
        async with gate.slot():
            # ... and the attempt is counted, atomically, before its password is verified.
            with db.transaction() as session:
                claimed = logins.claim_attempt(session, policy, keys)
                candidate = logins.find_for_login(session, username)
            # Argon2 takes a tenth of a second and 64 MiB: off the event loop, in the slot.
            ok = await anyio.to_thread.run_sync(verify_password, password, candidate.password_hash)
    except Unavailable:
        seclog.event("login.busy", level=logging.WARNING, username=username, address=address)
        raise
    # An inactive account answers as a wrong password does (its hash was verified all the same).
    if not (ok and candidate.active and candidate.account_id is not None):
        seclog.event("login.failed", level=logging.WARNING, username=username, address=address)
        raise Unauthenticated("Wrong username or password.")
    with db.transaction() as session:
        logins.settle_success(session, keys, claimed)
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
        "logout",
        account_id=principal.id,
        username=principal.username,
        address=client_address(request),
    )


@router.post(
    "/me/password",
    status_code=204,
    responses=problems(
        *_PASSWORD_PROBLEMS,
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
    gate: PasswordGateDep,
) -> None:
    """Change the caller's own password: `current_password`, and a `new_password` of at least
    10 characters, not only whitespace. Every token of the account ends, this one too: log in
    again. A wrong `current_password` is 401 and counts as a failed login."""
    await _check_password(request, db, principal.username, data.current_password)
    accounts.change_own_password(session, principal, await hashed(gate, data.new_password))
