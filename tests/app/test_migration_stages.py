"""Migration 0003 moves every convention into its UTAMA stage: a database made at revision
0002, with sheets, ranks the same after the upgrade; and the downgrade works."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, text

import scoring
from app import migrate
from app.db import Database
from app.services import ranking
from tests.app.databases import migrated_to

NOW = datetime(2018, 5, 8, 9, 0, tzinfo=UTC).replace(tzinfo=None)


def _seed_at_0002(engine: Engine) -> dict[str, object]:
    """Two criteria, two panels, three jurors, three entries and their sheets, as the
    service stored them before stages (``sheet.stage = 'main'``)."""
    scores = {
        (1, 1): {"A": 8, "B": 6},
        (2, 1): {"A": 6, "B": 10},
        (3, 1): {"A": 7, "B": 7},
        (1, 2): {"A": 9, "B": 2},
        (3, 2): {"A": 9, "B": 2},
        (2, 3): {"A": 4, "B": 4},
    }
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO convention (id, name, year, top_n, letter_code, award_names, "
                "zscore_min_sheets, status, assignment_mode, created_at, updated_at) VALUES "
                "(1, 'Solok', 2018, 2, 'KIP', :names, 5, 'closed', 'all', :now, :now)"
            ),
            {"names": json.dumps(["Juara I"]), "now": NOW},
        )
        for cid, code, weight, rank in ((1, "A", 3.0, 1), (2, "B", 1.0, None)):
            conn.execute(
                text(
                    "INSERT INTO criterion (id, convention_id, code, name, weight, min_score, "
                    "max_score, tie_break_rank, created_at, updated_at) VALUES "
                    "(:id, 1, :code, :code, :w, 0, 10, :rank, :now, :now)"
                ),
                {"id": cid, "code": code, "w": weight, "rank": rank, "now": NOW},
            )
        for pid, name in ((1, "K"), (2, "L")):
            conn.execute(
                text(
                    "INSERT INTO panel (id, convention_id, name, weight, created_at, updated_at) "
                    "VALUES (:id, 1, :name, 1, :now, :now)"
                ),
                {"id": pid, "name": name, "now": NOW},
            )
        conn.execute(
            text(
                "INSERT INTO opd (id, convention_id, code, name, created_at, updated_at) "
                "VALUES (1, 1, 'BAPPEDA', 'Bappeda', :now, :now)"
            ),
            {"now": NOW},
        )
        for eid in (1, 2, 3):
            conn.execute(
                text(
                    "INSERT INTO entry (id, convention_id, opd_id, title, category, "
                    "created_at, updated_at) VALUES (:id, 1, 1, :title, 'proses', :now, :now)"
                ),
                {"id": eid, "title": f"Inovasi {eid}", "now": NOW},
            )
        for jid, panel in ((1, 1), (2, 1), (3, 2)):
            conn.execute(
                text(
                    "INSERT INTO account (id, username, full_name, role, password_hash, "
                    "credential_stamp, convention_id, panel_id, created_at, updated_at) VALUES "
                    "(:id, :u, :u, 'juror', 'x', 's', 1, :panel, :now, :now)"
                ),
                {"id": jid, "u": f"juri{jid}", "panel": panel, "now": NOW},
            )
        for sid, ((juror, entry), values) in enumerate(sorted(scores.items()), start=1):
            conn.execute(
                text(
                    "INSERT INTO sheet (id, convention_id, juror_id, entry_id, stage, scores, "
                    "status, version, created_at, updated_at) VALUES "
                    "(:id, 1, :j, :e, 'main', :scores, 'submitted', 1, :now, :now)"
                ),
                {"id": sid, "j": juror, "e": entry, "scores": json.dumps(values), "now": NOW},
            )
    return {"scores": scores}


def _expected(scores: dict[tuple[int, int], dict[str, float]]) -> scoring.Ranking:
    """The ranking of the seeded data as Steps 1 to 5 compute it, without the service."""
    return scoring.rank(
        [scoring.Criterion(1, "A", 3, 0, 10, 1), scoring.Criterion(2, "B", 1, 0, 10)],
        [scoring.Panel(1, "K", 1), scoring.Panel(2, "L", 1)],
        [scoring.Juror(1, 1), scoring.Juror(2, 1), scoring.Juror(3, 2)],
        [scoring.Entry(e, 1) for e in (1, 2, 3)],
        [scoring.Sheet(j, e, s) for (j, e), s in scores.items()],
        top_n=2,
    )


def test_upgrade_moves_sheets_into_utama_and_ranks_the_same(url: str) -> None:
    with migrated_to(url, "0002") as migrating:
        engine = migrating.engine
        seeded = _seed_at_0002(engine)
        migrating.upgrade()
        with engine.connect() as conn:
            stages = conn.execute(
                text("SELECT id, convention_id, code, kind, weight, position FROM stage")
            ).all()
            assert [tuple(s)[1:] for s in stages] == [(1, "UTAMA", "scored", 1.0, 1)]
            stage_id = stages[0][0]
            assert conn.execute(text("SELECT DISTINCT stage_id FROM sheet")).scalars().all() == [
                stage_id
            ]
            assert conn.execute(
                text("SELECT DISTINCT stage_id FROM criterion")
            ).scalars().all() == [stage_id]
        db = Database(engine)
        with db.transaction(write=False) as session:
            from app.models import Convention

            convention = session.get(Convention, 1)
            assert convention is not None and convention.current_stage_id == stage_id
            got = ranking.compute(ranking.request(session, convention, "mean"))
        want = _expected(seeded["scores"])  # type: ignore[arg-type]
        assert [(r["entry_id"], r["rank"], r["tied"], r["awarded"]) for r in got["rows"]] == [
            (r.entry_id, r.rank, r.tied, r.awarded) for r in want.rows
        ]
        for row, expected in zip(got["rows"], want.rows, strict=True):
            assert row["score"] == pytest.approx(expected.score)


def test_downgrade_keeps_the_first_stages_sheets(url: str) -> None:
    with migrated_to(url, "0002") as migrating:
        engine = migrating.engine
        _seed_at_0002(engine)
        migrating.upgrade()
        migrating.downgrade("0002")
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT stage, count(*) FROM sheet GROUP BY stage")).all()
            assert [tuple(r) for r in rows] == [("main", 6)]
            assert conn.execute(text("SELECT count(*) FROM criterion")).scalar() == 2
        migrating.upgrade()
        assert migrate.current_revision(engine) == migrate.head_revision()
