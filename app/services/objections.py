"""The objection window (*masa sanggah*): anyone may object to provisional results, without a
token, until the deadline; the secretariat resolves each objection (docs/api.md)."""

from __future__ import annotations

import base64
import logging
import secrets
from datetime import timedelta
from operator import attrgetter

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import seclog
from app.enums import ObjectionStatus, ResultStatus
from app.errors import ConventionState, NotFound, RateLimited
from app.models import Convention, Entry, Objection, Result, utcnow
from app.security import Principal
from app.services import audit, results
from app.services.common import get_in_convention, list_in_convention, ref_in_convention, valid_id

PER_ADDRESS = 5
"""Objections one client address may file in ``WINDOW``."""
WINDOW = timedelta(hours=1)
TARGET = audit.Target("objection", entry=attrgetter("entry_id"))


def new_receipt() -> str:
    """60 random bits as 12 base32 characters: what the objector keeps to ask after it."""
    return base64.b32encode(secrets.token_bytes(8)).decode()[:12]


def _provisional(session: Session, convention_id: int) -> Result:
    """Provisional results strictly before their deadline: an unknown and an unpublished
    convention are the same 404 (the public learns nothing of what is not published); final
    results or a closed window, 409."""
    result = results.public_result(session, convention_id)
    if result.status != ResultStatus.PROVISIONAL:
        raise ConventionState("Objections are taken only while the results are provisional.")
    if result.objection_deadline is not None and utcnow() >= result.objection_deadline:
        raise ConventionState("The objection window has closed.")
    return result


def _throttle(session: Session, address: str) -> None:
    since = utcnow() - WINDOW
    recent = list(
        session.scalars(
            select(Objection.created_at)
            .where(Objection.address == address, Objection.created_at > since)
            .order_by(Objection.created_at.desc())
            .limit(PER_ADDRESS)
        )
    )
    if len(recent) >= PER_ADDRESS:
        wait = int((recent[-1] + WINDOW - utcnow()).total_seconds()) + 1
        seclog.event(
            "objection.throttled", level=logging.WARNING, address=address, retry_after=wait
        )
        raise RateLimited(
            f"At most {PER_ADDRESS} objections an hour from one address; try again in "
            f"{wait} seconds.",
            headers={"Retry-After": str(max(1, wait))},
        )


def create(
    session: Session,
    convention_id: int,
    *,
    entry_id: int,
    name: str,
    contact: str,
    reason: str,
    address: str,
) -> Objection:
    # The convention's row locked, as finalize and withdraw lock it: an objection accepted
    # before the deadline is committed before they look for open objections, never after.
    convention = (
        session.scalar(select(Convention).where(Convention.id == convention_id).with_for_update())
        if valid_id(convention_id)
        else None
    )
    if convention is None:
        raise NotFound(results.UNPUBLISHED)  # as an unpublished one: see _provisional
    _provisional(session, convention_id)
    ref_in_convention(session, Entry, convention_id, entry_id, "entry_id", "entry")
    _throttle(session, address)
    objection = Objection(
        convention_id=convention_id,
        entry_id=entry_id,
        name=name,
        contact=contact,
        reason=reason,
        receipt=new_receipt(),
        status=ObjectionStatus.OPEN,
        address=address[:64],
        created_at=utcnow(),
    )
    session.add(objection)
    session.flush()
    after = {"name": name, "reason": reason, "receipt": objection.receipt}
    TARGET.record(session, None, "objection.create", objection, after=after)
    return objection


def list_objections(
    session: Session, convention_id: int, status: str | None, limit: int, offset: int
) -> tuple[list[Objection], int]:
    return list_in_convention(session, Objection, convention_id, limit, offset, status=status)


def resolve(
    session: Session,
    principal: Principal,
    convention: Convention,
    objection_id: int,
    status: ObjectionStatus,
    resolution: str | None,
) -> Objection:
    """Uphold or dismiss an objection, while the results are provisional."""
    objection = get_in_convention(session, Objection, convention.id, objection_id, "Objection")
    result = session.scalar(select(Result).where(Result.convention_id == convention.id))
    if result is None or result.status != ResultStatus.PROVISIONAL:
        raise ConventionState("Objections are resolved only while the results are provisional.")
    if objection.status == ObjectionStatus.VOID:
        raise ConventionState("This objection is void: the results it objected to were withdrawn.")
    before = {"status": objection.status, "resolution": objection.resolution}
    objection.status = status
    objection.resolution = resolution
    objection.resolved_at = utcnow()
    objection.resolved_by = principal.id
    session.flush()
    after = {"status": status, "resolution": resolution}
    TARGET.record(session, principal, "objection.resolve", objection, before=before, after=after)
    return objection
