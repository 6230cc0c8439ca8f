"""Logins: admins, secretariats and jurors, the conventions a secretariat manages, jurors'
conflicts, and failed logins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.enums import Role
from app.models.base import (
    TABLE_ARGS,
    Base,
    Choice,
    ConventionId,
    Key,
    Name,
    Timestamps,
    in_list,
    link_key,
    owner_key,
)


def username_key(username: str) -> str:
    """The form of a username that is unique: ``Sekretariat`` and ``sekretariat`` are one name."""
    return username.casefold()


class Account(Timestamps, Base):
    """A login: an ``admin`` (every convention), a ``secretariat`` (the conventions of its
    ``scopes``) or a ``juror`` of one convention."""

    __tablename__ = "account"
    __table_args__ = (
        UniqueConstraint("username_key"),
        CheckConstraint(in_list("role", Role), name="role"),
        CheckConstraint(
            "(role IN ('admin', 'secretariat') AND convention_id IS NULL AND panel_id IS NULL) "
            "OR (role = 'juror' AND convention_id IS NOT NULL AND panel_id IS NOT NULL)",
            name="juror_fields",
        ),
        TABLE_ARGS,
    )

    id: Mapped[Key]
    username: Mapped[str] = mapped_column(String(64))
    # The username casefolded, kept by ``_fold`` below: unique, and what a login looks up.
    username_key: Mapped[str] = mapped_column(String(200))
    full_name: Mapped[Name]
    role: Mapped[Choice]
    password_hash: Mapped[str] = mapped_column(String(255))
    # Changes with the password; tokens carry it, so old tokens stop working.
    credential_stamp: Mapped[str] = mapped_column(String(32))
    convention_id: Mapped[ConventionId | None]
    panel_id: Mapped[int | None] = mapped_column(ForeignKey("panel.id"), index=True)
    # False: every token is refused, and the login answers as to a wrong password.
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    conflicts: Mapped[list[JurorConflict]] = relationship(
        order_by="JurorConflict.opd_id", cascade="all, delete-orphan", lazy="selectin"
    )
    scopes: Mapped[list[AccountConvention]] = relationship(
        order_by="AccountConvention.convention_id", cascade="all, delete-orphan", lazy="selectin"
    )

    @validates("username")
    def _fold(self, _key: str, username: str) -> str:
        self.username_key = username_key(username)
        return username

    @property
    def conflict_opd_ids(self) -> list[int]:
        return [conflict.opd_id for conflict in self.conflicts]

    @property
    def convention_ids(self) -> list[int]:
        """The conventions a secretariat manages (empty for the other roles)."""
        return sorted(scope.convention_id for scope in self.scopes)


class AccountConvention(Base):
    """A convention a ``secretariat`` account manages."""

    __tablename__ = "account_convention"

    account_id: Mapped[int] = owner_key("account")
    convention_id: Mapped[int] = owner_key("convention", index=True)


class JurorConflict(Base):
    """A juror's declared conflict of interest with an OPD (set by the secretariat)."""

    __tablename__ = "juror_conflict"

    juror_id: Mapped[int] = owner_key("account")
    opd_id: Mapped[int] = link_key("opd")


class LoginFailure(Base):
    """Failed logins, shared by every worker so that throttling holds behind a proxy."""

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_key_at", "key", "at"), TABLE_ARGS)

    id: Mapped[Key]
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime]
