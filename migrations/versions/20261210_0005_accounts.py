"""accounts: the secretariat role scoped to conventions, inactive accounts, usernames unique
ignoring case

Usernames that were one name ignoring case (``Juri.A`` and ``juri.a``) cannot both stay: the
oldest account (lowest id) keeps its name, each later one is renamed ``<name>-<id>`` (an audit
event in its convention's log says so, and the migration prints it). Passwords are untouched.

The downgrade deletes ``secretariat`` accounts (the older schema has no such role, and making
them admins would widen their rights) and locks inactive accounts out for good (a password that
no hash matches, and a new credential stamp), since the older schema cannot say "inactive".

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-10
"""

import logging
import secrets
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from migrations.ddl import create_link_table, drop_tables

revision: str = "0005"
down_revision: str | None = "0004"

log = logging.getLogger("alembic.runtime.migration")

NEW_JUROR_FIELDS = (
    "(role IN ('admin', 'secretariat') AND convention_id IS NULL AND panel_id IS NULL) "
    "OR (role = 'juror' AND convention_id IS NOT NULL AND panel_id IS NOT NULL)"
)
OLD_JUROR_FIELDS = (
    "(role = 'admin' AND convention_id IS NULL AND panel_id IS NULL) OR "
    "(role = 'juror' AND convention_id IS NOT NULL AND panel_id IS NOT NULL)"
)
USERNAME_MAX = 64
# SQLite rebuilds the table in batch mode: keep AUTOINCREMENT, so that a deleted account's id
# is never given to another (app.models.base.TABLE_ARGS).
KEEP_IDS = {"sqlite_autoincrement": True}
# No Argon2 hash looks like this: the password check fails for every password.
LOCKED_HASH = "!locked-by-migration-0005"


def _renamed(username: str, account_id: int, taken: set[str]) -> str:
    """``<name>-<id>`` within 64 characters, free ignoring case."""
    suffix = f"-{account_id}"
    candidate = username[: USERNAME_MAX - len(suffix)] + suffix
    n = 1
    while candidate.casefold() in taken:
        suffix = f"-{account_id}-{n}"
        candidate = username[: USERNAME_MAX - len(suffix)] + suffix
        n += 1
    return candidate


def _fold_usernames(conn: sa.Connection) -> None:
    """Fill ``username_key`` (Python's casefold, the same on both engines), renaming later
    accounts whose name is an earlier one's ignoring case."""
    rows = conn.execute(
        sa.text("SELECT id, username, role, convention_id FROM account ORDER BY id")
    ).all()
    taken = {row.username.casefold() for row in rows}
    seen: set[str] = set()
    now = datetime.now(UTC)
    if conn.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)
    for row in rows:
        username = row.username
        key = username.casefold()
        if key in seen:
            username = _renamed(row.username, row.id, taken)
            key = username.casefold()
            taken.add(key)
            log.warning(
                "account %s: username %r is an earlier account's ignoring case; renamed %r",
                row.id,
                row.username,
                username,
            )
            is_juror = row.role == "juror"
            conn.execute(
                sa.text(
                    "INSERT INTO audit_event (convention_id, at, action, target_type, target_id, "
                    "juror_id, before, after) VALUES (:cid, :at, 'account.rename', :type, :id, "
                    ":juror_id, :before, :after)"
                ).bindparams(
                    sa.bindparam("before", type_=sa.JSON()), sa.bindparam("after", type_=sa.JSON())
                ),
                {
                    "cid": row.convention_id,
                    "at": now,
                    "type": "juror" if is_juror else "account",
                    "id": row.id,
                    "juror_id": row.id if is_juror else None,
                    "before": {"username": row.username},
                    "after": {"username": username},
                },
            )
        seen.add(key)
        conn.execute(
            sa.text("UPDATE account SET username = :username, username_key = :key WHERE id = :id"),
            {"username": username, "key": key, "id": row.id},
        )


def upgrade() -> None:
    with op.batch_alter_table("account", schema=None, table_kwargs=KEEP_IDS) as batch_op:
        batch_op.add_column(sa.Column("username_key", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    _fold_usernames(op.get_bind())
    with op.batch_alter_table("account", schema=None, table_kwargs=KEEP_IDS) as batch_op:
        batch_op.alter_column("username_key", existing_type=sa.String(length=200), nullable=False)
        batch_op.alter_column("active", existing_type=sa.Boolean(), server_default=None)
        batch_op.drop_constraint(batch_op.f("uq_account_username"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_account_username_key"), ["username_key"])
        batch_op.drop_constraint(batch_op.f("ck_account_juror_fields"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_account_role"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_account_juror_fields"), NEW_JUROR_FIELDS)
        batch_op.create_check_constraint(
            batch_op.f("ck_account_role"), "role IN ('admin', 'secretariat', 'juror')"
        )

    create_link_table(
        "account_convention",
        ("account_id", "account"),
        ("convention_id", "convention"),
        cascade_other=True,
    )


def _lock_inactive(conn: sa.Connection) -> None:
    ids: list[Any] = list(conn.scalars(sa.text("SELECT id FROM account WHERE NOT active")))
    for account_id in ids:
        conn.execute(
            sa.text(
                "UPDATE account SET password_hash = :hash, credential_stamp = :stamp WHERE id = :id"
            ),
            {"hash": LOCKED_HASH, "stamp": secrets.token_hex(8), "id": account_id},
        )


def downgrade() -> None:
    drop_tables("account_convention")
    op.execute("DELETE FROM account WHERE role = 'secretariat'")
    _lock_inactive(op.get_bind())
    with op.batch_alter_table("account", schema=None, table_kwargs=KEEP_IDS) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_account_role"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_account_juror_fields"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_account_role"), "role IN ('admin', 'juror')"
        )
        batch_op.create_check_constraint(batch_op.f("ck_account_juror_fields"), OLD_JUROR_FIELDS)
        batch_op.drop_constraint(batch_op.f("uq_account_username_key"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_account_username"), ["username"])
        batch_op.drop_column("active")
        batch_op.drop_column("username_key")
