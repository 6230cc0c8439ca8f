"""Results that survive scrutiny: the objection window, disqualification, finalize and withdraw,
and the checks around them ("Objection window" in docs/api.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import AuditEvent, Entry, Objection, Recusal, Result
from tests.app import factories as f
from tests.app.import_files import ENTRY_HEADER, JUROR_HEADER, csv_bytes, send

REASON = "Inovasi ini sudah diterapkan di daerah lain sejak 2015."


def score_all(session: Session, w: f.World) -> None:
    """Every juror scores every entry: e0 90, e1 50, e2 70."""
    values = {0: 9, 1: 5, 2: 7}
    for i, entry in enumerate(w.entries):
        for juror in w.jurors:
            f.make_sheet(session, juror.account, entry, {"A": values[i], "B": values[i]})
    f.set_status(session, w.convention, "closed")


def publish(client: TestClient, w: f.World, days: int = 5) -> dict[str, Any]:
    response = client.post(
        w.url("/results"), json={"objection_days": days}, headers=w.admin.headers
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def objection(client: TestClient, w: f.World, entry: int, **extra: Any) -> Any:
    body = {"entry_id": entry, "name": "Budi", "contact": "budi@example.id", "reason": REASON}
    return client.post(w.url("/objections"), json=body | extra)


def pass_deadline(session: Session, w: f.World) -> None:
    result = session.scalars(select(Result).where(Result.convention_id == w.cid)).one()
    result.objection_deadline = datetime.now(UTC) - timedelta(seconds=1)
    session.commit()


@pytest.fixture
def provisional(client: TestClient, world: f.World, session: Session) -> dict[str, Any]:
    score_all(session, world)
    return publish(client, world)


def test_publish_with_objection_days_is_provisional_with_a_deadline(
    client: TestClient, world: f.World, provisional: dict[str, Any]
) -> None:
    assert provisional["status"] == "provisional"
    deadline = datetime.fromisoformat(provisional["objection_deadline"].replace("Z", "+00:00"))
    published = datetime.fromisoformat(provisional["published_at"].replace("Z", "+00:00"))
    assert deadline - published == timedelta(days=5)
    public = client.get(world.url("/results")).json()
    assert (public["status"], public["objection_days"]) == ("provisional", 5)
    convention = client.get(world.url(), headers=world.admin.headers).json()
    assert convention["status"] == "closed"


def test_publish_without_objection_days_is_final(
    client: TestClient, world: f.World, session: Session
) -> None:
    score_all(session, world)
    body = publish(client, world, days=0)
    assert (body["status"], body["objection_deadline"]) == ("final", None)
    f.problem(objection(client, world, world.entries[0].id), 409, "convention-state")


@pytest.mark.usefixtures("provisional")
def test_anyone_objects_without_a_token_and_gets_a_receipt(
    client: TestClient, world: f.World, session: Session
) -> None:
    response = objection(client, world, world.entries[0].id)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "open"
    assert len(body["receipt"]) == 12
    stored = session.get(Objection, body["id"])
    assert stored is not None and (stored.reason, stored.receipt) == (REASON, body["receipt"])
    listed = client.get(world.url("/objections"), headers=world.admin.headers).json()
    assert [o["receipt"] for o in listed["items"]] == [body["receipt"]]
    f.problem(
        client.get(world.url("/objections"), headers=world.jurors[0].headers), 403, "forbidden"
    )


@pytest.mark.usefixtures("provisional")
@pytest.mark.parametrize(
    ("extra", "loc"),
    [
        ({"reason": "terlalu pendek"}, ["body", "reason"]),
        ({"reason": "x" * 2001}, ["body", "reason"]),
        ({"entry_id": 999999}, ["body", "entry_id"]),
        ({"name": ""}, ["body", "name"]),
    ],
)
def test_objection_refuses_bad_fields(
    client: TestClient, world: f.World, session: Session, extra: dict[str, Any], loc: list[str]
) -> None:
    problem = f.problem(objection(client, world, world.entries[0].id, **extra), 422, "validation")
    assert problem["errors"][0]["loc"] == loc
    assert session.scalar(select(func.count()).select_from(Objection)) == 0


@pytest.mark.usefixtures("provisional")
def test_objections_race_the_deadline(client: TestClient, world: f.World, session: Session) -> None:
    result = session.scalars(select(Result)).one()
    result.objection_deadline = datetime.now(UTC) + timedelta(seconds=30)
    session.commit()
    assert objection(client, world, world.entries[0].id).status_code == 201
    pass_deadline(session, world)
    f.problem(objection(client, world, world.entries[1].id), 409, "convention-state")
    assert session.scalar(select(func.count()).select_from(Objection)) == 1


@pytest.mark.usefixtures("provisional")
def test_objections_are_rate_limited_per_address(client: TestClient, world: f.World) -> None:
    for _ in range(5):
        assert objection(client, world, world.entries[0].id).status_code == 201
    limited = objection(client, world, world.entries[0].id)
    f.problem(limited, 429, "rate-limited")
    assert int(limited.headers["retry-after"]) > 3500


@pytest.mark.usefixtures("provisional")
def test_finalize_waits_for_the_deadline_and_open_objections(
    client: TestClient, world: f.World, session: Session
) -> None:
    receipt = objection(client, world, world.entries[0].id).json()
    finalize = world.url("/results/finalize")
    early = f.problem(client.post(finalize, headers=world.admin.headers), 409, "convention-state")
    deadline = client.get(world.url("/results")).json()["objection_deadline"]
    assert deadline.endswith("Z") and early["objection_deadline"] == deadline
    assert early["detail"] == f"The objection window is open until {deadline}; finalize after it."
    pass_deadline(session, world)
    problem = f.problem(client.post(finalize, headers=world.admin.headers), 409, "convention-state")
    assert problem["objection_ids"] == [receipt["id"]]
    f.problem(
        client.post(world.url("/awards"), headers=world.admin.headers), 409, "convention-state"
    )
    resolved = client.patch(
        world.url(f"/objections/{receipt['id']}"),
        json={"status": "dismissed", "resolution": "Tidak terbukti"},
        headers=world.admin.headers,
    )
    assert resolved.status_code == 200, resolved.text
    assert (resolved.json()["status"], resolved.json()["resolution"]) == (
        "dismissed",
        "Tidak terbukti",
    )
    final = client.post(finalize, headers=world.admin.headers)
    assert final.status_code == 200, final.text
    assert final.json()["status"] == "final"
    f.problem(client.post(finalize, headers=world.admin.headers), 409, "convention-state")
    assert client.post(world.url("/awards"), headers=world.admin.headers).status_code == 201
    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert [a for a in actions if a.startswith(("results.", "objection."))] == [
        "results.publish",
        "objection.create",
        "objection.resolve",
        "results.finalize",
    ]


def test_a_disqualified_entry_vanishes_from_the_final_ranking_and_awards(
    client: TestClient, world: f.World, session: Session, provisional: dict[str, Any]
) -> None:
    e0, e1, e2 = (e.id for e in world.entries)
    assert [r["entry_id"] for r in provisional["rows"]] == [e0, e2, e1]
    f.problem(
        client.patch(
            world.url(f"/entries/{e0}"), json={"disqualified": True}, headers=world.admin.headers
        ),
        422,
        "validation",
    )
    response = client.patch(
        world.url(f"/entries/{e0}"),
        json={"disqualified": True, "disqualification_reason": "Plagiat"},
        headers=world.admin.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["disqualified"] is True
    # The provisional rows do not change until finalize.
    assert [r["entry_id"] for r in client.get(world.url("/results")).json()["rows"]] == [e0, e2, e1]
    live = client.get(world.url("/ranking"), headers=world.admin.headers).json()
    assert [r["entry_id"] for r in live["rows"]] == [e2, e1]
    pass_deadline(session, world)
    final = client.post(world.url("/results/finalize"), headers=world.admin.headers).json()
    assert [(r["entry_id"], r["rank"]) for r in final["rows"]] == [(e2, 1), (e1, 2)]
    issued = client.post(world.url("/awards"), headers=world.admin.headers).json()
    assert all(c["entry_id"] != e0 for c in issued["certificates"])
    exported = client.get(world.url("/exports/ranking.csv"), headers=world.admin.headers).text
    assert "FASTREN" not in exported
    f.problem(
        client.patch(
            world.url(f"/entries/{e1}"),
            json={"disqualified": True, "disqualification_reason": "x"},
            headers=world.admin.headers,
        ),
        409,
        "convention-state",
    )


def test_what_finalize_counts_holds_while_the_results_are_provisional(
    client: TestClient, world: f.World, session: Session
) -> None:
    """Finalize recomputes from the same sheets, counted the same way: a juror's conflicts, a
    new or deleted juror or entry (imports and their dry runs too), a withdrawn recusal and an
    entry's category wait for final results (409, nothing changed; the final rows are the
    provisional ones); once final, they may change again (the results are immutable)."""
    w = world
    h = w.admin.headers
    juror, e0 = w.jurors[0], w.entries[0]
    session.add(Recusal(juror_id=w.jurors[1].id, entry_id=w.entries[2].id, reason="Kerabat"))
    unjudged = f.make_entry(session, w.convention, w.opds[0], title="Tanpa lembar")
    score_all(session, w)
    publishing = {"objection_days": 5, "allow_incomplete": True}  # the entry without sheets
    provisional = client.post(w.url("/results"), json=publishing, headers=h).json()
    assert provisional["status"] == "provisional"
    new_juror = {
        "username": "juri.baru",
        "password": "rahasia-panjang",
        "full_name": "Juri Baru",
        "panel_id": juror.account.panel_id,
    }
    conflicts = {"conflict_opd_ids": [e0.opd_id]}
    new_entry = {"title": "Baru", "opd_id": e0.opd_id, "category": "proses"}
    entries = csv_bytes([ENTRY_HEADER, ["Baru", "", "BAPPEDA", "proses", "", ""]])
    imported = csv_bytes([JUROR_HEADER, ["juri.impor", "Juri Impor", "K", "rahasia-panjang", ""]])
    refused = {
        "conflicts": client.patch(w.url(f"/jurors/{juror.id}"), json=conflicts, headers=h),
        "new juror": client.post(w.url("/jurors"), json=new_juror, headers=h),
        "delete": client.delete(w.url(f"/jurors/{juror.id}"), headers=h),
        "recusal": client.delete(
            w.url(f"/jurors/{w.jurors[1].id}/recusals/{w.entries[2].id}"), headers=h
        ),
        "import, dry run": send(client, w, "jurors", imported, dry_run="true"),
        "import": send(client, w, "jurors", imported),
        "new entry": client.post(w.url("/entries"), json=new_entry, headers=h),
        "entry import": send(client, w, "entries", entries, dry_run="true"),
        "delete entry": client.delete(w.url(f"/entries/{unjudged.id}"), headers=h),
        "category": client.patch(
            w.url(f"/entries/{e0.id}"), json={"category": "proses"}, headers=h
        ),
    }
    for what, response in refused.items():
        body = f.problem(response, 409, "convention-state")
        assert "results are provisional" in body["detail"], what
    session.expire_all()
    assert [c.opd_id for c in juror.account.conflicts] == []
    assert session.get(Recusal, (w.jurors[1].id, w.entries[2].id)) is not None
    entry = session.get(Entry, e0.id)
    assert entry is not None and entry.category == "teknologi"
    # The same conflicts again, and a change that counts nothing, are no change.
    same = client.patch(w.url(f"/jurors/{juror.id}"), json={"conflict_opd_ids": []}, headers=h)
    assert same.status_code == 200, same.text
    renamed = client.patch(w.url(f"/jurors/{juror.id}"), json={"full_name": "Dr. K1"}, headers=h)
    assert renamed.status_code == 200, renamed.text
    pass_deadline(session, w)
    final = client.post(w.url("/results/finalize"), headers=h)
    assert (final.status_code, final.json()["rows"]) == (200, provisional["rows"])
    after = client.patch(w.url(f"/jurors/{juror.id}"), json=conflicts, headers=h)
    assert (after.status_code, after.json()["conflict_opd_ids"]) == (200, [e0.opd_id])


@pytest.mark.usefixtures("provisional")
def test_withdraw_removes_provisional_results_and_voids_objections(
    client: TestClient, world: f.World, session: Session
) -> None:
    receipt = objection(client, world, world.entries[0].id).json()
    f.problem(
        client.post(world.url("/results/withdraw"), json={}, headers=world.admin.headers),
        422,
        "validation",
    )
    response = client.post(
        world.url("/results/withdraw"),
        json={"reason": "Salah rubrik"},
        headers=world.admin.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["voided_objection_ids"] == [receipt["id"]]
    f.problem(client.get(world.url("/results")), 404, "not-found")
    stored = session.get(Objection, receipt["id"])
    assert stored is not None and stored.status == "void"
    reopened = client.patch(world.url(), json={"status": "judging"}, headers=world.admin.headers)
    assert reopened.status_code == 200, reopened.text
    client.patch(world.url(), json={"status": "closed"}, headers=world.admin.headers)
    again = publish(client, world, days=0)
    f.problem(
        client.post(
            world.url("/results/withdraw"), json={"reason": "x"}, headers=world.admin.headers
        ),
        409,
        "convention-state",
    )
    assert again["status"] == "final"


def test_unpublished_and_unknown_conventions_answer_alike(
    client: TestClient, world: f.World
) -> None:
    unpublished = f.problem(client.get(world.url("/results")), 404, "not-found")
    unknown = f.problem(client.get("/api/v1/conventions/999999/results"), 404, "not-found")
    assert unpublished["title"] == unknown["title"]
    assert unpublished["detail"].replace(str(world.cid), "N") == unknown["detail"].replace(
        "999999", "N"
    )


def test_closing_with_unsubmitted_sheets_warns_naming_the_entries(
    client: TestClient, world: f.World, session: Session
) -> None:
    f.set_status(session, world.convention, "judging")
    for juror in world.jurors:
        f.make_sheet(session, juror.account, world.entries[0], {"A": 5, "B": 5})
    response = client.patch(world.url(), json={"status": "closed"}, headers=world.admin.headers)
    assert response.status_code == 200, response.text
    assert response.json()["warnings"] == [
        {"code": "incomplete", "entry_ids": [world.entries[1].id, world.entries[2].id]}
    ]
