"""Would the winner still win? ``GET …/ranking/stability`` (Step 8), the explanation's
``stability``, the XLSX export's columns and ``konvensi ranking --stability``.

The convention: one criterion 0..100, one panel, three jurors, top 1. Juror totals
(E1, E2, E3): j1 (95, 70, 20), j2 (80, 85, 20), j3 (75, 85, 20). E1 wins (83.33 against 80);
without j1, E2 wins (85 against 77.5); without j2 or j3, E1 still does.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from tests.app import factories as f


@dataclass
class Cusp:
    cid: int
    entries: list[int]
    jurors: list[int]
    admin: f.Login
    juror: f.Login

    def url(self, path: str = "") -> str:
        return f"/api/v1/conventions/{self.cid}{path}"


@pytest.fixture
def cusp(session: Session) -> Cusp:
    convention = f.make_convention(session, name="Konvensi Cusp", top_n=1, status="closed")
    f.make_criterion(session, convention, code="X", name="Nilai", max_score=100)
    panel = f.make_panel(session, convention, name="LAN")
    opd = f.make_opd(session, convention, code="DINKES")
    entries = [f.make_entry(session, convention, opd, acronym=f"E{n}") for n in (1, 2, 3)]
    totals = {1: (95, 70, 20), 2: (80, 85, 20), 3: (75, 85, 20)}
    jurors = []
    for n, row in totals.items():
        juror = f.make_juror(session, convention, panel, full_name=f"Juri LAN {n}")
        jurors.append(juror)
        for entry, value in zip(entries, row, strict=True):
            f.make_sheet(session, juror, entry, {"X": value})
    session.commit()
    return Cusp(
        convention.id,
        [e.id for e in entries],
        [j.id for j in jurors],
        f.login(f.make_admin(session), f.SECRET),
        f.login(jurors[0], f.SECRET),
    )


def test_stability_names_the_cusp_and_its_range(client: TestClient, cusp: Cusp) -> None:
    answer = client.get(cusp.url("/ranking/stability"), headers=cusp.admin.headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    e1, e2, e3 = cusp.entries
    assert (body["method"], body["jurors_left_out"], body["stage_id"]) == ("mean", 3, None)
    assert body["rows"] == [
        {
            "entry_id": e1,
            "rank": 1,
            "rank_min": 1,
            "rank_max": 2,
            "awarded_share": pytest.approx(2 / 3),
            "verdict": "cusp",
        },
        {
            "entry_id": e2,
            "rank": 2,
            "rank_min": 1,
            "rank_max": 2,
            "awarded_share": pytest.approx(1 / 3),
            "verdict": "cusp",
        },
        {
            "entry_id": e3,
            "rank": 3,
            "rank_min": 3,
            "rank_max": 3,
            "awarded_share": 0.0,
            "verdict": "stable_out",
        },
    ]
    # Another method, another answer: the median of three is the middle juror.
    median = client.get(
        cusp.url("/ranking/stability"), params={"method": "median"}, headers=cusp.admin.headers
    ).json()
    assert median["method"] == "median"
    assert median["rows"][0]["entry_id"] == e2  # 85 against 80


def test_stability_refuses_bad_parameters_naming_them(
    client: TestClient, cusp: Cusp, world: f.World
) -> None:
    url = cusp.url("/ranking/stability")
    bad = client.get(url, params={"method": "best"}, headers=cusp.admin.headers)
    assert f.problem(bad, 422, "validation")["errors"][0]["loc"] == ["query", "method"]
    bad = client.get(url, params={"category": "nope"}, headers=cusp.admin.headers)
    assert f.problem(bad, 422, "validation")["errors"][0]["loc"] == ["query", "category"]
    screening = client.post(
        world.url("/stages"),
        json={"code": "SELEKSI", "name": "Seleksi", "kind": "screening", "position": 1},
        headers=world.admin.headers,
    ).json()
    refused = client.get(
        world.url("/ranking/stability"),
        params={"stage_id": screening["id"]},
        headers=world.admin.headers,
    )
    assert f.problem(refused, 422, "validation")["errors"][0]["loc"] == ["query", "stage_id"]
    # A juror is refused, and nothing leaks of another convention.
    f.problem(client.get(url, headers=cusp.juror.headers), 403, "forbidden")
    f.problem(
        client.get("/api/v1/conventions/999999/ranking/stability", headers=cusp.admin.headers),
        404,
        "not-found",
    )


def test_a_category_and_no_sheets_at_all(client: TestClient, cusp: Cusp, world: f.World) -> None:
    other = client.get(
        cusp.url("/ranking/stability"), params={"category": "proses"}, headers=cusp.admin.headers
    ).json()
    assert (other["category"], other["rows"], other["jurors_left_out"]) == ("proses", [], 0)
    empty = client.get(world.url("/ranking/stability"), headers=world.admin.headers).json()
    assert empty["jurors_left_out"] == 0
    assert {(r["awarded_share"], r["verdict"], r["rank_min"]) for r in empty["rows"]} == {
        (None, "stable_out", None)
    }


def test_the_explanation_says_whose_absence_changes_the_award(
    client: TestClient, cusp: Cusp
) -> None:
    e1, _e2, e3 = cusp.entries
    explained = client.get(cusp.url(f"/ranking/entries/{e1}"), headers=cusp.admin.headers)
    assert explained.status_code == 200
    steady = explained.json()["stability"]
    assert (steady["verdict"], steady["rank_min"], steady["rank_max"]) == ("cusp", 1, 2)
    assert steady["changed_by"] == [{"juror_id": cusp.jurors[0], "full_name": "Juri LAN 1"}]
    assert steady["jurors_left_out"] == 3
    last = client.get(cusp.url(f"/ranking/entries/{e3}"), headers=cusp.admin.headers).json()
    assert (last["stability"]["verdict"], last["stability"]["changed_by"]) == ("stable_out", [])


def test_the_ranking_export_carries_verdict_and_share(client: TestClient, cusp: Cusp) -> None:
    answer = client.get(cusp.url("/exports/ranking.xlsx"), headers=cusp.admin.headers)
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sheet is not None
    rows: list[tuple[Any, ...]] = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    verdict, share = header.index("Stabilitas"), header.index("Porsi Penghargaan")
    assert share == verdict + 1 == len(header) - 1
    got = [(row[1], row[verdict], row[share]) for row in rows[1:]]
    e1, e2, e3 = cusp.entries
    assert got == [
        (e1, "cusp", pytest.approx(2 / 3)),
        (e2, "cusp", pytest.approx(1 / 3)),
        (e3, "stable_out", 0),
    ]
