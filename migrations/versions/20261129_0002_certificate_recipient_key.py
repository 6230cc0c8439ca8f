"""certificate recipient key: one certificate of a kind per recipient

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"


def upgrade() -> None:
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recipient_key", sa.String(length=64), nullable=True))
    # Rows issued before this revision get a key of their own, so none collide.
    op.execute("UPDATE certificate SET recipient_key = 'legacy:' || id")
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.alter_column("recipient_key", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_certificate_convention_id_kind_recipient_key"),
            ["convention_id", "kind", "recipient_key"],
        )


def downgrade() -> None:
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_certificate_convention_id_kind_recipient_key"), type_="unique"
        )
        batch_op.drop_column("recipient_key")
