"""Stages of judging through the API ("Stages of judging" in docs/api.md): the resource and its
state rules, sheets per stage, screening, advancing, stage and final rankings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Admission, AuditEvent, Sheet, Stage, StageResult
from tests.app import factories as f

FULL = {"A": 8, "B": 6}


def stages_of(client: TestClient, w: f.World) -> list[dict[str, Any]]:
    response = client.get(w.url("/stages"), headers=w.admin.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def add_stage(client: TestClient, w: f.World, **body: Any) -> dict[str, Any]:
    response = client.post(w.url("/stages"), json=body, headers=w.admin.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def status(client: TestClient, w: f.World, value: str) -> None:
    response = client.patch(w.url(), json={"status": value}, headers=w.admin.headers)
    assert response.status_code == 200, response.text


def put(
    client: TestClient, w: f.World, juror: f.Login, entry_id: int, body: Any, query: str = ""
) -> Any:
    return client.put(
        w.url(f"/jurors/me/sheets/{entry_id}{query}"), json=body, headers=juror.headers
    )


def submit_all(
    client: TestClient, w: f.World, scores: Mapping[int, Mapping[str, float]], jurors: list[f.Login]
) -> None:
    """Every juror of ``jurors`` submits ``scores[entry_id]`` for each entry given."""
    for juror in jurors:
        for entry_id, values in scores.items():
            response = put(client, w, juror, entry_id, {"scores": values, "submit": True})
            assert response.status_code == 200, response.text


def judge_90_50_70(client: TestClient, w: f.World) -> None:
    """Judging starts and every juror submits A = B = 9, 5 and 7 for entries 0, 1 and 2:
    T = 100 (3 q_A + q_B) / 4 gives them 90, 50 and 70."""
    status(client, w, "judging")
    scores = {e.id: {"A": v, "B": v} for e, v in zip(w.entries, (9, 5, 7), strict=True)}
    submit_all(client, w, scores, w.jurors)


@dataclass(frozen=True)
class TwoStages:
    first: int  # PROPOSAL's id
    second: int  # PRESENTASI's id


@pytest.fixture
def two_stages(client: TestClient, world: f.World) -> TwoStages:
    """UTAMA becomes PROPOSAL (weight 70, top 2); PRESENTASI (weight 30) judged by panel L
    alone, with criterion P."""
    w = world
    first = stages_of(client, w)[0]
    response = client.patch(
        w.url(f"/stages/{first['id']}"),
        json={
            "code": "PROPOSAL",
            "name": "Evaluasi Proposal",
            "weight": 70,
            "advance": {"rule": "top", "count": 2},
        },
        headers=w.admin.headers,
    )
    assert response.status_code == 200, response.text
    second = add_stage(
        client, w, code="PRESENTASI", name="Presentasi", weight=30, panel_ids=[w.panels[1].id]
    )
    criterion = client.post(
        w.url("/criteria"),
        json={
            "code": "P",
            "name": "Presentasi",
            "weight": 1,
            "max_score": 100,
            "stage_id": second["id"],
        },
        headers=w.admin.headers,
    )
    assert criterion.status_code == 201, criterion.text
    return TwoStages(response.json()["id"], second["id"])


@pytest.fixture
def judged(client: TestClient, world: f.World, two_stages: TwoStages) -> TwoStages:
    """``two_stages`` with PROPOSAL judged (``judge_90_50_70``) and judging closed."""
    judge_90_50_70(client, world)
    status(client, world, "closed")
    return two_stages


# --- the resource ------------------------------------------------------------------------------


def test_new_convention_has_its_utama_stage(client: TestClient, world: f.World) -> None:
    (stage,) = stages_of(client, world)
    assert stage | {"id": 0, "created_at": "", "updated_at": ""} == {
        "id": 0,
        "convention_id": world.cid,
        "code": "UTAMA",
        "name": "Penilaian",
        "kind": "scored",
        "weight": 1.0,
        "position": 1,
        "panel_ids": None,
        "advance": {"rule": "all", "count": None, "min_score": None},
        "state": "current",
        "advanced_at": None,
        "created_at": "",
        "updated_at": "",
    }
    convention = client.get(world.url(), headers=world.admin.headers).json()
    assert convention["current_stage_id"] == stage["id"]


def test_create_stage_answers_201_placed_last_and_pending(
    client: TestClient, world: f.World
) -> None:
    body = f.create(
        client, world, "/stages", {"code": "PRESENTASI", "name": "Presentasi", "weight": 30}
    )
    assert (body["position"], body["state"], body["weight"]) == (2, "pending", 30.0)
    assert body["advance"] == {"rule": "all", "count": None, "min_score": None}
    assert [s["code"] for s in stages_of(client, world)] == ["UTAMA", "PRESENTASI"]


def test_stages_list_by_position_not_by_id(client: TestClient, world: f.World) -> None:
    add_stage(client, world, code="B", name="B")
    add_stage(client, world, code="A", name="A", position=1)
    listed = stages_of(client, world)
    assert [(s["code"], s["position"], s["state"]) for s in listed] == [
        ("A", 1, "current"),
        ("UTAMA", 2, "pending"),
        ("B", 3, "pending"),
    ]
    assert listed[0]["id"] > listed[1]["id"]


def test_create_screening_stage_has_no_weight_panels_or_rule(
    client: TestClient, world: f.World
) -> None:
    screening = add_stage(client, world, code="ADM", name="Seleksi", kind="screening", position=1)
    assert (screening["weight"], screening["panel_ids"], screening["advance"]) == (0.0, None, None)
    for body, field in (
        ({"weight": 1}, "weight"),
        ({"panel_ids": [world.panels[0].id]}, "panel_ids"),
        ({"advance": {"rule": "all"}}, "advance"),
    ):
        response = client.post(
            world.url("/stages"),
            json={"code": "X", "name": "X", "kind": "screening", **body},
            headers=world.admin.headers,
        )
        problem = f.problem(response, 422, "validation")
        assert problem["errors"][0]["loc"][:2] == ["body", field]


def test_screening_stage_refuses_criteria(client: TestClient, world: f.World) -> None:
    screening = add_stage(client, world, code="ADM", name="Seleksi", kind="screening")
    response = client.post(
        world.url("/criteria"),
        json={"code": "Z", "name": "Z", "weight": 1, "max_score": 10, "stage_id": screening["id"]},
        headers=world.admin.headers,
    )
    problem = f.problem(response, 422, "validation")
    assert problem["errors"][0]["loc"] == ["body", "stage_id"]


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"advance": {"rule": "top"}}, ["body", "advance", "count"]),
        ({"advance": {"rule": "top_per_category"}}, ["body", "advance", "count"]),
        ({"advance": {"rule": "min_score"}}, ["body", "advance", "min_score"]),
        ({"advance": {"rule": "top", "count": 0}}, ["body", "advance", "top", "count"]),
        ({"advance": {"rule": "best"}}, ["body", "advance"]),
        ({"weight": -1}, ["body", "weight"]),
        ({"panel_ids": [999999]}, ["body", "panel_ids", 0]),
        ({"panel_ids": []}, ["body", "panel_ids"]),
        ({"kind": "oral"}, ["body", "kind"]),
        ({"position": 5}, ["body", "position"]),
    ],
)
def test_create_stage_refuses_bad_fields_naming_them(
    client: TestClient, world: f.World, session: Session, body: dict[str, Any], loc: list[Any]
) -> None:
    response = client.post(
        world.url("/stages"), json={"code": "X", "name": "X", **body}, headers=world.admin.headers
    )
    problem = f.problem(response, 422, "validation")
    assert problem["errors"][0]["loc"][: len(loc)] == loc, problem
    assert session.scalar(select(func.count()).select_from(Stage)) == 1


def test_create_stage_with_a_taken_code_is_duplicate(client: TestClient, world: f.World) -> None:
    response = client.post(
        world.url("/stages"), json={"code": "UTAMA", "name": "again"}, headers=world.admin.headers
    )
    f.problem(response, 409, "duplicate")


def test_delete_the_last_stage_or_one_with_criteria_is_in_use(
    client: TestClient, world: f.World, session: Session
) -> None:
    utama = stages_of(client, world)[0]
    f.problem(
        client.delete(world.url(f"/stages/{utama['id']}"), headers=world.admin.headers),
        409,
        "in-use",
    )
    add_stage(client, world, code="LAIN", name="Lain")
    # UTAMA has the world's criteria.
    f.problem(
        client.delete(world.url(f"/stages/{utama['id']}"), headers=world.admin.headers),
        409,
        "in-use",
    )
    assert session.scalar(select(func.count()).select_from(Stage)) == 2


def test_delete_an_empty_first_stage_makes_the_next_current(
    client: TestClient, world: f.World
) -> None:
    extra = add_stage(client, world, code="AWAL", name="Awal", position=1)
    response = client.delete(world.url(f"/stages/{extra['id']}"), headers=world.admin.headers)
    assert response.status_code == 204
    listed = stages_of(client, world)
    assert [(s["code"], s["position"], s["state"]) for s in listed] == [("UTAMA", 1, "current")]


def test_current_stage_is_configured_only_in_draft_pending_always(
    client: TestClient, world: f.World
) -> None:
    pending = add_stage(client, world, code="LAIN", name="Lain")
    status(client, world, "judging")
    utama = stages_of(client, world)[0]
    f.problem(
        client.patch(
            world.url(f"/stages/{utama['id']}"), json={"weight": 2}, headers=world.admin.headers
        ),
        409,
        "convention-state",
    )
    f.problem(
        client.post(
            world.url("/criteria"),
            json={"code": "Z", "name": "Z", "weight": 1, "max_score": 10},
            headers=world.admin.headers,
        ),
        409,
        "convention-state",
    )
    changed = client.patch(
        world.url(f"/stages/{pending['id']}"), json={"weight": 2}, headers=world.admin.headers
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["weight"] == 2.0
    criterion = client.post(
        world.url("/criteria"),
        json={"code": "Z", "name": "Z", "weight": 1, "max_score": 10, "stage_id": pending["id"]},
        headers=world.admin.headers,
    )
    assert criterion.status_code == 201, criterion.text
    # A stage placed before the current one would become current: not while judging.
    f.problem(
        client.post(
            world.url("/stages"),
            json={"code": "DEPAN", "name": "Depan", "position": 1},
            headers=world.admin.headers,
        ),
        409,
        "convention-state",
    )


def test_stage_routes_are_the_secretariats(client: TestClient, world: f.World) -> None:
    juror = world.jurors[0]
    f.problem(client.get(world.url("/stages"), headers=juror.headers), 403, "forbidden")
    f.problem(
        client.post(world.url("/stages"), json={"code": "X", "name": "X"}, headers=juror.headers),
        403,
        "forbidden",
    )


# --- sheets per stage ------------------------------------------------------------------------


def test_sheet_belongs_to_the_current_stage(client: TestClient, world: f.World) -> None:
    w = world
    status(client, w, "judging")
    utama = stages_of(client, w)[0]
    response = put(client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 7}})
    assert response.status_code == 200, response.text
    assert response.json()["stage_id"] == utama["id"]
    named = put(
        client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 8}}, f"?stage_id={utama['id']}"
    )
    assert named.status_code == 200, named.text
    assert named.json()["version"] == 2


def test_put_naming_a_stage_that_is_not_current_writes_nothing(
    client: TestClient, world: f.World, session: Session
) -> None:
    w = world
    pending = add_stage(client, w, code="LAIN", name="Lain")
    status(client, w, "judging")
    response = put(
        client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 7}}, f"?stage_id={pending['id']}"
    )
    f.problem(response, 409, "convention-state")
    # A value that is no stage id names no stage: not the current one either, so 409 in the
    # contract's order, after 404 (an unknown convention) and 403 (not a juror).
    for named in ("abc", "0", "99999999999"):
        refused = f.problem(
            put(
                client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 7}}, f"?stage_id={named}"
            ),
            409,
            "convention-state",
        )
        assert refused["current_stage_id"] == stages_of(client, w)[0]["id"]
    body = {"scores": {"A": 7}}
    unknown = client.put(
        "/api/v1/conventions/999999/jurors/me/sheets/1?stage_id=abc",
        json=body,
        headers=w.jurors[0].headers,
    )
    f.problem(unknown, 404, "not-found")
    admin = client.put(
        w.url(f"/jurors/me/sheets/{w.entries[0].id}?stage_id=abc"),
        json=body,
        headers=w.admin.headers,
    )
    f.problem(admin, 403, "forbidden")
    # 401 comes first, even before a malformed query: a token its password change ended.
    w.jurors[0].account.credential_stamp = "changed"
    session.flush()
    f.problem(
        put(client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 7}}, "?stage_id=abc"),
        401,
        "unauthenticated",
    )
    assert session.scalar(select(func.count()).select_from(Sheet)) == 0


def test_sync_item_of_a_stage_no_longer_current_is_refused(
    client: TestClient, world: f.World, session: Session
) -> None:
    w = world
    pending = add_stage(client, w, code="LAIN", name="Lain")
    status(client, w, "judging")
    utama = stages_of(client, w)[0]
    response = client.post(
        w.url("/jurors/me/sheets:sync"),
        json={
            "sheets": [
                {"entry_id": w.entries[0].id, "stage_id": pending["id"], "scores": {"A": 7}},
                {"entry_id": w.entries[1].id, "stage_id": utama["id"], "scores": {"A": 7}},
            ]
        },
        headers=w.jurors[0].headers,
    )
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [(r["outcome"], r["status"]) for r in results] == [("refused", 409), ("accepted", 200)]
    assert results[0]["problem"]["type"] == "/problems/convention-state"
    assert session.scalar(select(func.count()).select_from(Sheet)) == 1


def test_juror_of_a_panel_that_does_not_judge_the_stage_is_refused(
    client: TestClient, world: f.World, two_stages: TwoStages
) -> None:
    w = world
    status(client, w, "judging")
    # All three tied: a `top 2` cut takes every tied entry (more than 2 may go).
    submit_all(client, w, {e.id: FULL for e in w.entries}, w.jurors)
    preview = client.get(
        w.url(f"/stages/{two_stages.first}/advance"), headers=w.admin.headers
    ).json()
    assert preview["entry_ids"] == [e.id for e in w.entries]
    assert preview["warnings"] == [{"code": "boundary_tie", "entry_ids": [e.id for e in w.entries]}]
    status(client, w, "closed")
    advanced = client.post(w.url(f"/stages/{two_stages.first}/advance"), headers=w.admin.headers)
    assert advanced.status_code == 201, advanced.text
    admitted = advanced.json()["entry_ids"]
    # Panel K (jurors 0 and 1) does not judge PRESENTASI.
    body = {"scores": {"P": 50}}
    f.problem(put(client, w, w.jurors[0], admitted[0], body), 409, "convention-state")
    ok = put(client, w, w.jurors[2], admitted[0], body)
    assert ok.status_code == 200, ok.text
    assert ok.json()["stage_id"] == two_stages.second
    assert admitted == [e.id for e in w.entries]
    # Reads take ?stage_id= for the earlier stage.
    first = two_stages.first
    earlier = client.get(
        w.url(f"/jurors/me/sheets/{admitted[0]}?stage_id={first}"), headers=w.jurors[0].headers
    )
    assert earlier.status_code == 200, earlier.text
    assert earlier.json()["scores"] == FULL
    now = client.get(w.url(f"/jurors/me/sheets/{admitted[0]}"), headers=w.jurors[0].headers)
    f.problem(now, 404, "not-found")


# --- advancing -------------------------------------------------------------------------------


def test_advance_preview_changes_nothing(
    client: TestClient, world: f.World, two_stages: TwoStages, session: Session
) -> None:
    w = world
    judge_90_50_70(client, w)
    first = two_stages.first
    preview = client.get(w.url(f"/stages/{first}/advance"), headers=w.admin.headers)
    assert preview.status_code == 200, preview.text
    assert preview.json() == {
        "stage_id": first,
        "next_stage_id": two_stages.second,
        "entry_ids": [w.entries[0].id, w.entries[2].id],
        "warnings": [],
    }
    assert session.scalar(select(func.count()).select_from(Admission)) == 0
    assert session.scalar(select(func.count()).select_from(StageResult)) == 0


def test_advance_freezes_admits_and_reopens_judging(
    client: TestClient, world: f.World, two_stages: TwoStages, session: Session
) -> None:
    w = world
    judge_90_50_70(client, w)
    first, second = two_stages.first, two_stages.second
    f.problem(
        client.post(w.url(f"/stages/{first}/advance"), headers=w.admin.headers),
        409,
        "convention-state",
    )
    status(client, w, "closed")
    response = client.post(
        w.url(f"/stages/{first}/advance"),
        json={"add": [w.entries[1].id], "remove": [w.entries[2].id], "reason": "Sanggah diterima"},
        headers=w.admin.headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["entry_ids"] == [w.entries[0].id, w.entries[1].id]
    convention = client.get(w.url(), headers=w.admin.headers).json()
    assert (convention["status"], convention["current_stage_id"]) == ("judging", second)
    listed = {s["code"]: s["state"] for s in stages_of(client, w)}
    assert listed == {"PROPOSAL": "done", "PRESENTASI": "current"}
    frozen = client.get(w.url(f"/stages/{first}/results"), headers=w.admin.headers).json()
    assert frozen["entry_ids"] == [w.entries[0].id, w.entries[1].id]
    assert (frozen["added_entry_ids"], frozen["removed_entry_ids"]) == (
        [w.entries[1].id],
        [w.entries[2].id],
    )
    assert {r["entry_id"]: r["advances"] for r in frozen["rows"]} == {
        w.entries[0].id: True,
        w.entries[1].id: True,
        w.entries[2].id: False,
    }
    entries = client.get(w.url(f"/stages/{second}/entries"), headers=w.jurors[2].headers)
    assert [e["id"] for e in entries.json()["items"]] == [w.entries[0].id, w.entries[1].id]
    f.problem(
        client.get(w.url(f"/stages/{second}/entries"), headers=w.jurors[0].headers),
        403,
        "forbidden",
    )
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "stage.advance")).one()
    assert event.after is not None and event.after["reason"] == "Sanggah diterima"
    # Twice is a duplicate; a new entry cannot join once the first stage is fixed.
    status(client, w, "closed")
    f.problem(
        client.post(w.url(f"/stages/{first}/advance"), headers=w.admin.headers), 409, "duplicate"
    )
    created = client.post(
        w.url("/entries"),
        json={"title": "Baru", "opd_id": w.opds[0].id, "category": "proses"},
        headers=w.admin.headers,
    )
    f.problem(created, 409, "convention-state")


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"add": [0], "reason": "x"}, ["body", "add", 0]),
        ({"remove": [-1], "reason": "x"}, ["body", "remove", 0]),
        ({"add": ["E1"]}, ["body", "reason"]),
    ],
)
def test_advance_refuses_bad_additions_and_removals(
    client: TestClient,
    world: f.World,
    judged: TwoStages,
    session: Session,
    body: dict[str, Any],
    loc: list[Any],
) -> None:
    w = world
    ids = {"E0": w.entries[0].id, "E1": w.entries[1].id, "E2": w.entries[2].id}
    # 0: an entry already selected; -1: one the rule did not select.
    fixed = {
        key: [ids["E0"] if v == 0 else ids["E1"] if v == -1 else ids.get(v, v) for v in value]
        if isinstance(value, list)
        else value
        for key, value in body.items()
    }
    response = client.post(
        w.url(f"/stages/{judged.first}/advance"), json=fixed, headers=w.admin.headers
    )
    problem = f.problem(response, 422, "validation")
    assert problem["errors"][0]["loc"] == loc
    assert session.scalar(select(func.count()).select_from(Admission)) == 0


def test_advance_screening_with_undecided_entries_is_incomplete(
    client: TestClient, world: f.World
) -> None:
    w = world
    screening = add_stage(client, w, code="ADM", name="Seleksi", kind="screening", position=1)
    status(client, w, "judging")
    decided = client.put(
        w.url(f"/stages/{screening['id']}/decisions/{w.entries[0].id}"),
        json={"passed": True},
        headers=w.admin.headers,
    )
    assert decided.status_code == 200, decided.text
    f.problem(
        client.put(
            w.url(f"/stages/{screening['id']}/decisions/{w.entries[1].id}"),
            json={"passed": False},
            headers=w.admin.headers,
        ),
        422,
        "validation",
    )
    status(client, w, "closed")
    problem = f.problem(
        client.post(w.url(f"/stages/{screening['id']}/advance"), headers=w.admin.headers),
        409,
        "incomplete",
    )
    assert problem["entry_ids"] == [w.entries[1].id, w.entries[2].id]
    status(client, w, "judging")
    for entry, passed in ((w.entries[1], False), (w.entries[2], True)):
        response = client.put(
            w.url(f"/stages/{screening['id']}/decisions/{entry.id}"),
            json={"passed": passed, "reason": "Berkas tidak lengkap"},
            headers=w.admin.headers,
        )
        assert response.status_code == 200, response.text
    status(client, w, "closed")
    advanced = client.post(w.url(f"/stages/{screening['id']}/advance"), headers=w.admin.headers)
    assert advanced.status_code == 201, advanced.text
    assert advanced.json()["entry_ids"] == [w.entries[0].id, w.entries[2].id]
    f.problem(
        client.get(w.url(f"/ranking?stage_id={screening['id']}"), headers=w.admin.headers),
        422,
        "validation",
    )


def test_advance_with_an_empty_selection_is_incomplete(
    client: TestClient, world: f.World, two_stages: TwoStages, session: Session
) -> None:
    status(client, world, "judging")
    status(client, world, "closed")
    problem = f.problem(
        client.post(world.url(f"/stages/{two_stages.first}/advance"), headers=world.admin.headers),
        409,
        "incomplete",
    )
    assert problem["entry_ids"] == []
    assert session.scalar(select(func.count()).select_from(StageResult)) == 0


# --- rankings --------------------------------------------------------------------------------


def test_final_ranking_weighs_stages_and_orders_by_reach(
    client: TestClient, world: f.World, judged: TwoStages
) -> None:
    w = world
    e0, e1, e2 = (e.id for e in w.entries)
    stage_ranking = client.get(w.url(f"/ranking?stage_id={judged.first}"), headers=w.admin.headers)
    assert stage_ranking.status_code == 200, stage_ranking.text
    rows = stage_ranking.json()["rows"]
    assert [(r["entry_id"], r["rank"], r["advances"], r["awarded"]) for r in rows] == [
        (e0, 1, True, False),
        (e2, 2, True, False),
        (e1, 3, False, False),
    ]
    assert (
        client.post(w.url(f"/stages/{judged.first}/advance"), headers=w.admin.headers).status_code
        == 201
    )
    # PRESENTASI: l1 gives e2 100 and e0 40. F = 0.7 S1 + 0.3 S2.
    for entry_id, value in ((e0, 40), (e2, 100)):
        response = put(client, w, w.jurors[2], entry_id, {"scores": {"P": value}, "submit": True})
        assert response.status_code == 200, response.text
    # e1 did not go on: not admitted to the current stage.
    f.problem(put(client, w, w.jurors[2], e1, {"scores": {"P": 1}}), 409, "not-in-stage")
    final = client.get(w.url("/ranking"), headers=w.admin.headers).json()
    got = [(r["entry_id"], r["rank"], r["reach_stage_id"]) for r in final["rows"]]
    assert got == [(e2, 1, judged.second), (e0, 2, judged.second), (e1, 3, judged.first)]
    by_id = {r["entry_id"]: r for r in final["rows"]}
    assert by_id[e2]["score"] == pytest.approx(0.7 * 70 + 0.3 * 100)
    assert by_id[e0]["score"] == pytest.approx(0.7 * 90 + 0.3 * 40)
    assert by_id[e1]["score"] == pytest.approx(50.0)
    assert by_id[e0]["stage_scores"] == {
        "PROPOSAL": pytest.approx(90.0),
        "PRESENTASI": pytest.approx(40.0),
    }
    # Rows of the final ranking carry stage t(e)'s panel scores: e0 was judged by L alone.
    assert by_id[e0]["panel_scores"] == {"L": pytest.approx(40.0)}
    assert (by_id[e0]["sheet_count"], by_id[e0]["expected_sheet_count"]) == (1, 1)
    csv_text = client.get(w.url("/ranking.csv"), headers=w.admin.headers).text
    header = csv_text.splitlines()[0].split(",")
    assert header[6:10] == ["K", "L", "stage:PROPOSAL", "stage:PRESENTASI"]


def test_category_ranking_counts_ranks_inside_the_category(
    client: TestClient, world: f.World, session: Session
) -> None:
    w = world
    w.entries[1].category = "proses"
    session.commit()
    judge_90_50_70(client, w)
    overall = client.get(w.url("/ranking"), headers=w.admin.headers).json()["rows"]
    assert [(r["entry_id"], r["rank"], r["category_rank"]) for r in overall] == [
        (w.entries[0].id, 1, 1),
        (w.entries[2].id, 2, 2),
        (w.entries[1].id, 3, 1),
    ]
    proses = client.get(w.url("/ranking?category=proses"), headers=w.admin.headers).json()
    assert proses["category"] == "proses"
    assert [(r["entry_id"], r["rank"]) for r in proses["rows"]] == [(w.entries[1].id, 1)]
    f.problem(
        client.get(w.url("/ranking?category=olahraga"), headers=w.admin.headers),
        422,
        "validation",
    )


def test_per_category_awards_name_category_ranks(
    client: TestClient, world: f.World, session: Session
) -> None:
    w = world
    w.entries[1].category = "proses"
    w.convention.top_n = 1
    w.convention.award_scope = "per_category"
    session.commit()
    judge_90_50_70(client, w)
    status(client, w, "closed")
    published = client.post(w.url("/results"), headers=w.admin.headers)
    assert published.status_code == 201, published.text
    issued = client.post(w.url("/awards"), headers=w.admin.headers).json()
    assert sorted(
        (a["entry_id"], a["rank"], a["name"], a["category"]) for a in issued["awards"]
    ) == [
        (w.entries[0].id, 1, "Juara I", "teknologi"),
        (w.entries[1].id, 1, "Juara I", "proses"),
    ]
    winners = [c for c in issued["certificates"] if c["kind"] == "winner"]
    # Categories in the contract's order: teknologi before proses.
    assert [(c["entry_id"], c["category"], c["recipient_type"]) for c in winners] == [
        (w.entries[0].id, "teknologi", "opd"),
        (w.entries[0].id, "teknologi", "innovator"),
        (w.entries[1].id, "proses", "opd"),
        (w.entries[1].id, "proses", "innovator"),
    ]
    assert [c["number"].split("/")[0] for c in winners] == ["001", "002", "003", "004"]


@pytest.mark.usefixtures("two_stages")
def test_results_are_published_only_at_the_last_stage(client: TestClient, world: f.World) -> None:
    status(client, world, "judging")
    status(client, world, "closed")
    f.problem(
        client.post(
            world.url("/results"), json={"allow_incomplete": True}, headers=world.admin.headers
        ),
        409,
        "convention-state",
    )


def test_a_disqualified_entry_leaves_the_stage_it_was_admitted_to(
    client: TestClient, world: f.World, judged: TwoStages
) -> None:
    w = world
    e0, _, e2 = (e.id for e in w.entries)
    assert (
        client.post(w.url(f"/stages/{judged.first}/advance"), headers=w.admin.headers).status_code
        == 201
    )
    listed = client.get(w.url(f"/stages/{judged.second}/entries"), headers=w.admin.headers).json()
    assert [e["id"] for e in listed["items"]] == [e0, e2]
    body = {"disqualified": True, "disqualification_reason": "Plagiat"}
    assert (
        client.patch(w.url(f"/entries/{e2}"), json=body, headers=w.admin.headers).status_code == 200
    )
    listed = client.get(w.url(f"/stages/{judged.second}/entries"), headers=w.admin.headers).json()
    assert ([e["id"] for e in listed["items"]], listed["total"]) == ([e0], 1)
    # Its juror is told it is not in the stage, as for any entry not admitted.
    f.problem(put(client, w, w.jurors[2], e2, {"scores": {"P": 50}}), 409, "not-in-stage")


def test_an_entry_disqualified_at_the_first_advance_is_back_in_the_first_stage_when_requalified(
    client: TestClient, world: f.World, judged: TwoStages
) -> None:
    """A_1 is every entry (docs/scoring.md, "Stages"): disqualified when the first stage was
    advanced, the entry was not selected for the second; requalified, it is in the first stage
    again, with its score there, while the second stage's recorded entries do not change."""
    w = world
    e0, e1, e2 = (e.id for e in w.entries)
    h = w.admin.headers

    def listed(stage_id: int) -> list[int]:
        body = client.get(w.url(f"/stages/{stage_id}/entries"), headers=h).json()
        return [e["id"] for e in body["items"]]

    dq = {"disqualified": True, "disqualification_reason": "Berkas tidak lengkap"}
    assert client.patch(w.url(f"/entries/{e0}"), json=dq, headers=h).status_code == 200
    assert client.post(w.url(f"/stages/{judged.first}/advance"), headers=h).status_code == 201
    assert (listed(judged.first), listed(judged.second)) == ([e1, e2], [e1, e2])
    back = client.patch(w.url(f"/entries/{e0}"), json={"disqualified": False}, headers=h)
    assert back.status_code == 200, back.text
    assert (listed(judged.first), listed(judged.second)) == ([e0, e1, e2], [e1, e2])
    stage = client.get(w.url(f"/ranking?stage_id={judged.first}"), headers=h).json()
    assert [(r["entry_id"], r["rank"]) for r in stage["rows"]] == [(e0, 1), (e2, 2), (e1, 3)]
    # Its reach is the first stage: 90 there, and the others' second-stage scores are missing.
    final = client.get(w.url("/ranking"), headers=h).json()
    assert [(r["entry_id"], r["rank"], r["reach_stage_id"], r["score"]) for r in final["rows"]] == [
        (e0, 1, judged.first, pytest.approx(90.0)),
        (e1, None, judged.second, None),
        (e2, None, judged.second, None),
    ]


