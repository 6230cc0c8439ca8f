"""Rankings, CSV, explanations, agreement and published results through the API."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Result, ResultSheet
from tests.app import factories as f


def worked_example(session: Session, w: f.World) -> None:
    """Entry E1 of docs/scoring.md's worked example: k1 (8, 6), k2 (6, 10), l1 (7, 7)."""
    k1, k2, l1 = (j.account for j in w.jurors)
    f.make_sheet(session, k1, w.entries[0], {"A": 8, "B": 6})
    f.make_sheet(session, k2, w.entries[0], {"A": 6, "B": 10})
    f.make_sheet(session, l1, w.entries[0], {"A": 7, "B": 7})


def ranking(client: TestClient, w: f.World, method: str = "mean") -> dict[str, Any]:
    response = client.get(w.url(f"/ranking?method={method}"), headers=w.admin.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_ranking_reproduces_the_worked_example(
    client: TestClient, world: f.World, session: Session
) -> None:
    worked_example(session, world)
    body = ranking(client, world)
    assert body["convention_id"] == world.cid
    assert body["method"] == "mean"
    assert body["top_n"] == 10
    first = body["rows"][0]
    assert first["entry_id"] == world.entries[0].id
    assert first["rank"] == 1
    assert first["score"] == pytest.approx(71.25, abs=1e-9)
    assert first["panel_scores"] == pytest.approx({"K": 72.5, "L": 70.0})
    assert (first["sheet_count"], first["expected_sheet_count"], first["complete"]) == (3, 3, True)
    assert (first["tied"], first["awarded"]) == (False, True)
    assert first["title"] == "FASTREN"
    assert first["opd_code"] == "BAPPEDA"
    unscored = body["rows"][1:]
    assert [r["entry_id"] for r in unscored] == [world.entries[1].id, world.entries[2].id]
    assert all(
        r["rank"] is None and r["score"] is None and r["panel_scores"] == {} and not r["awarded"]
        for r in unscored
    )


def test_ranking_median_and_trimmed_of_the_example(
    client: TestClient, world: f.World, session: Session
) -> None:
    worked_example(session, world)
    # Two K values (75, 70): median = mean = 72.5; trimmed needs 3 values, so the mean.
    for method in ("median", "trimmed"):
        row = ranking(client, world, method)["rows"][0]
        assert row["score"] == pytest.approx(71.25)


def test_ranking_ignores_drafts_and_conflicted_sheets(
    client: TestClient, world: f.World, session: Session
) -> None:
    worked_example(session, world)
    conflicted = f.make_juror(
        session, world.convention, world.panels[1], conflicts=(world.opds[0],)
    )
    f.make_sheet(session, conflicted, world.entries[0], {"A": 0, "B": 0})
    f.make_sheet(
        session, world.jurors[0].account, world.entries[1], {"A": 1, "B": 1}, status="draft"
    )
    body = ranking(client, world)
    assert body["rows"][0]["score"] == pytest.approx(71.25)
    assert body["rows"][0]["expected_sheet_count"] == 3
    assert body["rows"][1]["score"] is None
    assert body["rows"][1]["expected_sheet_count"] == 4


def test_ranking_warns_panel_missing(client: TestClient, world: f.World, session: Session) -> None:
    f.make_sheet(session, world.jurors[0].account, world.entries[1], {"A": 5, "B": 5})
    body = ranking(client, world)
    assert {"code": "panel_missing", "entry_ids": [world.entries[1].id]} in body["warnings"]


def test_ranking_with_unknown_method_is_422(client: TestClient, world: f.World) -> None:
    response = client.get(world.url("/ranking?method=best"), headers=world.admin.headers)
    body = f.problem(response, 422, "validation")
    assert body["errors"][0]["loc"] == ["query", "method"]


def test_ranking_is_refused_to_jurors(client: TestClient, world: f.World) -> None:
    for path in (
        "/ranking",
        "/ranking.csv",
        f"/ranking/entries/{world.entries[0].id}",
        "/ranking/agreement",
        "/results/verify",
    ):
        f.problem(client.get(world.url(path), headers=world.jurors[0].headers), 403, "forbidden")
        f.problem(client.get(world.url(path)), 401, "unauthenticated")


def test_ranking_csv_follows_the_contract(
    client: TestClient, world: f.World, session: Session
) -> None:
    worked_example(session, world)
    world.entries[1].title = 'Judul, dengan "koma"'
    session.commit()
    f.make_sheet(session, world.jurors[0].account, world.entries[1], {"A": 5, "B": 5})
    response = client.get(world.url("/ranking.csv"), headers=world.admin.headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == [
        "rank",
        "entry_id",
        "title",
        "acronym",
        "opd_code",
        "score",
        "K",
        "L",
        "sheet_count",
        "expected_sheet_count",
        "complete",
        "tied",
        "awarded",
    ]
    e0, e1, _e2 = world.entries
    assert rows[1] == [
        "1",
        str(e0.id),
        "FASTREN",
        e0.acronym,
        "BAPPEDA",
        "71.25",
        "72.50",
        "70.00",
        "3",
        "3",
        "true",
        "false",
        "true",
    ]
    # 100 * (3*0.5 + 1*0.5) / 4 = 50.0 from panel K only
    assert rows[2] == [
        "2",
        str(e1.id),
        'Judul, dengan "koma"',
        e1.acronym,
        "DINKES",
        "50.00",
        "50.00",
        "",
        "1",
        "3",
        "false",
        "false",
        "true",
    ]
    assert rows[3][0] == "" and rows[3][5] == "" and rows[3][6] == ""


def test_explanation_adds_up(client: TestClient, world: f.World, session: Session) -> None:
    worked_example(session, world)
    response = client.get(
        world.url(f"/ranking/entries/{world.entries[0].id}"), headers=world.admin.headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    totals = {j["juror_id"]: j for j in body["jurors"]}
    k1 = totals[world.jurors[0].id]
    assert k1["total"] == pytest.approx(75.0)
    assert k1["contributions"] == pytest.approx({"A": 60.0, "B": 15.0})
    assert sum(k1["contributions"].values()) == pytest.approx(k1["total"])
    assert body["panel_scores"] == pytest.approx({"K": 72.5, "L": 70.0})
    assert body["score"] == pytest.approx(71.25)
    assert body["row"]["rank"] == 1
    missing = client.get(world.url("/ranking/entries/999999"), headers=world.admin.headers)
    f.problem(missing, 404, "not-found")


def test_agreement_reports_pairs_and_disagreements(
    client: TestClient, world: f.World, session: Session
) -> None:
    k1, k2, l1 = (j.account for j in world.jurors)
    scores = [(9, 9), (5, 5), (1, 1)]
    for entry, (a, b) in zip(world.entries, scores, strict=True):
        f.make_sheet(session, k1, entry, {"A": a, "B": b})
        f.make_sheet(session, l1, entry, {"A": a, "B": b})
    f.make_sheet(session, k2, world.entries[0], {"A": 0, "B": 0})
    body = client.get(
        world.url("/ranking/agreement?threshold=50"), headers=world.admin.headers
    ).json()
    assert body["pairs"][0]["panel_a"] == "K"
    assert body["pairs"][0]["panel_b"] == "L"
    assert body["pairs"][0]["entries"] == 3
    # K: e1 50, e0 (90 + 0) / 2 = 45, e2 10; L: e0 90, e1 50, e2 10 → 2 concordant pairs of 3,
    # 1 discordant: tau = 1/3.
    assert body["pairs"][0]["kendall_tau"] == pytest.approx(1 / 3)
    assert body["disagreements"] == [
        {
            "entry_id": world.entries[0].id,
            "spread": pytest.approx(90.0),
            "stage_id": world.convention.stages[0].id,
        }
    ]
    e0, e1, e2 = (e.id for e in world.entries)
    assert [r["entry_id"] for r in body["panel_rankings"]["L"]] == [e0, e1, e2]
    assert [r["entry_id"] for r in body["panel_rankings"]["K"]] == [e1, e0, e2]


def closed_with_example(session: Session, w: f.World) -> None:
    worked_example(session, w)
    f.set_status(session, w.convention, "closed")


def test_publish_freezes_results_and_is_public(
    client: TestClient, world: f.World, session: Session
) -> None:
    closed_with_example(session, world)
    before = client.get(world.url("/results"))
    f.problem(before, 404, "not-found")
    response = client.post(
        world.url("/results"),
        json={"method": "mean", "allow_incomplete": True},
        headers=world.admin.headers,
    )
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"/api/v1/conventions/{world.cid}/results"
    body = response.json()
    assert body["method"] == "mean"
    assert body["rows"][0]["score"] == pytest.approx(71.25)
    assert body["sheet_count"] == 3
    assert len(body["sheets_digest"]) == 64
    assert body["allow_incomplete"] is True
    assert body["incomplete_entry_ids"] == [world.entries[1].id, world.entries[2].id]
    assert body["rubric"]["stages"][0]["criteria"][0]["code"] == "A"
    public = client.get(world.url("/results"))
    assert public.status_code == 200
    assert public.json()["rows"] == body["rows"]
    assert session.scalar(select(func.count()).select_from(ResultSheet)) == 3
    # Immutable: a later change to the sheets does not touch them.
    again = client.post(world.url("/results"), headers=world.admin.headers)
    f.problem(again, 409, "duplicate")
    assert session.scalar(select(func.count()).select_from(Result)) == 1
    reopen = client.patch(world.url(), json={"status": "judging"}, headers=world.admin.headers)
    f.problem(reopen, 409, "convention-state")


def test_publish_without_body_refuses_incomplete_entries_naming_them(
    client: TestClient, world: f.World, session: Session
) -> None:
    closed_with_example(session, world)
    response = client.post(world.url("/results"), headers=world.admin.headers)
    body = f.problem(response, 409, "incomplete")
    assert body["entry_ids"] == [world.entries[1].id, world.entries[2].id]
    assert session.scalar(select(func.count()).select_from(Result)) == 0


def test_publish_without_body_uses_mean_when_complete(
    client: TestClient, world: f.World, session: Session
) -> None:
    for entry in world.entries:
        for juror in world.jurors:
            f.make_sheet(session, juror.account, entry, {"A": 5, "B": 5})
    f.set_status(session, world.convention, "closed")
    response = client.post(world.url("/results"), headers=world.admin.headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["method"] == "mean"
    assert body["allow_incomplete"] is False
    assert body["incomplete_entry_ids"] == []


def test_publish_needs_closed(client: TestClient, world: f.World, session: Session) -> None:
    worked_example(session, world)
    f.set_status(session, world.convention, "judging")
    response = client.post(world.url("/results"), headers=world.admin.headers)
    f.problem(response, 409, "convention-state")
    assert session.scalar(select(func.count()).select_from(Result)) == 0


def test_publish_with_allow_incomplete_false_refuses_incomplete(
    client: TestClient, world: f.World, session: Session
) -> None:
    closed_with_example(session, world)
    response = client.post(
        world.url("/results"), json={"allow_incomplete": False}, headers=world.admin.headers
    )
    body = f.problem(response, 409, "incomplete")
    assert body["entry_ids"] == [world.entries[1].id, world.entries[2].id]
    assert session.scalar(select(func.count()).select_from(Result)) == 0


def test_publish_is_refused_to_jurors(client: TestClient, world: f.World, session: Session) -> None:
    closed_with_example(session, world)
    f.problem(client.post(world.url("/results"), headers=world.jurors[0].headers), 403, "forbidden")


def test_verify_detects_a_changed_sheet(
    client: TestClient, world: f.World, session: Session
) -> None:
    closed_with_example(session, world)
    client.post(world.url("/results"), json={"allow_incomplete": True}, headers=world.admin.headers)
    fine = client.get(world.url("/results/verify"), headers=world.admin.headers).json()
    assert fine["matches"] is True
    assert fine["changed_sheets"] == []
    from app.models import Sheet

    sheet = session.scalars(select(Sheet).where(Sheet.juror_id == world.jurors[2].id)).one()
    sheet.scores = {"A": 10, "B": 10}
    sheet.version = 2
    session.commit()
    broken = client.get(world.url("/results/verify"), headers=world.admin.headers).json()
    assert broken["matches"] is False
    assert broken["changed_sheets"] == [
        {"sheet_id": sheet.id, "juror_id": world.jurors[2].id, "entry_id": world.entries[0].id}
    ]
    assert broken["differing_entry_ids"] == [world.entries[0].id]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_ranking_csv_quotes_every_text_cell_a_spreadsheet_would_run(
    client: TestClient, world: f.World, session: Session, start: str
) -> None:
    # Stored before the names rule, or by a script: the CSV must still be inert.
    worked_example(session, world)
    e0 = world.entries[0]
    e0.title = f'{start}HYPERLINK("http://x","klik")'
    e0.acronym = f"{start}SUM(A1)"
    world.opds[0].code = f"{start}CMD"
    world.panels[0].name = f"{start}PANEL"
    session.commit()
    response = client.get(world.url("/ranking.csv"), headers=world.admin.headers)
    assert response.status_code == 200, response.text
    rows = list(csv.reader(io.StringIO(response.text, newline="")))
    assert rows[0][6:8] == [f"'{start}PANEL", "L"]
    assert rows[1][:6] == [
        "1",
        str(e0.id),
        f'\'{start}HYPERLINK("http://x","klik")',
        f"'{start}SUM(A1)",
        f"'{start}CMD",
        "71.25",
    ]
    # Numbers stay numbers: a negative score is not a formula.
    assert rows[1][6:8] == ["72.50", "70.00"]
