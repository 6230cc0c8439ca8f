"""Helpers every service uses: loading by id, pagination, integrity errors."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, exists, func, inspect, select
from sqlalchemy.orm import Session

from app.errors import Duplicate, InUse, NotFound, ValidationFailed
from app.models import Base

M = TypeVar("M", bound=Base)
L = TypeVar("L")

MAX_ID = 2**31 - 1


def valid_id(value: int) -> bool:
    """Ids are positive 32-bit integers; anything else can name nothing."""
    return 0 < value <= MAX_ID


def by_id(session: Session, model: type[M], item_id: int) -> M | None:
    """The row of ``model`` with the id, or None (an id out of range names none)."""
    return session.get(model, item_id) if valid_id(item_id) else None


def get_in_convention(
    session: Session, model: type[M], convention_id: int, item_id: int, what: str
) -> M:
    """Load a convention's resource, or 404: an id of another convention is not found."""
    obj = by_id(session, model, item_id)
    if obj is None or getattr(obj, "convention_id", None) != convention_id:
        raise NotFound(f"{what} {item_id} not found in convention {convention_id}.")
    return obj


def ref_in_convention(
    session: Session,
    model: type[M],
    convention_id: int,
    item_id: int,
    field: str,
    noun: str = "id",
) -> M:
    """Resolve an id given inside a body: unknown (or another convention's) is 422 naming
    ``field``: "no such ``noun`` in this convention"."""
    obj = by_id(session, model, item_id)
    if obj is None or getattr(obj, "convention_id", None) != convention_id:
        raise ValidationFailed.field(
            ["body", field], f"no such {noun} in this convention: {item_id}"
        )
    return obj


def refs_in_convention(
    session: Session,
    model: type[Base],
    convention_id: int,
    item_ids: Sequence[int],
    field: str,
    noun: str,
) -> None:
    """Resolve a list of ids given inside a body: the first unknown (or another convention's)
    is 422 naming ``field`` and its index: "no such ``noun`` in this convention"."""
    if not item_ids:
        return
    (key,) = inspect(model).primary_key
    stmt = select(key).filter_by(convention_id=convention_id).where(key.in_(item_ids))
    known = set(session.scalars(stmt))
    for index, item_id in enumerate(item_ids):
        if item_id not in known:
            raise ValidationFailed.field(
                ["body", field, index], f"no such {noun} in this convention: {item_id}"
            )


def paginate(session: Session, stmt: Select[Any], limit: int, offset: int) -> tuple[list[Any], int]:
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    items = list(session.scalars(stmt.limit(limit).offset(offset)).all())
    return items, total


def list_in_convention(
    session: Session, model: type[M], convention_id: int, limit: int, offset: int, **equal: Any
) -> tuple[list[M], int]:
    """A page of a convention's rows of ``model`` in the order of their key. Each ``equal``
    that is not None (a query's filter) keeps the rows whose column of that name has it."""
    given = {name: value for name, value in equal.items() if value is not None}
    stmt = select(model).filter_by(convention_id=convention_id, **given)
    return paginate(session, stmt.order_by(*inspect(model).primary_key), limit, offset)


def require_unique(
    session: Session,
    model: type[Base],
    convention_id: int,
    except_id: int | None,
    message: str,
    **equal: Any,
) -> None:
    """409 ``message`` when another of the convention's rows of ``model`` than ``except_id``
    (the one being changed) has the values ``equal``: a code, a name."""
    (key,) = inspect(model).primary_key
    stmt = select(key).filter_by(convention_id=convention_id, **equal)
    if except_id is not None:
        stmt = stmt.where(key != except_id)
    if session.scalar(stmt) is not None:
        raise Duplicate(message)


def refuse_referred(
    session: Session,
    value: int,
    referrers: Iterable[tuple[Any, str]],
    message: Callable[[str], str],
) -> None:
    """A delete's check of what still refers to a row: 409 ``message(what)`` for the first
    ``(column, what)`` of ``referrers`` that some row has ``value`` in (a query each, in order)."""
    for column, what in referrers:
        if session.scalar(select(exists().where(column == value))):
            raise InUse(message(what))


def set_links(links: list[L], wanted: list[int], model: Callable[..., L], key: str) -> None:
    """Make a one-to-many list of link rows of ``model`` (a juror's conflicts, an account's
    conventions) those whose column ``key`` has one of the ``wanted`` ids: the others removed,
    the missing made, the kept ones untouched."""
    current = {getattr(link, key): link for link in links}
    for link_id, link in current.items():
        if link_id not in wanted:
            links.remove(link)
    for link_id in wanted:
        if link_id not in current:
            links.append(model(**{key: link_id}))
