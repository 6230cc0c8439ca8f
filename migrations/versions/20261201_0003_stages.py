"""stages of judging: every convention gets its UTAMA stage; criteria and sheets move into it;
entries can be disqualified; conventions choose their award scope, awards and
certificates carry their category

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from migrations.ddl import create_link_table, create_table, drop_tables, key, timestamps

revision: str = "0003"
down_revision: str | None = "0002"


def upgrade() -> None:
    create_table(
        "stage",
        key(),
        sa.Column("convention_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("weight", sa.Double(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("all_panels", sa.Boolean(), nullable=False),
        sa.Column("advance_rule", sa.String(length=24), nullable=True),
        sa.Column("advance_count", sa.Integer(), nullable=True),
        sa.Column("advance_min_score", sa.Double(), nullable=True),
        sa.Column("advanced_at", sa.DateTime(timezone=True), nullable=True),
        *timestamps(),
        checks={
            "advance_count": "advance_count IS NULL OR advance_count >= 1",
            "advance_rule": "advance_rule IS NULL OR advance_rule IN ('all', 'top', "
            "'top_per_category', 'min_score')",
            "kind": "kind IN ('scored', 'screening')",
            "position": "position >= 1",
            "weight": "weight >= 0",
        },
        references={"convention_id": "convention"},
        unique=[("convention_id", "code")],
        indexes=["convention_id"],
    )
    create_link_table("stage_panel", ("stage_id", "stage"), ("panel_id", "panel"))
    create_link_table("admission", ("stage_id", "stage"), ("entry_id", "entry"))
    create_link_table(
        "screening_decision",
        ("stage_id", "stage"),
        ("entry_id", "entry"),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
    )
    create_table(
        "stage_result",
        key(),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("selected_entry_ids", sa.JSON(), nullable=False),
        sa.Column("added_entry_ids", sa.JSON(), nullable=False),
        sa.Column("removed_entry_ids", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        references={"stage_id": "stage"},
        unique=[("stage_id",)],
    )

    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("disqualified", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("disqualification_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.alter_column("disqualified", server_default=None)

    for table in ("award", "certificate"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("category", sa.String(length=16), nullable=True))

    # Every convention judges in one stage, UTAMA, until the secretariat adds others.
    with op.batch_alter_table("convention", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("award_scope", sa.String(length=16), nullable=False, server_default="overall")
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_convention_award_scope"), "award_scope IN ('overall', 'per_category')"
        )
    with op.batch_alter_table("convention", schema=None) as batch_op:
        batch_op.alter_column("award_scope", server_default=None)

    convention = sa.table(
        "convention",
        sa.column("id", sa.Integer()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    stage = sa.table(
        "stage",
        sa.column("id", sa.Integer()),
        sa.column("convention_id", sa.Integer()),
        sa.column("code", sa.String()),
        sa.column("name", sa.String()),
        sa.column("kind", sa.String()),
        sa.column("weight", sa.Double()),
        sa.column("position", sa.Integer()),
        sa.column("all_panels", sa.Boolean()),
        sa.column("advance_rule", sa.String()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    op.execute(
        stage.insert().from_select(
            [
                "convention_id",
                "code",
                "name",
                "kind",
                "weight",
                "position",
                "all_panels",
                "advance_rule",
                "created_at",
                "updated_at",
            ],
            sa.select(
                convention.c.id,
                sa.literal("UTAMA"),
                sa.literal("Penilaian"),
                sa.literal("scored"),
                sa.literal(1.0, sa.Double()),
                sa.literal(1),
                sa.true(),
                sa.literal("all"),
                convention.c.created_at,
                convention.c.updated_at,
            ),
        )
    )

    for table in ("criterion", "sheet"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("stage_id", sa.Integer(), nullable=True))
        op.execute(
            f"UPDATE {table} SET stage_id = (SELECT stage.id FROM stage "
            f"WHERE stage.convention_id = {table}.convention_id)"
        )

    with op.batch_alter_table("criterion", schema=None) as batch_op:
        batch_op.alter_column("stage_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(
            batch_op.f("uq_criterion_convention_id_tie_break_rank"), type_="unique"
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_criterion_stage_id_tie_break_rank"), ["stage_id", "tie_break_rank"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_criterion_stage_id_stage"), "stage", ["stage_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_criterion_stage_id"), ["stage_id"], unique=False)

    with op.batch_alter_table("sheet", schema=None) as batch_op:
        batch_op.alter_column("stage_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(batch_op.f("uq_sheet_juror_id_entry_id_stage"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_sheet_juror_id_entry_id_stage_id"), ["juror_id", "entry_id", "stage_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_sheet_stage_id_stage"), "stage", ["stage_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_sheet_stage_id"), ["stage_id"], unique=False)
        batch_op.drop_column("stage")


def downgrade() -> None:
    # Back to one implicit stage: what was judged in a convention's first stage stays; the
    # criteria and sheets of later stages cannot be represented and are dropped.
    first = (
        "(SELECT s.id FROM stage s WHERE s.convention_id = {t}.convention_id "
        "ORDER BY s.position, s.id LIMIT 1)"
    )
    op.execute(f"DELETE FROM sheet WHERE stage_id <> {first.format(t='sheet')}")
    op.execute(f"DELETE FROM criterion WHERE stage_id <> {first.format(t='criterion')}")

    with op.batch_alter_table("sheet", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("stage", sa.String(length=32), nullable=False, server_default="main")
        )
    with op.batch_alter_table("sheet", schema=None) as batch_op:
        batch_op.alter_column("stage", server_default=None)
        batch_op.drop_index(batch_op.f("ix_sheet_stage_id"))
        batch_op.drop_constraint(batch_op.f("fk_sheet_stage_id_stage"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_sheet_juror_id_entry_id_stage_id"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_sheet_juror_id_entry_id_stage"), ["juror_id", "entry_id", "stage"]
        )
        batch_op.drop_column("stage_id")

    with op.batch_alter_table("criterion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_criterion_stage_id"))
        batch_op.drop_constraint(batch_op.f("fk_criterion_stage_id_stage"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_criterion_stage_id_tie_break_rank"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_criterion_convention_id_tie_break_rank"),
            ["convention_id", "tie_break_rank"],
        )
        batch_op.drop_column("stage_id")

    with op.batch_alter_table("convention", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_convention_award_scope"), type_="check")
        batch_op.drop_column("award_scope")

    for table in ("award", "certificate"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("category")

    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.drop_column("disqualification_reason")
        batch_op.drop_column("disqualified")

    drop_tables("stage_result", "screening_decision", "admission", "stage_panel", "stage")
