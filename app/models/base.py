"""The declarative base: naming convention, UTC timestamps, and what every table shares."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, MetaData, String, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedColumn, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no zone, so without this a value would come back naive there and aware on
    PostgreSQL; both engines must answer the same RFC 3339 strings.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self,
        value: datetime | None,
        dialect: Dialect,  # noqa: ARG002 (SQLAlchemy calls it so)
    ) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def in_list(column: str, values: Iterable[str]) -> str:
    """A CHECK constraint's text: ``column`` holds one of ``values`` (a StrEnum, say)."""
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


# The columns many tables declare alike, written once: ``id: Mapped[Key]``, ``status:
# Mapped[Choice] = mapped_column(default=...)``, ``host: Mapped[Name | None]``.
Key = Annotated[int, mapped_column(Integer, primary_key=True)]
"""A table's own id."""

Name = Annotated[str, mapped_column(String(200))]
"""A person's, an OPD's or a thing's name: 200 characters, as the API's ``Name``."""

Code = Annotated[str, mapped_column(String(32))]
"""A short code (a criterion's, an OPD's, a stage's, a certificate's)."""

Choice = Annotated[str, mapped_column(String(16))]
"""A member of a closed list: a StrEnum of ``app.enums`` (the table's CHECK names its
members) or a ranking ``Method``."""

Sha256 = Annotated[str, mapped_column(String(64))]
"""A SHA-256 digest in hex."""

UtcNow = Annotated[datetime, mapped_column(default=utcnow)]
"""A moment, the time of the insert unless given."""

ConventionId = Annotated[int, mapped_column(ForeignKey("convention.id"), index=True)]
EntryId = Annotated[int, mapped_column(ForeignKey("entry.id"), index=True)]
StageId = Annotated[int, mapped_column(ForeignKey("stage.id"), index=True)]


def owner_key(table: str, *, index: bool | None = None) -> MappedColumn[Any]:
    """A link table's key part naming the row it belongs to: deleted with that row."""
    return mapped_column(
        ForeignKey(f"{table}.id", ondelete="CASCADE"), primary_key=True, index=index
    )


def link_key(table: str) -> MappedColumn[Any]:
    """A link table's key part naming the row it links to, indexed for lookups from there."""
    return mapped_column(ForeignKey(f"{table}.id"), primary_key=True, index=True)


class Timestamps:
    created_at: Mapped[UtcNow]
    updated_at: Mapped[UtcNow] = mapped_column(onupdate=utcnow)


# sqlite_autoincrement: ids are never reused, so a deleted account's token or a deleted
# entry's id can never come to mean something new.
TABLE_ARGS: dict[str, Any] = {"sqlite_autoincrement": True}
