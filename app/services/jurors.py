"""Jurors: a login account each, a panel, and conflicts of interest with OPDs."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from app.enums import ConventionStatus, Role
from app.models import Account, Convention, JurorConflict, Opd, Panel, Sheet
from app.schemas import JurorCreate, JurorUpdate
from app.security import Principal
from app.services import accounts, audit
from app.services.common import (
    get_in_convention,
    list_in_convention,
    ref_in_convention,
    refs_in_convention,
    refuse_referred,
    set_links,
)
from app.services.conventions import require_counted_open, require_status

FIELDS = ("username", "full_name", "panel_id", "active")


def _snapshot(juror: Account) -> dict[str, object]:
    data = audit.snapshot(juror, FIELDS)
    data["conflict_opd_ids"] = juror.conflict_opd_ids
    return data


TARGET = replace(accounts.JUROR, snapshot=_snapshot)


def get_juror(session: Session, convention_id: int, juror_id: int) -> Account:
    """A juror of the convention, or 404 (an admin's account has no convention)."""
    return get_in_convention(session, Account, convention_id, juror_id, "Juror")


def list_jurors(
    session: Session, convention_id: int, limit: int, offset: int, panel_id: int | None = None
) -> tuple[list[Account], int]:
    return list_in_convention(
        session, Account, convention_id, limit, offset, role=Role.JUROR, panel_id=panel_id
    )


def username_taken(session: Session, username: str, except_id: int | None = None) -> bool:
    """Whether another account of any role has ``username``, ignoring case."""
    return accounts.username_taken(session, username, except_id)


def _check_opds(session: Session, convention_id: int, opd_ids: list[int]) -> None:
    refs_in_convention(session, Opd, convention_id, opd_ids, "conflict_opd_ids", "OPD")


def create(
    session: Session,
    convention: Convention,
    data: JurorCreate,
    password_hash: str,
    actor: Principal | None,
) -> Account:
    """Add a juror; ``actor`` is None for the ``konvensi`` command."""
    require_counted_open(session, convention.id, "add a juror")
    ref_in_convention(session, Panel, convention.id, data.panel_id, "panel_id")
    _check_opds(session, convention.id, data.conflict_opd_ids)
    if username_taken(session, data.username):
        raise accounts.username_in_use(data.username)
    juror = accounts.new_account(
        data.username,
        data.full_name,
        Role.JUROR,
        password_hash,
        convention_id=convention.id,
        panel_id=data.panel_id,
        conflicts=[JurorConflict(opd_id=opd_id) for opd_id in data.conflict_opd_ids],
    )
    TARGET.add(session, actor, [juror])
    return juror


def update(
    session: Session,
    convention: Convention,
    juror: Account,
    data: JurorUpdate,
    password_hash: str | None,
    actor: Principal,
) -> Account:
    changes = data.changes()
    before = _snapshot(juror)
    if "panel_id" in changes and changes["panel_id"] != juror.panel_id:
        require_status(convention, ConventionStatus.DRAFT, doing="move a juror to another panel")
        ref_in_convention(session, Panel, convention.id, changes["panel_id"], "panel_id")
        juror.panel_id = changes["panel_id"]
    if "username" in changes and changes["username"] != juror.username:
        if username_taken(session, changes["username"], juror.id):
            raise accounts.username_in_use(changes["username"])
        juror.username = changes["username"]
    if "full_name" in changes:
        juror.full_name = changes["full_name"]
    if "conflict_opd_ids" in changes:
        wanted: list[int] = changes["conflict_opd_ids"]
        if set(wanted) != {c.opd_id for c in juror.conflicts}:
            require_counted_open(session, convention.id, "change a juror's conflicts")
        _check_opds(session, convention.id, wanted)
        set_links(juror.conflicts, wanted, JurorConflict, "opd_id")
    if "active" in changes:
        accounts.set_active(juror, changes["active"])
    if password_hash is not None:
        accounts.set_password(juror, password_hash)
    session.flush()
    after = _snapshot(juror)
    if password_hash is not None:
        after["password"] = "changed"
    TARGET.updated(session, actor, juror, before, after)
    return juror


def delete(session: Session, juror: Account, actor: Principal) -> None:
    assert juror.convention_id is not None  # a juror's account
    require_counted_open(session, juror.convention_id, "delete a juror")
    referrers = [(Sheet.juror_id, "score sheets")]
    refuse_referred(session, juror.id, referrers, lambda what: f"Juror {juror.id} has {what}.")
    TARGET.delete(session, actor, juror)
