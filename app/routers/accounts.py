"""Admin and secretariat accounts (an admin's alone)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Response

from app.routers.deps import (
    WRITE_PROBLEMS,
    CurrentAdmin,
    Filter,
    PageDep,
    PasswordGateDep,
    SessionDep,
    created_as,
    hashed,
    only,
    problems,
)
from app.schemas import Page
from app.schemas.accounts import AccountCreate, AccountOut, AccountRole, AccountUpdate
from app.services import accounts

router = APIRouter(
    prefix="/accounts", tags=["accounts"], responses=problems(401, 403, 404, 422, 503)
)


@router.post("", status_code=201, responses=WRITE_PROBLEMS)
async def create_account(
    data: AccountCreate,
    admin: CurrentAdmin,
    session: SessionDep,
    gate: PasswordGateDep,
    response: Response,
) -> AccountOut:
    """Make an `admin` (every convention) or a `secretariat` (the admin's rights on the
    conventions of `convention_ids`, 404 on any other). `username` is unique across the
    service ignoring case (409 `duplicate`); `password` has at least 10 characters, not only
    whitespace. Jurors are made under their convention (`POST …/{cid}/jurors`)."""
    password_hash = await hashed(gate, data.password)
    account = accounts.create(session, data, password_hash, admin)
    return created_as(response, f"/api/v1/accounts/{account.id}", AccountOut, account)


@router.get("")
async def list_accounts(
    _admin: CurrentAdmin,
    session: SessionDep,
    page: PageDep,
    role: Annotated[Filter[AccountRole], only("accounts of this role")] = None,
) -> Page[AccountOut]:
    """Admin and secretariat accounts, by id (jurors are listed by `GET …/{cid}/jurors`).
    Never a password or its hash."""
    return page.of(AccountOut, accounts.list_accounts(session, page.limit, page.offset, role))


@router.get("/{account_id}")
async def read_account(account_id: int, _admin: CurrentAdmin, session: SessionDep) -> AccountOut:
    """One admin or secretariat account (a juror's id is 404 here)."""
    return AccountOut.model_validate(accounts.get(session, account_id))


@router.patch("/{account_id}", responses=WRITE_PROBLEMS)
async def update_account(
    account_id: int,
    data: AccountUpdate,
    admin: CurrentAdmin,
    session: SessionDep,
    gate: PasswordGateDep,
) -> AccountOut:
    """Change `full_name`, `password`, `active` or a secretariat's `convention_ids` (the
    list replaces the old one). A new password or `active: false` ends every token of the
    account; an inactive account's login answers as a wrong password does. The last active
    admin cannot be deactivated (409 `in-use`)."""
    password_hash = await hashed(gate, data.password)
    account = accounts.get(session, account_id)
    return AccountOut.model_validate(accounts.update(session, account, data, password_hash, admin))


@router.delete("/{account_id}", status_code=204, responses=WRITE_PROBLEMS)
async def delete_account(account_id: int, admin: CurrentAdmin, session: SessionDep) -> None:
    """Delete an account; its tokens stop working. The last active admin cannot be deleted
    (409 `in-use`)."""
    accounts.delete(session, accounts.get(session, account_id), admin)
