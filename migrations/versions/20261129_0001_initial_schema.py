"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("convention_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_username", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target_type", sa.String(length=32), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("juror_id", sa.Integer(), nullable=True),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_audit_event_convention_id_id", "audit_event", ["convention_id", "id"], unique=False
    )
    op.create_index(op.f("ix_audit_event_entry_id"), "audit_event", ["entry_id"], unique=False)
    op.create_index(op.f("ix_audit_event_juror_id"), "audit_event", ["juror_id"], unique=False)

    op.create_table(
        "convention",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=200), nullable=True),
        sa.Column("top_n", sa.Integer(), nullable=False),
        sa.Column("letter_code", sa.String(length=40), nullable=False),
        sa.Column("award_names", sa.JSON(), nullable=False),
        sa.Column("zscore_min_sheets", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("assignment_mode", sa.String(length=16), nullable=False),
        sa.Column("judging_deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("signatory_name", sa.String(length=200), nullable=True),
        sa.Column("signatory_title", sa.String(length=200), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "assignment_mode IN ('all', 'assigned')", name=op.f("ck_convention_assignment_mode")
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'judging', 'closed')", name=op.f("ck_convention_status")
        ),
        sa.CheckConstraint("top_n >= 1", name=op.f("ck_convention_top_n")),
        sa.CheckConstraint("zscore_min_sheets >= 1", name=op.f("ck_convention_zscore_min_sheets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_convention")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failure")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_login_failure_key_at", "login_failure", ["key", "at"], unique=False)

    op.create_table(
        "criterion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("convention_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("weight", sa.Double(), nullable=False),
        sa.Column("min_score", sa.Double(), nullable=False),
        sa.Column("max_score", sa.Double(), nullable=False),
        sa.Column("step", sa.Double(), nullable=True),
        sa.Column("tie_break_rank", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("max_score > min_score", name=op.f("ck_criterion_range")),
        sa.CheckConstraint("step IS NULL OR step > 0", name=op.f("ck_criterion_step")),
        sa.CheckConstraint(
            "tie_break_rank IS NULL OR tie_break_rank >= 1",
            name=op.f("ck_criterion_tie_break_rank"),
        ),
        sa.CheckConstraint("weight > 0", name=op.f("ck_criterion_weight")),
        sa.ForeignKeyConstraint(
            ["convention_id"], ["convention.id"], name=op.f("fk_criterion_convention_id_convention")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criterion")),
        sa.UniqueConstraint("convention_id", "code", name=op.f("uq_criterion_convention_id_code")),
        sa.UniqueConstraint(
            "convention_id",
            "tie_break_rank",
            name=op.f("uq_criterion_convention_id_tie_break_rank"),
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_criterion_convention_id"), "criterion", ["convention_id"], unique=False
    )

    op.create_table(
        "opd",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("convention_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["convention_id"], ["convention.id"], name=op.f("fk_opd_convention_id_convention")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opd")),
        sa.UniqueConstraint("convention_id", "code", name=op.f("uq_opd_convention_id_code")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_opd_convention_id"), "opd", ["convention_id"], unique=False)

    op.create_table(
        "panel",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("convention_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("weight", sa.Double(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("weight > 0", name=op.f("ck_panel_weight")),
        sa.ForeignKeyConstraint(
            ["convention_id"], ["convention.id"], name=op.f("fk_panel_convention_id_convention")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel")),
        sa.UniqueConstraint("convention_id", "name", name=op.f("uq_panel_convention_id_name")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_panel_convention_id"), "panel", ["convention_id"], unique=False)

    op.create_table(
        "result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("convention_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("top_n", sa.Integer(), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("rubric", sa.JSON(), nullable=False),
        sa.Column("sheets_digest", sa.String(length=64), nullable=False),
        sa.Column("sheet_count", sa.Integer(), nullable=False),
        sa.Column("allow_incomplete", sa.Boolean(), nullable=False),
        sa.Column("incomplete_entry_ids", sa.JSON(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["convention_id"], ["convention.id"], name=op.f("fk_result_convention_id_convention")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_result")),
        sa.UniqueConstraint("convention_id", name=op.f("uq_result_convention_id")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("credential_stamp", sa.String(length=32), nullable=False),
        sa.Column("convention_id", sa.Integer(), nullable=True),
        sa.Column("panel_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(role = 'admin' AND convention_id IS NULL AND panel_id IS NULL) OR (role = 'juror' AND convention_id IS NOT NULL AND panel_id IS NOT NULL)",
            name=op.f("ck_account_juror_fields"),
        ),
        sa.CheckConstraint("role IN ('admin', 'juror')", name=op.f("ck_account_role")),
        sa.ForeignKeyConstraint(
            ["convention_id"], ["convention.id"], name=op.f("fk_account_convention_id_convention")
        ),
        sa.ForeignKeyConstraint(["panel_id"], ["panel.id"], name=op.f("fk_account_panel_id_panel")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
        sa.UniqueConstraint("username", name=op.f("uq_account_username")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_account_convention_id"), "account", ["convention_id"], unique=False)
    op.create_index(op.f("ix_account_panel_id"), "account", ["panel_id"], unique=False)

    op.create_table(
        "entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("convention_id", sa.Integer(), nullable=False),
        sa.Column("opd_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("acronym", sa.String(length=100), nullable=True),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "category IN ('teknologi', 'produk', 'proses', 'sdm', 'metode', 'konseptual', 'hubungan')",
            name=op.f("ck_entry_category"),
        ),
        sa.ForeignKeyConstraint(
            ["convention_id"], ["convention.id"], name=op.f("fk_entry_convention_id_convention")
        ),
        sa.ForeignKeyConstraint(["opd_id"], ["opd.id"], name=op.f("fk_entry_opd_id_opd")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entry")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_entry_convention_id"), "entry", ["convention_id"], unique=False)
    op.create_index(op.f("ix_entry_opd_id"), "entry", ["opd_id"], unique=False)

    op.create_table(
        "result_sheet",
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        sa.Column("juror_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["result_id"],
            ["result.id"],
            name=op.f("fk_result_sheet_result_id_result"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("result_id", "sheet_id", name=op.f("pk_result_sheet")),
    )
    op.create_table(
        "assignment",
        sa.Column("juror_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("convention_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["convention_id"],
            ["convention.id"],
            name=op.f("fk_assignment_convention_id_convention"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["entry.id"], name=op.f("fk_assignment_entry_id_entry")
        ),
        sa.ForeignKeyConstraint(
            ["juror_id"],
            ["account.id"],
            name=op.f("fk_assignment_juror_id_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("juror_id", "entry_id", name=op.f("pk_assignment")),
    )
    op.create_index(
        op.f("ix_assignment_convention_id"), "assignment", ["convention_id"], unique=False
    )
    op.create_index(op.f("ix_assignment_entry_id"), "assignment", ["entry_id"], unique=False)

    op.create_table(
        "award",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("convention_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["convention_id"], ["convention.id"], name=op.f("fk_award_convention_id_convention")
        ),
        sa.ForeignKeyConstraint(["entry_id"], ["entry.id"], name=op.f("fk_award_entry_id_entry")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award")),
        sa.UniqueConstraint(
            "convention_id", "entry_id", name=op.f("uq_award_convention_id_entry_id")
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_award_entry_id"), "award", ["entry_id"], unique=False)

    op.create_table(
        "certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("convention_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=80), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("recipient_type", sa.String(length=16), nullable=False),
        sa.Column("recipient_name", sa.String(length=200), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("juror_id", sa.Integer(), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("award_name", sa.String(length=100), nullable=True),
        sa.Column("entry_title", sa.String(length=300), nullable=True),
        sa.Column("opd_name", sa.String(length=200), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('winner', 'participant', 'juror')", name=op.f("ck_certificate_kind")
        ),
        sa.CheckConstraint(
            "recipient_type IN ('opd', 'innovator', 'juror')",
            name=op.f("ck_certificate_recipient_type"),
        ),
        sa.ForeignKeyConstraint(
            ["convention_id"],
            ["convention.id"],
            name=op.f("fk_certificate_convention_id_convention"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["entry.id"], name=op.f("fk_certificate_entry_id_entry")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate")),
        sa.UniqueConstraint("code", name=op.f("uq_certificate_code")),
        sa.UniqueConstraint(
            "convention_id", "sequence", name=op.f("uq_certificate_convention_id_sequence")
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_certificate_convention_id"), "certificate", ["convention_id"], unique=False
    )
    op.create_index(op.f("ix_certificate_entry_id"), "certificate", ["entry_id"], unique=False)

    op.create_table(
        "innovator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=True),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["entry.id"], name=op.f("fk_innovator_entry_id_entry"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_innovator")),
        sa.UniqueConstraint("entry_id", "position", name=op.f("uq_innovator_entry_id_position")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_innovator_entry_id"), "innovator", ["entry_id"], unique=False)

    op.create_table(
        "juror_conflict",
        sa.Column("juror_id", sa.Integer(), nullable=False),
        sa.Column("opd_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["juror_id"],
            ["account.id"],
            name=op.f("fk_juror_conflict_juror_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["opd_id"], ["opd.id"], name=op.f("fk_juror_conflict_opd_id_opd")),
        sa.PrimaryKeyConstraint("juror_id", "opd_id", name=op.f("pk_juror_conflict")),
    )
    op.create_index(op.f("ix_juror_conflict_opd_id"), "juror_conflict", ["opd_id"], unique=False)

    op.create_table(
        "recusal",
        sa.Column("juror_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["entry.id"], name=op.f("fk_recusal_entry_id_entry")),
        sa.ForeignKeyConstraint(
            ["juror_id"],
            ["account.id"],
            name=op.f("fk_recusal_juror_id_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("juror_id", "entry_id", name=op.f("pk_recusal")),
    )
    op.create_index(op.f("ix_recusal_entry_id"), "recusal", ["entry_id"], unique=False)

    op.create_table(
        "sheet",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("convention_id", sa.Integer(), nullable=False),
        sa.Column("juror_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('draft', 'submitted')", name=op.f("ck_sheet_status")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_sheet_version")),
        sa.ForeignKeyConstraint(
            ["convention_id"], ["convention.id"], name=op.f("fk_sheet_convention_id_convention")
        ),
        sa.ForeignKeyConstraint(["entry_id"], ["entry.id"], name=op.f("fk_sheet_entry_id_entry")),
        sa.ForeignKeyConstraint(
            ["juror_id"], ["account.id"], name=op.f("fk_sheet_juror_id_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sheet")),
        sa.UniqueConstraint(
            "juror_id", "entry_id", "stage", name=op.f("uq_sheet_juror_id_entry_id_stage")
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_sheet_convention_id_status", "sheet", ["convention_id", "status"], unique=False
    )
    op.create_index(op.f("ix_sheet_entry_id"), "sheet", ["entry_id"], unique=False)

    op.create_table(
        "reward",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("convention_id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("recipient_type", sa.String(length=16), nullable=False),
        sa.Column("recipient_name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount_idr", sa.BigInteger(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('cash', 'plaque', 'trophy', 'other')", name=op.f("ck_reward_kind")
        ),
        sa.CheckConstraint(
            "recipient_type IN ('opd', 'innovator', 'juror')", name=op.f("ck_reward_recipient_type")
        ),
        sa.CheckConstraint("status IN ('planned', 'delivered')", name=op.f("ck_reward_status")),
        sa.CheckConstraint(
            "amount_idr IS NULL OR amount_idr >= 0", name=op.f("ck_reward_amount_idr")
        ),
        sa.ForeignKeyConstraint(["award_id"], ["award.id"], name=op.f("fk_reward_award_id_award")),
        sa.ForeignKeyConstraint(
            ["convention_id"], ["convention.id"], name=op.f("fk_reward_convention_id_convention")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reward")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_reward_award_id"), "reward", ["award_id"], unique=False)
    op.create_index(op.f("ix_reward_convention_id"), "reward", ["convention_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_reward_convention_id"), table_name="reward")
    op.drop_index(op.f("ix_reward_award_id"), table_name="reward")

    op.drop_table("reward")
    op.drop_index(op.f("ix_sheet_entry_id"), table_name="sheet")
    op.drop_index("ix_sheet_convention_id_status", table_name="sheet")

    op.drop_table("sheet")
    op.drop_index(op.f("ix_recusal_entry_id"), table_name="recusal")

    op.drop_table("recusal")
    op.drop_index(op.f("ix_juror_conflict_opd_id"), table_name="juror_conflict")

    op.drop_table("juror_conflict")
    op.drop_index(op.f("ix_innovator_entry_id"), table_name="innovator")

    op.drop_table("innovator")
    op.drop_index(op.f("ix_certificate_entry_id"), table_name="certificate")
    op.drop_index(op.f("ix_certificate_convention_id"), table_name="certificate")

    op.drop_table("certificate")
    op.drop_index(op.f("ix_award_entry_id"), table_name="award")

    op.drop_table("award")
    op.drop_index(op.f("ix_assignment_entry_id"), table_name="assignment")
    op.drop_index(op.f("ix_assignment_convention_id"), table_name="assignment")

    op.drop_table("assignment")
    op.drop_table("result_sheet")
    op.drop_index(op.f("ix_entry_opd_id"), table_name="entry")
    op.drop_index(op.f("ix_entry_convention_id"), table_name="entry")

    op.drop_table("entry")
    op.drop_index(op.f("ix_account_panel_id"), table_name="account")
    op.drop_index(op.f("ix_account_convention_id"), table_name="account")

    op.drop_table("account")
    op.drop_table("result")
    op.drop_index(op.f("ix_panel_convention_id"), table_name="panel")

    op.drop_table("panel")
    op.drop_index(op.f("ix_opd_convention_id"), table_name="opd")

    op.drop_table("opd")
    op.drop_index(op.f("ix_criterion_convention_id"), table_name="criterion")

    op.drop_table("criterion")
    op.drop_index("ix_login_failure_key_at", table_name="login_failure")

    op.drop_table("login_failure")
    op.drop_table("convention")
    op.drop_index(op.f("ix_audit_event_juror_id"), table_name="audit_event")
    op.drop_index(op.f("ix_audit_event_entry_id"), table_name="audit_event")
    op.drop_index("ix_audit_event_convention_id_id", table_name="audit_event")

    op.drop_table("audit_event")
