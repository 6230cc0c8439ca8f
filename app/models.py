"""The schema, as typed SQLAlchemy 2 models. Alembic migrations are written from these."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

CATEGORIES = ("teknologi", "produk", "proses", "sdm", "metode", "konseptual", "hubungan")
CONVENTION_STATUSES = ("draft", "judging", "closed")
SHEET_STATUSES = ("draft", "submitted")
ROLES = ("admin", "juror")
CERTIFICATE_KINDS = ("winner", "participant", "juror")
RECIPIENT_TYPES = ("opd", "innovator", "juror")
REWARD_KINDS = ("cash", "plaque", "trophy", "other")
REWARD_STATUSES = ("planned", "delivered")


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


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


# sqlite_autoincrement: ids are never reused, so a deleted account's token or a deleted
# entry's id can never come to mean something new.
_TABLE_ARGS: dict[str, Any] = {"sqlite_autoincrement": True}


class Convention(Timestamps, Base):
    __tablename__ = "convention"
    __table_args__ = (
        CheckConstraint(_in("status", CONVENTION_STATUSES), name="status"),
        CheckConstraint("top_n >= 1", name="top_n"),
        CheckConstraint("zscore_min_sheets >= 1", name="zscore_min_sheets"),
        CheckConstraint(_in("assignment_mode", ("all", "assigned")), name="assignment_mode"),
        _TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int]
    host: Mapped[str | None] = mapped_column(String(200))
    top_n: Mapped[int] = mapped_column(default=10)
    letter_code: Mapped[str] = mapped_column(String(40), default="KONVENSI")
    award_names: Mapped[list[Any]] = mapped_column(
        default=lambda: ["Juara I", "Juara II", "Juara III"]
    )
    zscore_min_sheets: Mapped[int] = mapped_column(default=5)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    assignment_mode: Mapped[str] = mapped_column(String(16), default="all")
    judging_deadline: Mapped[datetime | None]
    signatory_name: Mapped[str | None] = mapped_column(String(200))
    signatory_title: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))


class Criterion(Timestamps, Base):
    __tablename__ = "criterion"
    __table_args__ = (
        UniqueConstraint("convention_id", "code"),
        UniqueConstraint("convention_id", "tie_break_rank"),
        CheckConstraint("weight > 0", name="weight"),
        CheckConstraint("max_score > min_score", name="range"),
        CheckConstraint("step IS NULL OR step > 0", name="step"),
        CheckConstraint("tie_break_rank IS NULL OR tie_break_rank >= 1", name="tie_break_rank"),
        _TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    weight: Mapped[float] = mapped_column(Double)
    min_score: Mapped[float] = mapped_column(Double, default=0.0)
    max_score: Mapped[float] = mapped_column(Double)
    step: Mapped[float | None] = mapped_column(Double)
    tie_break_rank: Mapped[int | None]


class Panel(Timestamps, Base):
    __tablename__ = "panel"
    __table_args__ = (
        UniqueConstraint("convention_id", "name"),
        CheckConstraint("weight > 0", name="weight"),
        _TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    weight: Mapped[float] = mapped_column(Double, default=1.0)


class Opd(Timestamps, Base):
    __tablename__ = "opd"
    __table_args__ = (UniqueConstraint("convention_id", "code"), _TABLE_ARGS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))


class Entry(Timestamps, Base):
    __tablename__ = "entry"
    __table_args__ = (CheckConstraint(_in("category", CATEGORIES), name="category"), _TABLE_ARGS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id"), index=True)
    opd_id: Mapped[int] = mapped_column(ForeignKey("opd.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    acronym: Mapped[str | None] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str | None] = mapped_column(Text)

    innovators: Mapped[list[Innovator]] = relationship(
        order_by="Innovator.position", cascade="all, delete-orphan", lazy="selectin"
    )


class Innovator(Base):
    __tablename__ = "innovator"
    __table_args__ = (UniqueConstraint("entry_id", "position"), _TABLE_ARGS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    nip: Mapped[str | None] = mapped_column(String(18))


class Account(Timestamps, Base):
    """A login: the secretariat (``admin``) or a juror of one convention."""

    __tablename__ = "account"
    __table_args__ = (
        UniqueConstraint("username"),
        CheckConstraint(_in("role", ROLES), name="role"),
        CheckConstraint(
            "(role = 'admin' AND convention_id IS NULL AND panel_id IS NULL) OR "
            "(role = 'juror' AND convention_id IS NOT NULL AND panel_id IS NOT NULL)",
            name="juror_fields",
        ),
        _TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    # Changes with the password; tokens carry it, so old tokens stop working.
    credential_stamp: Mapped[str] = mapped_column(String(32))
    convention_id: Mapped[int | None] = mapped_column(ForeignKey("convention.id"), index=True)
    panel_id: Mapped[int | None] = mapped_column(ForeignKey("panel.id"), index=True)

    conflicts: Mapped[list[JurorConflict]] = relationship(
        order_by="JurorConflict.opd_id", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def conflict_opd_ids(self) -> list[int]:
        return [conflict.opd_id for conflict in self.conflicts]


class JurorConflict(Base):
    """A juror's declared conflict of interest with an OPD (set by the secretariat)."""

    __tablename__ = "juror_conflict"

    juror_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    opd_id: Mapped[int] = mapped_column(ForeignKey("opd.id"), primary_key=True, index=True)


