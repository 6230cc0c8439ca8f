"""The first stage admits every entry of the convention: record the entries that were
disqualified when the secretariat first advanced

``A_1`` is every entry of the convention (docs/scoring.md, "Stages"); the first advance records
it. Until this revision the service recorded only the entries not disqualified at that moment,
so an entry disqualified then and requalified afterwards had no stage at all: no row in any
ranking. The service now records every entry (a disqualified one still takes no part while it
is disqualified: every read leaves it out). Here the missing rows are added for every
convention whose first stage has been fixed; no other row changes.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"

# The first stage of a convention: the lowest position (then id), as the models order them.
FIRST_STAGE = """
    SELECT s.id FROM stage s WHERE s.convention_id = e.convention_id
    ORDER BY s.position, s.id LIMIT 1
"""


def upgrade() -> None:
    op.execute(
        f"""
        INSERT INTO admission (stage_id, entry_id)
        SELECT ({FIRST_STAGE}), e.id FROM entry e
        WHERE EXISTS (
            SELECT 1 FROM stage a
            WHERE a.convention_id = e.convention_id AND a.advanced_at IS NOT NULL
        )
        AND NOT EXISTS (
            SELECT 1 FROM admission m WHERE m.entry_id = e.id AND m.stage_id = ({FIRST_STAGE})
        )
        """
    )


def downgrade() -> None:
    """Nothing to undo: the rows added are what revision 0006's code would have recorded had
    the entries not been disqualified, and that code reads them the same way (a disqualified
    entry is left out of every read)."""
