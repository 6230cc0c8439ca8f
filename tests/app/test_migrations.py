"""The real migrations, on both engines: up, matching the models, down, and up again."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from app import migrate
from app.db import create_db_engine
from app.models import Base


def tables(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(inspect(conn).get_table_names())


def diffs(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def test_upgrade_from_empty_reaches_head_matching_the_models(url: str) -> None:
    migrate.upgrade(url)
    engine = create_db_engine(url)
    try:
        assert migrate.current_revision(engine) == migrate.head_revision()
        assert tables(engine) == set(Base.metadata.tables) | {"alembic_version"}
        assert diffs(engine) == []
        command.check(migrate.alembic_config(url))  # `alembic check` itself
        migrate.upgrade(url)  # a second run is a no-op
        assert migrate.current_revision(engine) == migrate.head_revision()
    finally:
        engine.dispose()


def test_downgrade_to_base_leaves_no_tables_and_upgrade_works_again(url: str) -> None:
    migrate.upgrade(url)
    command.downgrade(migrate.alembic_config(url), "base")
    engine = create_db_engine(url)
    try:
        assert tables(engine) <= {"alembic_version"}
        assert migrate.current_revision(engine) is None
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                leftovers = conn.scalar(
                    text(
                        "SELECT count(*) FROM pg_class c JOIN pg_namespace n "
                        "ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
                        "AND c.relname NOT LIKE 'alembic_version%'"
                    )
                )
            assert leftovers == 0
        migrate.upgrade(url)
        assert migrate.current_revision(engine) == migrate.head_revision()
        assert tables(engine) == set(Base.metadata.tables) | {"alembic_version"}
        assert diffs(engine) == []
    finally:
        engine.dispose()


def test_revisions_form_one_line_with_a_downgrade_each() -> None:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    assert len(scripts.get_heads()) == 1
    for revision in scripts.walk_revisions():
        source = Path(revision.path).read_text()
        assert "def downgrade() -> None:" in source
        assert "pass\n" not in source.split("def downgrade() -> None:")[1][:200]
