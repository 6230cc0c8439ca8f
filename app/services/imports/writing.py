"""Writing a checked plan through the services the create routes use (their rules, their
audit events), and hashing jurors' passwords before the transaction that writes them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.enums import ImportKind
from app.models import Account, Convention, Entry, Opd
from app.schemas import EntryCreate, JurorCreate, OpdCreate
from app.security import Principal
from app.services import entries, jurors, opds
from app.services.imports.checks import Plan

# A juror's row number -> (the password, its hash).
Hashes = Mapping[int, tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Created:
    """A row written: its number, the new resource, and a generated password (jurors)."""

    n: int
    item: Opd | Entry | Account
    password: str | None = None


def hash_passwords(plan: Plan, hasher: Callable[[str], str]) -> dict[int, tuple[str, str]]:
    """The hashes of the passwords of the jurors a plan creates (slow: before the write)."""
    hashes: dict[int, tuple[str, str]] = {}
    for n, data in plan.creates:
        if isinstance(data, JurorCreate):
            hashes[n] = (data.password, hasher(data.password))
    return hashes


def write(
    session: Session,
    convention: Convention,
    plan: Plan,
    actor: Principal | None,
    hashes: Hashes,
    hasher: Callable[[str], str],
) -> list[Created]:
    """Create the plan's rows, in file order, through the create routes' services; ``actor``
    is None for the ``konvensi`` command.
    A password missing from ``hashes`` (the file changed between check and write) is hashed
    here."""
    rows = [n for n, _ in plan.creates]
    if plan.kind is ImportKind.OPDS:
        opd_items = [data for _, data in plan.creates if isinstance(data, OpdCreate)]
        made: list[Opd | Entry] = list(opds.create_many(session, convention, opd_items, actor))
        return [Created(n, item) for n, item in zip(rows, made, strict=True)]
    if plan.kind is ImportKind.ENTRIES:
        entry_items = [data for _, data in plan.creates if isinstance(data, EntryCreate)]
        made = list(entries.create_many(session, convention, entry_items, actor))
        return [Created(n, item) for n, item in zip(rows, made, strict=True)]
    # Jurors are few (their passwords are hashed): the create route's service, one by one.
    created: list[Created] = []
    for n, data in plan.creates:
        assert isinstance(data, JurorCreate)
        known = hashes.get(n)
        password_hash = known[1] if known and known[0] == data.password else hasher(data.password)
        juror = jurors.create(session, convention, data, password_hash, actor)
        created.append(Created(n, juror, plan.generated.get(n)))
    return created
