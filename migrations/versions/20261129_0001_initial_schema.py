"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

import sqlalchemy as sa

from migrations.ddl import create_link_table, create_table, drop_tables, key, timestamps

revision: str = "0001"
down_revision: str | None = None


def upgrade() -> None:
    create_table(
        "audit_event",
        key(),
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
        indexes=[("convention_id", "id"), "entry_id", "juror_id"],
    )
    create_table(
        "convention",
        key(),
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
        *timestamps(),
        checks={
            "assignment_mode": "assignment_mode IN ('all', 'assigned')",
            "status": "status IN ('draft', 'judging', 'closed')",
            "top_n": "top_n >= 1",
            "zscore_min_sheets": "zscore_min_sheets >= 1",
        },
    )
    create_table(
        "login_failure",
        key(),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        indexes=[("key", "at")],
    )
    create_table(
        "criterion",
        key(),
        sa.Column("convention_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("weight", sa.Double(), nullable=False),
        sa.Column("min_score", sa.Double(), nullable=False),
        sa.Column("max_score", sa.Double(), nullable=False),
        sa.Column("step", sa.Double(), nullable=True),
        sa.Column("tie_break_rank", sa.Integer(), nullable=True),
        *timestamps(),
        checks={
            "range": "max_score > min_score",
            "step": "step IS NULL OR step > 0",
            "tie_break_rank": "tie_break_rank IS NULL OR tie_break_rank >= 1",
            "weight": "weight > 0",
        },
        references={"convention_id": "convention"},
        unique=[("convention_id", "code"), ("convention_id", "tie_break_rank")],
        indexes=["convention_id"],
    )
    create_table(
        "opd",
        key(),
        sa.Column("convention_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        *timestamps(),
        references={"convention_id": "convention"},
        unique=[("convention_id", "code")],
        indexes=["convention_id"],
    )
    create_table(
        "panel",
        key(),
        sa.Column("convention_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("weight", sa.Double(), nullable=False),
        *timestamps(),
        checks={"weight": "weight > 0"},
        references={"convention_id": "convention"},
        unique=[("convention_id", "name")],
        indexes=["convention_id"],
    )
    create_table(
        "result",
        key(),
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
        references={"convention_id": "convention"},
        unique=[("convention_id",)],
    )
    create_table(
        "account",
        key(),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("credential_stamp", sa.String(length=32), nullable=False),
        sa.Column("convention_id", sa.Integer(), nullable=True),
        sa.Column("panel_id", sa.Integer(), nullable=True),
        *timestamps(),
        checks={
            "juror_fields": "(role = 'admin' AND convention_id IS NULL AND panel_id IS NULL) OR (role = 'juror' AND convention_id IS NOT NULL AND panel_id IS NOT NULL)",
            "role": "role IN ('admin', 'juror')",
        },
        references={"convention_id": "convention", "panel_id": "panel"},
        unique=[("username",)],
        indexes=["convention_id", "panel_id"],
    )
    create_table(
        "entry",
        key(),
        sa.Column("convention_id", sa.Integer(), nullable=False),
        sa.Column("opd_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("acronym", sa.String(length=100), nullable=True),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        *timestamps(),
        checks={
            "category": "category IN ('teknologi', 'produk', 'proses', 'sdm', 'metode', 'konseptual', 'hubungan')",
        },
        references={"convention_id": "convention", "opd_id": "opd"},
        indexes=["convention_id", "opd_id"],
    )
    create_table(
        "result_sheet",
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        sa.Column("juror_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        references={"result_id": "result"},
        cascade=["result_id"],
        primary_key=["result_id", "sheet_id"],
    )
    create_table(
        "assignment",
        sa.Column("juror_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("convention_id", sa.Integer(), nullable=False),
        references={"convention_id": "convention", "entry_id": "entry", "juror_id": "account"},
        cascade=["juror_id"],
        primary_key=["juror_id", "entry_id"],
        indexes=["convention_id", "entry_id"],
    )
    create_table(
        "award",
        key(),
        sa.Column("convention_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        references={"convention_id": "convention", "entry_id": "entry"},
        unique=[("convention_id", "entry_id")],
        indexes=["entry_id"],
    )
    create_table(
        "certificate",
        key(),
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
        checks={
            "kind": "kind IN ('winner', 'participant', 'juror')",
            "recipient_type": "recipient_type IN ('opd', 'innovator', 'juror')",
        },
        references={"convention_id": "convention", "entry_id": "entry"},
        unique=[("code",), ("convention_id", "sequence")],
        indexes=["convention_id", "entry_id"],
    )
    create_table(
        "innovator",
        key(),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=True),
        references={"entry_id": "entry"},
        cascade=["entry_id"],
        unique=[("entry_id", "position")],
        indexes=["entry_id"],
    )
    create_link_table("juror_conflict", ("juror_id", "account"), ("opd_id", "opd"))
    create_link_table(
        "recusal",
        ("juror_id", "account"),
        ("entry_id", "entry"),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    create_table(
        "sheet",
        key(),
        sa.Column("convention_id", sa.Integer(), nullable=False),
        sa.Column("juror_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *timestamps(),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        checks={"status": "status IN ('draft', 'submitted')", "version": "version >= 1"},
        references={"convention_id": "convention", "entry_id": "entry", "juror_id": "account"},
        unique=[("juror_id", "entry_id", "stage")],
        indexes=[("convention_id", "status"), "entry_id"],
    )
    create_table(
        "reward",
        key(),
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
        *timestamps(),
        checks={
            "kind": "kind IN ('cash', 'plaque', 'trophy', 'other')",
            "recipient_type": "recipient_type IN ('opd', 'innovator', 'juror')",
            "status": "status IN ('planned', 'delivered')",
            "amount_idr": "amount_idr IS NULL OR amount_idr >= 0",
        },
        references={"award_id": "award", "convention_id": "convention"},
        indexes=["award_id", "convention_id"],
    )


def downgrade() -> None:
    drop_tables(
        "reward",
        "sheet",
        "recusal",
        "juror_conflict",
        "innovator",
        "certificate",
        "award",
        "assignment",
        "result_sheet",
        "entry",
        "account",
        "result",
        "panel",
        "opd",
        "criterion",
        "login_failure",
        "convention",
        "audit_event",
    )
