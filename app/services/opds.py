"""OPDs (organisasi perangkat daerah): the government units that enter innovations."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.errors import Duplicate, InUse
from app.models import Convention, Entry, JurorConflict, Opd
from app.schemas import OpdCreate, OpdUpdate
from app.security import Principal
from app.services import audit
from app.services.common import paginate

FIELDS = ("code", "name")


def list_opds(
    session: Session, convention_id: int, limit: int, offset: int
) -> tuple[list[Opd], int]:
    stmt = select(Opd).where(Opd.convention_id == convention_id).order_by(Opd.id)
    return paginate(session, stmt, limit, offset)


def _check_code(session: Session, convention_id: int, code: str, opd_id: int | None) -> None:
    stmt = select(Opd.id).where(Opd.convention_id == convention_id, Opd.code == code)
    if opd_id is not None:
        stmt = stmt.where(Opd.id != opd_id)
    if session.scalar(stmt) is not None:
        raise Duplicate(f"An OPD with code {code!r} already exists.")


def create(
    session: Session, convention: Convention, data: OpdCreate, actor: Principal | None
) -> Opd:
    """Add an OPD; ``actor`` is None for the ``konvensi`` command."""
    return create_many(session, convention, [data], actor)[0]


def create_many(
    session: Session, convention: Convention, items: list[OpdCreate], actor: Principal | None
) -> list[Opd]:
    """Add OPDs in one flush and one audit statement (a bulk import); a code that exists, or
    repeats among ``items``, is 409 and adds none."""
    taken = set(session.scalars(select(Opd.code).where(Opd.convention_id == convention.id)))
    seen: set[str] = set()
    for code in (data.code for data in items):
        if code in taken or code in seen:
            raise Duplicate(f"An OPD with code {code!r} already exists.")
        seen.add(code)
    created = [Opd(convention_id=convention.id, **data.model_dump()) for data in items]
    session.add_all(created)
    session.flush()
    audit.record_many(
        session,
        [
            audit.event(
                actor=actor,
                action="opd.create",
                target_type="opd",
                target_id=opd.id,
                convention_id=convention.id,
                after=audit.snapshot(opd, FIELDS),
            )
            for opd in created
        ],
    )
    return created


def update(session: Session, opd: Opd, data: OpdUpdate, actor: Principal) -> Opd:
    changes = data.changes()
    if "code" in changes:
        _check_code(session, opd.convention_id, changes["code"], opd.id)
    before = audit.snapshot(opd, FIELDS)
    for name, value in changes.items():
        setattr(opd, name, value)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="opd.update",
        target_type="opd",
        target_id=opd.id,
        convention_id=opd.convention_id,
        before=before,
        after=audit.snapshot(opd, FIELDS),
    )
    return opd


def delete(session: Session, opd: Opd, actor: Principal) -> None:
    if session.scalar(select(exists().where(Entry.opd_id == opd.id))):
        raise InUse(f"OPD {opd.id} still has entries.")
    if session.scalar(select(exists().where(JurorConflict.opd_id == opd.id))):
        raise InUse(f"OPD {opd.id} is named in jurors' conflicts of interest.")
    audit.record(
        session,
        actor=actor,
        action="opd.delete",
        target_type="opd",
        target_id=opd.id,
        convention_id=opd.convention_id,
        before=audit.snapshot(opd, FIELDS),
    )
    session.delete(opd)
    session.flush()