class Recusal(Base):
    """A juror's own declaration that it cannot judge one entry."""

    __tablename__ = "recusal"

    juror_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), primary_key=True, index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Assignment(Base):
    """An entry the secretariat gave a juror, when the convention judges by assignment."""

    __tablename__ = "assignment"

    juror_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), primary_key=True, index=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id"), index=True)


class Sheet(Base):
    """One juror's scores for one entry, at one judging stage.

    The stage is part of the key so that a later round (desk evaluation, then presentation)
    can be added beside the contract's single one without touching its rows.
    """

    __tablename__ = "sheet"
    __table_args__ = (
        UniqueConstraint("juror_id", "entry_id", "stage"),
        CheckConstraint(_in("status", SHEET_STATUSES), name="status"),
        CheckConstraint("version >= 1", name="version"),
        Index("ix_sheet_convention_id_status", "convention_id", "status"),
        _TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id"))
    juror_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)
    stage: Mapped[str] = mapped_column(String(32), default="main")
    scores: Mapped[dict[str, Any]]
    comment: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]


class AuditEvent(Base):
    """Append-only record of who changed what. No foreign keys: it outlives what it names."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_convention_id_id", "convention_id", "id"),
        _TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    convention_id: Mapped[int | None]
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None]
    actor_username: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[int | None]
    juror_id: Mapped[int | None] = mapped_column(index=True)
    entry_id: Mapped[int | None] = mapped_column(index=True)
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]


class Result(Base):
    """The frozen ranking of a convention, published once."""

    __tablename__ = "result"
    __table_args__ = (UniqueConstraint("convention_id"), _TABLE_ARGS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id"))
    method: Mapped[str] = mapped_column(String(16))
    top_n: Mapped[int]
    rows: Mapped[list[Any]]
    warnings: Mapped[list[Any]]
    rubric: Mapped[dict[str, Any]]
    sheets_digest: Mapped[str] = mapped_column(String(64))
    sheet_count: Mapped[int]
    allow_incomplete: Mapped[bool] = mapped_column(Boolean, default=False)
    incomplete_entry_ids: Mapped[list[Any]]
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by: Mapped[int | None]


class ResultSheet(Base):
    """The hash of every sheet a published result counted, for a later recomputation."""

    __tablename__ = "result_sheet"

    result_id: Mapped[int] = mapped_column(
        ForeignKey("result.id", ondelete="CASCADE"), primary_key=True
    )
    sheet_id: Mapped[int] = mapped_column(primary_key=True)
    juror_id: Mapped[int]
    entry_id: Mapped[int]
    version: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))


class Award(Base):
    __tablename__ = "award"
    __table_args__ = (UniqueConstraint("convention_id", "entry_id"), _TABLE_ARGS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)
    rank: Mapped[int]
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Certificate(Base):
    __tablename__ = "certificate"
    __table_args__ = (
        UniqueConstraint("code"),
        UniqueConstraint("convention_id", "sequence"),
        # One certificate of a kind per recipient: issuing twice issues nothing twice.
        UniqueConstraint("convention_id", "kind", "recipient_key"),
        CheckConstraint(_in("kind", CERTIFICATE_KINDS), name="kind"),
        CheckConstraint(_in("recipient_type", RECIPIENT_TYPES), name="recipient_type"),
        _TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id"), index=True)
    sequence: Mapped[int]
    number: Mapped[str] = mapped_column(String(80))
    code: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    recipient_type: Mapped[str] = mapped_column(String(16))
    recipient_name: Mapped[str] = mapped_column(String(200))
    # "opd:<entry id>", "innovator:<innovator id>" or "juror:<juror id>"
    recipient_key: Mapped[str] = mapped_column(String(64))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entry.id"), index=True)
    juror_id: Mapped[int | None]
    rank: Mapped[int | None]
    award_name: Mapped[str | None] = mapped_column(String(100))
    entry_title: Mapped[str | None] = mapped_column(String(300))
    opd_name: Mapped[str | None] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(Text)


class Reward(Timestamps, Base):
    __tablename__ = "reward"
    __table_args__ = (
        CheckConstraint(_in("kind", REWARD_KINDS), name="kind"),
        CheckConstraint(_in("status", REWARD_STATUSES), name="status"),
        CheckConstraint(_in("recipient_type", RECIPIENT_TYPES), name="recipient_type"),
        CheckConstraint("amount_idr IS NULL OR amount_idr >= 0", name="amount_idr"),
        _TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("convention.id"), index=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("award.id"), index=True)
    recipient_type: Mapped[str] = mapped_column(String(16))
    recipient_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    amount_idr: Mapped[int | None] = mapped_column(BigInteger)
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="planned")
    delivered_at: Mapped[datetime | None]
    delivered_by: Mapped[int | None]


class LoginFailure(Base):
    """Failed logins, shared by every worker so that throttling holds behind a proxy."""

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_key_at", "key", "at"), _TABLE_ARGS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime]
