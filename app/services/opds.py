"""OPDs (organisasi perangkat daerah): the government units that enter innovations."""

from __future__ import annotations

from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Duplicate
from app.models import Convention, Entry, JurorConflict, Opd
from app.schemas import OpdCreate, OpdUpdate
from app.security import Principal
from app.services import audit
from app.services.common import list_in_convention, refuse_referred, require_unique

FIELDS = ("code", "name")
TARGET = audit.Target("opd", partial(audit.snapshot, fields=FIELDS))


def list_opds(
    session: Session, convention_id: int, limit: int, offset: int
) -> tuple[list[Opd], int]:
    return list_in_convention(session, Opd, convention_id, limit, offset)


def _check_code(session: Session, convention_id: int, code: str, opd_id: int | None) -> None:
    message = f"An OPD with code {code!r} already exists."
    require_unique(session, Opd, convention_id, opd_id, message, code=code)


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
    TARGET.add(session, actor, created)
    return created


def update(session: Session, opd: Opd, data: OpdUpdate, actor: Principal) -> Opd:
    changes = data.changes()
    if "code" in changes:
        _check_code(session, opd.convention_id, changes["code"], opd.id)
    TARGET.change(session, actor, opd, changes)
    return opd


def delete(session: Session, opd: Opd, actor: Principal) -> None:
    referrers = (
        (Entry.opd_id, "still has entries"),
        (JurorConflict.opd_id, "is named in jurors' conflicts of interest"),
    )
    refuse_referred(session, opd.id, referrers, lambda what: f"OPD {opd.id} {what}.")
    TARGET.delete(session, actor, opd)
