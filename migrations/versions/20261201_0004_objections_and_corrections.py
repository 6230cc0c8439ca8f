"""the objection window and corrections: provisional and final results, public objections,
the piagam's ceremony date and logo, reissued certificates

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from migrations.ddl import create_table, drop_tables, key

revision: str = "0004"
down_revision: str | None = "0003"


def upgrade() -> None:
    create_table(
        "convention_logo",
        sa.Column("convention_id", sa.Integer(), nullable=False),
        sa.Column("png", sa.LargeBinary(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        references={"convention_id": "convention"},
        cascade=["convention_id"],
        primary_key=["convention_id"],
    )
    create_table(
        "objection",
        key(),
        sa.Column("convention_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("receipt", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        checks={"status": "status IN ('open', 'upheld', 'dismissed', 'void')"},
        references={"convention_id": "convention", "entry_id": "entry"},
        unique=[("receipt",)],
        indexes=[("address", "created_at"), "convention_id", "entry_id"],
    )

    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("generation", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("replaces_id", sa.Integer(), nullable=True))
        batch_op.drop_constraint(
            batch_op.f("uq_certificate_convention_id_kind_recipient_key"), type_="unique"
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_certificate_convention_id_kind_recipient_key_generation"),
            ["convention_id", "kind", "recipient_key", "generation"],
        )
        batch_op.create_unique_constraint(batch_op.f("uq_certificate_replaces_id"), ["replaces_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_certificate_replaces_id_certificate"),
            "certificate",
            ["replaces_id"],
            ["id"],
        )

    with op.batch_alter_table("convention", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ceremony_date", sa.Date(), nullable=True))

    with op.batch_alter_table("result", schema=None) as batch_op:
        # Results published before this revision were final at once.
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="final")
        )
        batch_op.add_column(
            sa.Column("objection_days", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("objection_deadline", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("finalized_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("finalized_by", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f("ck_result_status"), "status IN ('provisional', 'final')"
        )
    op.execute("UPDATE result SET finalized_at = published_at")
    with op.batch_alter_table("result", schema=None) as batch_op:
        batch_op.alter_column("status", server_default=None)
        batch_op.alter_column("objection_days", server_default=None)
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.alter_column("generation", server_default=None)


def downgrade() -> None:
    # Provisional results, objections and reissued certificates have no place before.
    op.execute("DELETE FROM objection")
    op.execute("DELETE FROM result WHERE status = 'provisional'")
    op.execute("UPDATE certificate SET replaces_id = NULL")
    op.execute("DELETE FROM certificate WHERE generation > 0")
    with op.batch_alter_table("result", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_result_status"), type_="check")
        batch_op.drop_column("finalized_by")
        batch_op.drop_column("finalized_at")
        batch_op.drop_column("objection_deadline")
        batch_op.drop_column("objection_days")
        batch_op.drop_column("status")

    with op.batch_alter_table("convention", schema=None) as batch_op:
        batch_op.drop_column("ceremony_date")

    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_certificate_replaces_id_certificate"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("uq_certificate_replaces_id"), type_="unique")
        batch_op.drop_constraint(
            batch_op.f("uq_certificate_convention_id_kind_recipient_key_generation"), type_="unique"
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_certificate_convention_id_kind_recipient_key"),
            ["convention_id", "kind", "recipient_key"],
        )
        batch_op.drop_column("replaces_id")
        batch_op.drop_column("generation")

    drop_tables("objection", "convention_logo")