def test_one_stage_final_rows_name_their_stage_score(client: TestClient, world: f.World) -> None:
    """The final ranking's rows carry stage_scores {"<code>": score} with one stage too."""
    w = world
    status(client, w, "judging")
    e0, e1, e2 = (e.id for e in w.entries)
    submit_all(client, w, {e0: {"A": 9, "B": 9}, e1: {"A": 5, "B": 5}}, w.jurors)
    rows = client.get(w.url("/ranking"), headers=w.admin.headers).json()["rows"]
    by_id = {r["entry_id"]: r for r in rows}
    assert by_id[e0]["stage_scores"] == {"UTAMA": pytest.approx(90.0)}
    assert by_id[e1]["stage_scores"] == {"UTAMA": pytest.approx(50.0)}
    assert by_id[e2]["stage_scores"] == {}  # no sheets, no score
    header = client.get(w.url("/ranking.csv"), headers=w.admin.headers).text.splitlines()[0]
    assert not any(column.startswith("stage:") for column in header.split(","))


def test_a_screening_stage_and_one_scored_stage_get_the_stage_column(
    client: TestClient, world: f.World
) -> None:
    """More than one stage (of any kind): one `stage:<code>` column per scored stage."""
    w = world
    add_stage(client, w, code="SELEKSI", name="Seleksi administrasi", kind="screening", position=1)
    header = client.get(w.url("/ranking.csv"), headers=w.admin.headers).text.splitlines()[0]
    assert [c for c in header.split(",") if c.startswith("stage:")] == ["stage:UTAMA"]
