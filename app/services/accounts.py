"""Admin and secretariat accounts: making, changing, revoking them, and one's own password.

Jurors are accounts too, but belong to their convention and are managed by its juror routes
(``app.services.jurors``); here they are unknown (404).
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import seclog
from app.enums import Role
from app.errors import Duplicate, InUse, NotFound, Unauthenticated, ValidationFailed
from app.models import Account, AccountConvention, Convention, username_key, utcnow
from app.schemas.accounts import AccountCreate, AccountUpdate
from app.security import Principal, new_credential_stamp
from app.services import audit
from app.services.common import by_id, paginate, set_links

MANAGED_ROLES = (Role.ADMIN, Role.SECRETARIAT)
FIELDS = ("username", "full_name", "role", "active")


def username_taken(session: Session, username: str, except_id: int | None = None) -> bool:
    """Whether another account has ``username``, ignoring case."""
    stmt = select(Account.id).where(Account.username_key == username_key(username))
    if except_id is not None:
        stmt = stmt.where(Account.id != except_id)
    return session.scalar(stmt) is not None


def username_in_use(username: str) -> Duplicate:
    """The 409 of a username another account has (ignoring case)."""
    return Duplicate(f"The username {username!r} is taken (ignoring case).")


def new_account(
    username: str, full_name: str, role: str, password_hash: str, **more: Any
) -> Account:
    """An account to add, with its first credential stamp; ``more``: its other columns."""
    return Account(
        username=username,
        full_name=full_name,
        role=role,
        password_hash=password_hash,
        credential_stamp=new_credential_stamp(),
        **more,
    )


def snapshot(account: Account) -> dict[str, object]:
    data = audit.snapshot(account, FIELDS)
    data["convention_ids"] = account.convention_ids
    return data


# Accounts belong to no one convention: their events carry none. A juror's events are its
# convention's, filed under the juror.
TARGET = audit.Target("account", snapshot, convention=lambda _account: None)
JUROR = audit.Target("juror", juror=attrgetter("id"))


def get(session: Session, account_id: int) -> Account:
    """An admin or secretariat account, or 404 (a juror's id included)."""
    account = by_id(session, Account, account_id)
    if account is None or account.role not in MANAGED_ROLES:
        raise NotFound(f"Account {account_id} not found.")
    return account


def list_accounts(
    session: Session, limit: int, offset: int, role: str | None = None
) -> tuple[list[Account], int]:
    stmt = select(Account).where(Account.role.in_([role] if role else MANAGED_ROLES))
    return paginate(session, stmt.order_by(Account.id), limit, offset)


def _check_scope(session: Session, role: str, convention_ids: list[int]) -> None:
    """422 naming ``convention_ids`` when an admin is given some, or one is unknown."""
    if role != Role.SECRETARIAT:
        if convention_ids:
            raise ValidationFailed.field(
                ["body", "convention_ids"],
                "an admin manages every convention: leave convention_ids empty",
            )
        return
    found = set(session.scalars(select(Convention.id).where(Convention.id.in_(convention_ids))))
    for index, convention_id in enumerate(convention_ids):
        if convention_id not in found:
            raise ValidationFailed.field(
                ["body", "convention_ids", index], f"no such convention: {convention_id}"
            )


def create(
    session: Session, data: AccountCreate, password_hash: str, actor: Principal | None
) -> Account:
    """Make an admin or secretariat account; ``actor`` is None for the ``konvensi`` command."""
    _check_scope(session, data.role, data.convention_ids)
    if username_taken(session, data.username):
        raise username_in_use(data.username)
    scopes = [AccountConvention(convention_id=cid) for cid in data.convention_ids]
    account = new_account(
        data.username, data.full_name, data.role, password_hash, active=True, scopes=scopes
    )
    session.add(account)
    session.flush()
    _audit(session, actor, "account.create", account, after=snapshot(account))
    return account


def _other_active_admins(session: Session, account: Account) -> int:
    """Active admins but ``account``. Every active admin's row is locked (PostgreSQL), the
    target's too and always in id order, so that two admins removing each other at once
    queue instead of deadlocking, and the second sees the first's change (a deleted row drops
    out of its lock): one of them stays. SQLite's write lock does the same."""
    ids = session.scalars(
        select(Account.id)
        .where(Account.role == Role.ADMIN, Account.active.is_(True))
        .order_by(Account.id)
        .with_for_update()
    ).all()
    return sum(1 for found in ids if found != account.id)


def _require_another_admin(session: Session, account: Account, doing: str) -> None:
    if (
        account.role == Role.ADMIN
        and account.active
        and _other_active_admins(session, account) == 0
    ):
        raise InUse(f"Account {account.id} is the last active admin; it cannot be {doing}.")


def update(
    session: Session,
    account: Account,
    data: AccountUpdate,
    password_hash: str | None,
    actor: Principal,
) -> Account:
    """Change a name, a password, ``active`` or a secretariat's conventions. A new password
    or ``active: false`` ends every token of the account."""
    changes = data.changes()
    before = snapshot(account)
    if "convention_ids" in changes:
        wanted: list[int] = changes["convention_ids"]
        _check_scope(session, account.role, wanted)
        set_links(account.scopes, wanted, AccountConvention, "convention_id")
    if changes.get("active") is False and account.active:
        _require_another_admin(session, account, "deactivated")
    if "active" in changes:
        set_active(account, changes["active"])
    if "full_name" in changes:
        account.full_name = changes["full_name"]
    if password_hash is not None:
        set_password(account, password_hash)
    if changes:
        account.updated_at = utcnow()  # a change of conventions alone touches no column
    session.flush()
    after = snapshot(account)
    if password_hash is not None:
        after["password"] = "changed"
    _audit(session, actor, "account.update", account, before=before, after=after)
    return account


def delete(session: Session, account: Account, actor: Principal) -> None:
    _require_another_admin(session, account, "deleted")
    _audit(session, actor, "account.delete", account, before=snapshot(account))
    session.delete(account)
    session.flush()


def set_active(account: Account, active: bool) -> None:
    """Let the account in or keep it out; deactivating it ends every token it holds."""
    if account.active and not active:
        account.credential_stamp = new_credential_stamp()
    account.active = active


def set_password(account: Account, password_hash: str) -> None:
    """A new password; every token issued before stops working."""
    account.password_hash = password_hash
    account.credential_stamp = new_credential_stamp()


def _own(session: Session, principal: Principal) -> Account:
    """The caller's account, locked: 401 when it is gone or its tokens ended meanwhile."""
    account = session.get(Account, principal.id, with_for_update=True)
    if account is None or not account.active:
        raise Unauthenticated("The access token is no longer valid; log in again.")
    return account


def end_tokens(session: Session, principal: Principal) -> None:
    """Every token of the caller's account stops working (a logout on every device)."""
    _own(session, principal).credential_stamp = new_credential_stamp()
    session.flush()


def change_own_password(session: Session, principal: Principal, password_hash: str) -> None:
    """The caller's new password; every token of its account ends."""
    account = _own(session, principal)
    set_password(account, password_hash)
    session.flush()
    # A juror's change shows in its convention's audit log.
    target = JUROR if account.role == Role.JUROR else TARGET
    target.record(session, principal, "account.password", account, after={"password": "changed"})
    seclog.event(
        "account.password", actor_id=principal.id, account_id=account.id, username=account.username
    )


def _audit(
    session: Session,
    actor: Principal | None,
    action: str,
    account: Account,
    *,
    before: dict[str, object] | None = None,
    after: dict[str, object] | None = None,
) -> None:
    seclog.event(
        action,
        actor_id=actor.id if actor else None,
        actor=actor.username if actor else None,
        account_id=account.id,
        username=account.username,
        role=account.role,
        changed=sorted(
            key for key in (after or {}) if before is None or before.get(key) != after.get(key)
        )
        if after is not None
        else None,
    )
    TARGET.record(session, actor, action, account, before=before, after=after)


# --- the first admin, from the environment or the command line ----------------------------


def ensure_admin(session: Session, username: str, password_hash: str, full_name: str) -> bool:
    """Create the admin account unless the username exists (ignoring case); never touch a
    password."""
    if username_taken(session, username):
        return False
    create_admin(session, username, password_hash, full_name)
    return True


def role_of(session: Session, username: str) -> str | None:
    return session.scalar(
        select(Account.role).where(Account.username_key == username_key(username))
    )


def create_admin(session: Session, username: str, password_hash: str, full_name: str) -> Account:
    if username_taken(session, username):
        raise username_in_use(username)
    account = new_account(username, full_name, Role.ADMIN, password_hash, active=True)
    session.add(account)
    session.flush()
    return account
