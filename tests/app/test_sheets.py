"""Score sheets as the "Score sheets" section of docs/api.md describes them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import AuditEvent, Panel, Recusal, Sheet
from tests.app import factories as f

FULL = {"A": 8, "B": 6}


@pytest.fixture
def judging(session: Session, world: f.World) -> f.World:
    f.set_status(session, world.convention, "judging")
    return world


def put(
    client: TestClient, w: f.World, juror: f.Login, entry_id: int, body: Any, **headers: str
) -> Any:
    return client.put(
        w.url(f"/jurors/me/sheets/{entry_id}"), json=body, headers={**juror.headers, **headers}
    )


def conflicted_juror(session: Session, w: f.World, panel: Panel) -> f.Login:
    """A new juror of ``panel`` in conflict with OPD 0 (entries 0 and 2)."""
    juror = f.make_juror(session, w.convention, panel, conflicts=(w.opds[0],))
    return f.login(juror, f.SECRET)


def sheet_rows(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Sheet)) or 0


def test_put_sheet_creates_draft_with_version_and_etag(
    client: TestClient, judging: f.World
) -> None:
    w = judging
    juror, entry = w.jurors[0], w.entries[0]
    response = put(client, w, juror, entry.id, {"scores": {"A": 7}})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["entry_id"] == entry.id
    assert body["juror_id"] == juror.id
    assert body["scores"] == {"A": 7}
    assert body["comment"] is None
    assert body["status"] == "draft"
    assert body["version"] == 1
    assert body["updated_at"].endswith("Z")
    assert response.headers["etag"] == '"1"'


def test_put_same_body_is_a_no_op(client: TestClient, judging: f.World, session: Session) -> None:
    w = judging
    first = put(
        client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 7, "B": 3}, "comment": "bagus"}
    )
    again = put(
        client,
        w,
        w.jurors[0],
        w.entries[0].id,
        {"scores": {"A": 7.0, "B": 3}, "comment": "bagus", "submit": False},
    )
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["etag"] == '"1"'
    events = session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("sheet.%"))
    )
    assert events == 1


def test_put_changed_body_bumps_version(client: TestClient, judging: f.World) -> None:
    w = judging
    put(client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 7}})
    response = put(client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 8}})
    assert response.json()["version"] == 2
    assert response.json()["scores"] == {"A": 8}
    assert response.headers["etag"] == '"2"'


def test_put_replaces_whole_sheet_missing_comment_is_null(
    client: TestClient, judging: f.World
) -> None:
    w = judging
    put(client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 7, "B": 2}, "comment": "x"})
    response = put(client, w, w.jurors[0], w.entries[0].id, {"scores": {"B": 2}})
    assert response.json()["scores"] == {"B": 2}
    assert response.json()["comment"] is None


def test_submit_needs_every_criterion(
    client: TestClient, judging: f.World, session: Session
) -> None:
    w = judging
    response = put(client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 7}, "submit": True})
    body = f.problem(response, 422, "validation")
    assert {
        "loc": ["body", "scores", "B"],
        "msg": "required to submit: every criterion needs a score",
    } in body["errors"]
    assert sheet_rows(session) == 0


def test_submitted_sheet_is_final(client: TestClient, judging: f.World) -> None:
    w = judging
    submitted = put(client, w, w.jurors[0], w.entries[0].id, {**{"scores": FULL}, "submit": True})
    assert submitted.json()["status"] == "submitted"
    retry = put(client, w, w.jurors[0], w.entries[0].id, {"scores": FULL, "submit": True})
    assert retry.status_code == 200
    assert retry.json()["version"] == 1
    changed = put(
        client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 9, "B": 6}, "submit": True}
    )
    f.problem(changed, 409, "sheet-final")
    back_to_draft = put(client, w, w.jurors[0], w.entries[0].id, {"scores": FULL})
    f.problem(back_to_draft, 409, "sheet-final")


@pytest.mark.parametrize(
    ("scores", "loc"),
    [
        ({"A": 11}, ["body", "scores", "A"]),
        ({"A": -0.5}, ["body", "scores", "A"]),
        ({"Z": 5}, ["body", "scores", "Z"]),
        ({"A": "7"}, ["body", "scores", "A"]),
        ({"A": True}, ["body", "scores", "A"]),
        ({"A": None}, ["body", "scores", "A"]),
    ],
)
def test_put_bad_score_is_422_naming_it(
    client: TestClient, judging: f.World, session: Session, scores: dict[str, Any], loc: list[str]
) -> None:
    w = judging
    response = put(client, w, w.jurors[0], w.entries[0].id, {"scores": scores})
    body = f.problem(response, 422, "validation")
    assert [e["loc"] for e in body["errors"]] == [loc]
    assert sheet_rows(session) == 0


@pytest.mark.parametrize(
    "raw",
    [
        b'{"scores": {"A": NaN}}',
        b'{"scores": {"A": Infinity}}',
        b'{"scores": {"A": 1e999}}',
        b"not json",
        b"[1, 2]",
        b'{"scores": [1]}',
        b'{"scores": {}, "submit": "yes"}',
        b'{"scores": {}, "comment": 5}',
        b'{"scores": {}, "x": 1}',
        b"[" * 100_000,
    ],
)
def test_put_malformed_body_is_422(
    client: TestClient, judging: f.World, session: Session, raw: bytes
) -> None:
    w = judging
    response = client.put(
        w.url(f"/jurors/me/sheets/{w.entries[0].id}"),
        content=raw,
        headers={**w.jurors[0].headers, "content-type": "application/json"},
    )
    f.problem(response, 422, "validation")
    assert sheet_rows(session) == 0


def test_if_match_current_version_writes(client: TestClient, judging: f.World) -> None:
    w = judging
    put(client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 7}})
    response = put(
        client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 8}}, **{"If-Match": '"1"'}
    )
    assert response.status_code == 200
    assert response.json()["version"] == 2


def test_if_match_stale_version_is_412_nothing_written(
    client: TestClient, judging: f.World
) -> None:
    w = judging
    put(client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 7}})
    put(client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 8}})
    response = put(
        client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 9}}, **{"If-Match": '"1"'}
    )
    f.problem(response, 412, "precondition-failed")
    current = client.get(w.url(f"/jurors/me/sheets/{w.entries[0].id}"), headers=w.jurors[0].headers)
    assert current.json()["scores"] == {"A": 8}
    assert current.json()["version"] == 2


def test_if_match_on_missing_sheet_is_412(
    client: TestClient, judging: f.World, session: Session
) -> None:
    w = judging
    response = put(
        client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 9}}, **{"If-Match": '"1"'}
    )
    f.problem(response, 412, "precondition-failed")
    assert sheet_rows(session) == 0


@pytest.mark.parametrize(
    ("scores", "tag"),
    [({"A": 8}, 'W/"1"'), ({"A": 99}, '"7"')],
    ids=["weak_tag_never_matches", "412_comes_before_422"],
)
def test_if_match_of_another_version_is_412(
    client: TestClient, judging: f.World, scores: dict[str, float], tag: str
) -> None:
    w = judging
    put(client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 7}})
    response = put(client, w, w.jurors[0], w.entries[0].id, {"scores": scores}, **{"If-Match": tag})
    f.problem(response, 412, "precondition-failed")


def test_422_comes_before_equal_body_and_sheet_final(client: TestClient, judging: f.World) -> None:
    w = judging
    put(client, w, w.jurors[0], w.entries[0].id, {"scores": FULL, "submit": True})
    response = put(client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 99}, "submit": True})
    f.problem(response, 422, "validation")


def test_put_without_token_is_401(client: TestClient, judging: f.World) -> None:
    response = client.put(
        judging.url(f"/jurors/me/sheets/{judging.entries[0].id}"), json={"scores": {}}
    )
    f.problem(response, 401, "unauthenticated")
    assert response.headers["www-authenticate"] == "Bearer"


def test_put_by_secretariat_is_403(client: TestClient, judging: f.World) -> None:
    w = judging
    f.problem(put(client, w, w.admin, w.entries[0].id, {"scores": {}}), 403, "forbidden")


def test_put_unknown_entry_is_404_even_for_secretariat(
    client: TestClient, judging: f.World
) -> None:
    w = judging
    f.problem(put(client, w, w.admin, 999_999, {"scores": {}}), 404, "not-found")
    f.problem(put(client, w, w.jurors[0], 999_999, {"scores": {}}), 404, "not-found")
    f.problem(put(client, w, w.jurors[0], -1, {"scores": {}}), 404, "not-found")
    f.problem(put(client, w, w.jurors[0], 10**30, {"scores": {}}), 404, "not-found")


def test_put_entry_of_other_convention_is_404(
    client: TestClient, judging: f.World, session: Session
) -> None:
    w = judging
    other = f.make_world(session, f.SECRET, status="judging")
    f.problem(put(client, w, w.jurors[0], other.entries[0].id, {"scores": {}}), 404, "not-found")
    response = client.put(
        other.url(f"/jurors/me/sheets/{other.entries[0].id}"),
        json={"scores": {}},
        headers=w.jurors[0].headers,
    )
    f.problem(response, 404, "not-found")


def test_put_conflicted_juror_is_403_conflict_of_interest(
    client: TestClient, world: f.World, session: Session
) -> None:
    w = world
    conflicted = conflicted_juror(session, w, w.panels[0])
    f.set_status(session, w.convention, "draft")
    # 403 comes before 409 convention-state
    f.problem(
        put(client, w, conflicted, w.entries[0].id, {"scores": {}}), 403, "conflict-of-interest"
    )
    f.set_status(session, w.convention, "judging")
    f.problem(
        put(client, w, conflicted, w.entries[0].id, {"scores": {}}), 403, "conflict-of-interest"
    )
    ok = put(client, w, conflicted, w.entries[1].id, {"scores": {"A": 1}})
    assert ok.status_code == 200
    assert sheet_rows(session) == 1


@pytest.mark.parametrize("status", ["draft", "closed"])
def test_put_outside_judging_is_409_convention_state(
    client: TestClient, world: f.World, session: Session, status: str
) -> None:
    w = world
    f.set_status(session, w.convention, status)
    f.problem(
        put(client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 1}}), 409, "convention-state"
    )
    assert sheet_rows(session) == 0


def test_409_state_comes_before_412(client: TestClient, world: f.World, session: Session) -> None:
    w = world
    f.set_status(session, w.convention, "closed")
    response = put(
        client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 1}}, **{"If-Match": '"5"'}
    )
    f.problem(response, 409, "convention-state")


def test_put_after_deadline_is_409_with_message(
    client: TestClient, judging: f.World, session: Session
) -> None:
    w = judging
    w.convention.judging_deadline = datetime.now(UTC) - timedelta(minutes=1)
    session.commit()
    body = f.problem(
        put(client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 1}}), 409, "convention-state"
    )
    assert "deadline" in body["detail"]


def test_put_before_deadline_writes(client: TestClient, judging: f.World, session: Session) -> None:
    w = judging
    w.convention.judging_deadline = datetime.now(UTC) + timedelta(hours=1)
    session.commit()
    assert put(client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 1}}).status_code == 200


def test_get_own_sheet_with_etag_and_404_when_none(client: TestClient, judging: f.World) -> None:
    w = judging
    missing = client.get(w.url(f"/jurors/me/sheets/{w.entries[0].id}"), headers=w.jurors[0].headers)
    f.problem(missing, 404, "not-found")
    put(client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 7.5}, "comment": "ok"})
    response = client.get(
        w.url(f"/jurors/me/sheets/{w.entries[0].id}"), headers=w.jurors[0].headers
    )
    assert response.status_code == 200
    assert response.headers["etag"] == '"1"'
    assert response.json()["scores"] == {"A": 7.5}
    assert response.json()["comment"] == "ok"


def test_juror_never_sees_another_jurors_sheet(client: TestClient, judging: f.World) -> None:
    w = judging
    put(client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 7}})
    other = client.get(w.url(f"/jurors/me/sheets/{w.entries[0].id}"), headers=w.jurors[1].headers)
    f.problem(other, 404, "not-found")
    listing = client.get(w.url("/jurors/me/sheets"), headers=w.jurors[1].headers)
    assert listing.json()["items"] == []
    assert listing.json()["total"] == 0


def test_list_own_sheets_paginates(client: TestClient, judging: f.World) -> None:
    w = judging
    for entry in w.entries:
        put(client, w, w.jurors[0], entry.id, {"scores": {"A": 1}})
    response = client.get(w.url("/jurors/me/sheets?limit=2&offset=1"), headers=w.jurors[0].headers)
    body = response.json()
    assert body["total"] == 3
    assert body["limit"] == 2
    assert body["offset"] == 1
    assert [s["entry_id"] for s in body["items"]] == [w.entries[1].id, w.entries[2].id]


def test_admin_reads_juror_sheets(client: TestClient, judging: f.World) -> None:
    w = judging
    put(client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 7}})
    listing = client.get(w.url(f"/jurors/{w.jurors[0].id}/sheets"), headers=w.admin.headers)
    assert listing.status_code == 200
    assert [s["entry_id"] for s in listing.json()["items"]] == [w.entries[0].id]
    one = client.get(
        w.url(f"/jurors/{w.jurors[0].id}/sheets/{w.entries[0].id}"), headers=w.admin.headers
    )
    assert one.json()["scores"] == {"A": 7}
    assert one.headers["etag"] == '"1"'
    none = client.get(
        w.url(f"/jurors/{w.jurors[1].id}/sheets/{w.entries[0].id}"), headers=w.admin.headers
    )
    f.problem(none, 404, "not-found")


@pytest.mark.parametrize(
    "path",
    [
        "/jurors/{own}/sheets",
        "/jurors/{other}/sheets",
        "/jurors/999999/sheets",
        "/jurors/{own}/sheets/{entry}",
        "/jurors/{other}/sheets/{entry}",
    ],
)
def test_juror_gets_403_on_admin_sheet_views(
    client: TestClient, judging: f.World, path: str
) -> None:
    w = judging
    url = w.url(path.format(own=w.jurors[0].id, other=w.jurors[1].id, entry=w.entries[0].id))
    f.problem(client.get(url, headers=w.jurors[0].headers), 403, "forbidden")


@pytest.mark.parametrize("path", ["/jurors/me/sheets", "/jurors/me/sheets/{entry}"])
def test_secretariat_using_me_is_403(client: TestClient, judging: f.World, path: str) -> None:
    w = judging
    f.problem(
        client.get(w.url(path.format(entry=w.entries[0].id)), headers=w.admin.headers),
        403,
        "forbidden",
    )


def test_reopen_sends_submitted_sheet_back_to_draft(
    client: TestClient, judging: f.World, session: Session
) -> None:
    w = judging
    put(client, w, w.jurors[0], w.entries[0].id, {"scores": FULL, "submit": True})
    url = w.url(f"/jurors/{w.jurors[0].id}/sheets/{w.entries[0].id}/reopen")
    f.problem(client.post(url, headers=w.jurors[0].headers), 403, "forbidden")
    response = client.post(url, headers=w.admin.headers)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "draft"
    assert response.json()["version"] == 2
    edited = put(
        client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 9, "B": 6}, "submit": True}
    )
    assert edited.json()["version"] == 3
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "sheet.reopen")).one()
    assert event.actor_id == w.admin.id
    assert event.before is not None and event.before["status"] == "submitted"
    assert event.after is not None and event.after["status"] == "draft"


def test_reopen_outside_judging_is_409(
    client: TestClient, judging: f.World, session: Session
) -> None:
    w = judging
    put(client, w, w.jurors[0], w.entries[0].id, {"scores": FULL, "submit": True})
    f.set_status(session, w.convention, "closed")
    url = w.url(f"/jurors/{w.jurors[0].id}/sheets/{w.entries[0].id}/reopen")
    f.problem(client.post(url, headers=w.admin.headers), 409, "convention-state")


def test_sheet_write_is_audited_with_before_and_after(
    client: TestClient, judging: f.World, session: Session
) -> None:
    w = judging
    put(client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 7}})
    put(client, w, w.jurors[0], w.entries[0].id, {"scores": FULL, "submit": True})
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("sheet.%")).order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["sheet.save", "sheet.submit"]
    assert events[0].before is None
    stage_id = w.convention.stages[0].id
    assert events[0].after == {
        "stage_id": stage_id,
        "scores": {"A": 7},
        "comment": None,
        "status": "draft",
        "version": 1,
    }
    assert events[1].before == events[0].after
    assert events[1].after is not None and events[1].after["version"] == 2
    assert all(e.actor_id == w.jurors[0].id and e.entry_id == w.entries[0].id for e in events)


def test_recusal_blocks_scoring_and_is_visible(
    client: TestClient, judging: f.World, session: Session
) -> None:
    w = judging
    response = client.post(
        w.url("/jurors/me/recusals"),
        json={"entry_id": w.entries[0].id, "reason": "keluarga"},
        headers=w.jurors[0].headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["entry_id"] == w.entries[0].id
    again = client.post(
        w.url("/jurors/me/recusals"),
        json={"entry_id": w.entries[0].id},
        headers=w.jurors[0].headers,
    )
    f.problem(again, 409, "duplicate")
    f.problem(
        put(client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 1}}),
        403,
        "conflict-of-interest",
    )
    listing = client.get(w.url("/recusals"), headers=w.admin.headers).json()
    assert [(r["juror_id"], r["entry_id"], r["reason"]) for r in listing["items"]] == [
        (w.jurors[0].id, w.entries[0].id, "keluarga")
    ]
    f.problem(client.get(w.url("/recusals"), headers=w.jurors[0].headers), 403, "forbidden")
    gone = client.delete(
        w.url(f"/jurors/{w.jurors[0].id}/recusals/{w.entries[0].id}"), headers=w.admin.headers
    )
    assert gone.status_code == 204
    assert session.scalar(select(func.count()).select_from(Recusal)) == 0
    assert put(client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 1}}).status_code == 200


def test_assignment_mode_limits_who_scores(
    client: TestClient, judging: f.World, session: Session
) -> None:
    w = judging
    w.convention.assignment_mode = "assigned"
    session.commit()
    f.problem(put(client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 1}}), 403, "forbidden")
    response = client.post(
        w.url("/assignments"),
        headers=w.admin.headers,
        json={"items": [{"juror_id": w.jurors[0].id, "entry_id": w.entries[0].id}]},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"added": 1, "unchanged": 0, "total": 1}
    assert put(client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 1}}).status_code == 200
    f.problem(put(client, w, w.jurors[0], w.entries[1].id, {"scores": {"A": 1}}), 403, "forbidden")
    replaced = client.put(
        w.url(f"/jurors/{w.jurors[0].id}/assignments"),
        json={"entry_ids": [w.entries[1].id]},
        headers=w.admin.headers,
    )
    assert replaced.json() == {"juror_id": w.jurors[0].id, "entry_ids": [w.entries[1].id]}
    listing = client.get(w.url("/assignments"), headers=w.admin.headers).json()
    assert [(a["juror_id"], a["entry_id"]) for a in listing["items"]] == [
        (w.jurors[0].id, w.entries[1].id)
    ]


def test_assignment_with_unknown_ids_is_422(client: TestClient, judging: f.World) -> None:
    w = judging
    response = client.post(
        w.url("/assignments"),
        headers=w.admin.headers,
        json={"items": [{"juror_id": w.jurors[0].id, "entry_id": 999999}]},
    )
    body = f.problem(response, 422, "validation")
    assert body["errors"][0]["loc"] == ["body", "items", 0, "entry_id"]


def test_progress_counts_for_juror_and_secretariat(
    client: TestClient, judging: f.World, session: Session
) -> None:
    w = judging
    conflicted = conflicted_juror(session, w, w.panels[1])
    put(client, w, w.jurors[0], w.entries[0].id, {"scores": FULL, "submit": True})
    put(client, w, w.jurors[0], w.entries[1].id, {"scores": {"A": 2}})
    mine = client.get(w.url("/jurors/me/progress"), headers=w.jurors[0].headers).json()
    assert (
        mine["to_score"],
        mine["not_started"],
        mine["draft"],
        mine["submitted"],
        mine["conflicts"],
    ) == (3, 1, 1, 1, 0)
    assert [e["state"] for e in mine["entries"]] == ["submitted", "draft", "not_started"]
    theirs = client.get(w.url("/jurors/me/progress"), headers=conflicted.headers).json()
    assert (theirs["to_score"], theirs["conflicts"]) == (1, 2)
    overall = client.get(w.url("/progress"), headers=w.admin.headers).json()
    assert overall["entries"] == 3
    assert overall["expected_sheets"] == 3 * 3 + 1
    assert overall["submitted_sheets"] == 1
    assert overall["draft_sheets"] == 1
    assert overall["complete_entries"] == 0
    by_juror = {j["juror_id"]: j for j in overall["jurors"]}
    assert by_juror[conflicted.id]["expected"] == 1
    assert by_juror[conflicted.id]["conflicts"] == 2
    missing = client.get(w.url("/progress/entries?incomplete=true"), headers=w.admin.headers).json()
    first = missing["items"][0]
    assert first["entry_id"] == w.entries[0].id
    assert first["expected_sheet_count"] == 3
    assert first["sheet_count"] == 1
    assert first["missing_juror_ids"] == [w.jurors[1].id, w.jurors[2].id]
    f.problem(client.get(w.url("/progress"), headers=w.jurors[0].headers), 403, "forbidden")


def test_audit_log_is_filterable_and_admin_only(client: TestClient, judging: f.World) -> None:
    w = judging
    put(client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 1}})
    put(client, w, w.jurors[1], w.entries[1].id, {"scores": {"A": 2}})
    response = client.get(w.url(f"/audit?juror_id={w.jurors[1].id}"), headers=w.admin.headers)
    items = response.json()["items"]
    assert [(e["action"], e["entry_id"]) for e in items] == [("sheet.save", w.entries[1].id)]
    by_entry = client.get(
        w.url(f"/audit?entry_id={w.entries[0].id}&action=sheet.save"), headers=w.admin.headers
    ).json()
    assert by_entry["total"] == 1
    f.problem(client.get(w.url("/audit"), headers=w.jurors[0].headers), 403, "forbidden")
    assert client.delete(w.url("/audit"), headers=w.admin.headers).status_code == 405


def test_sync_applies_each_sheet_independently(
    client: TestClient, judging: f.World, session: Session
) -> None:
    w = judging
    put(client, w, w.jurors[0], w.entries[2].id, {"scores": FULL, "submit": True})
    body = {
        "sheets": [
            {"entry_id": w.entries[0].id, "scores": {"A": 5}},
            {"entry_id": w.entries[0].id, "scores": {"A": 5}},
            {"entry_id": w.entries[1].id, "scores": {"A": 50}},
            {"entry_id": w.entries[2].id, "scores": {"A": 1, "B": 1}, "submit": True},
            {"entry_id": 999999, "scores": {}},
            {"entry_id": w.entries[1].id, "scores": {"A": 4}, "base_version": 3},
        ]
    }
    response = client.post(w.url("/jurors/me/sheets:sync"), json=body, headers=w.jurors[0].headers)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [(r["outcome"], r["status"]) for r in results] == [
        ("accepted", 200),
        ("unchanged", 200),
        ("invalid", 422),
        ("conflict", 409),
        ("refused", 404),
        ("conflict", 412),
    ]
    assert results[0]["sheet"]["version"] == 1
    assert results[2]["problem"]["errors"][0]["loc"] == ["body", "scores", "A"]
    assert results[3]["sheet"]["scores"] == FULL
    assert results[5]["sheet"] is None
    assert sheet_rows(session) == 2


def test_reopen_unknown_sheet_is_404_before_state(
    client: TestClient, world: f.World, session: Session
) -> None:
    w = world
    f.set_status(session, w.convention, "closed")
    url = w.url(f"/jurors/{w.jurors[0].id}/sheets/{w.entries[0].id}/reopen")
    f.problem(client.post(url, headers=w.admin.headers), 404, "not-found")


def test_comment_with_nul_is_422(client: TestClient, judging: f.World, session: Session) -> None:
    w = judging
    response = put(
        client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 1}, "comment": "x\u0000y"}
    )
    body = f.problem(response, 422, "validation")
    assert body["errors"] == [
        {"loc": ["body", "comment"], "msg": "must not contain NUL characters"}
    ]
    assert sheet_rows(session) == 0


# --- retries, grids and hostile input (contract 1.1) ---------------------------------------


def test_equal_body_wins_over_a_stale_if_match(client: TestClient, judging: f.World) -> None:
    w = judging
    first = put(client, w, w.jurors[0], w.entries[0].id, {"scores": FULL, "submit": True})
    assert first.status_code == 200
    # The tablet retries the submit it already sent, with the If-Match it had then.
    retry = put(
        client,
        w,
        w.jurors[0],
        w.entries[0].id,
        {"scores": FULL, "submit": True},
        **{"If-Match": '"7"'},
    )
    assert retry.status_code == 200, retry.text
    assert retry.json() == first.json()
    different = put(
        client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 1, "B": 1}}, **{"If-Match": '"7"'}
    )
    f.problem(different, 412, "precondition-failed")


def test_an_unquoted_if_match_is_412_asking_to_quote_it(
    client: TestClient, judging: f.World
) -> None:
    w = judging
    put(client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 7}})
    response = put(
        client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 8}}, **{"If-Match": "1"}
    )
    problem = f.problem(response, 412, "precondition-failed")
    assert "quote" in problem["detail"]
    assert '"1"' in problem["detail"]


def test_sync_of_an_equal_sheet_with_a_stale_base_version_is_unchanged(
    client: TestClient, judging: f.World
) -> None:
    w = judging
    put(client, w, w.jurors[0], w.entries[0].id, {"scores": FULL})
    response = client.post(
        w.url("/jurors/me/sheets:sync"),
        json={"sheets": [{"entry_id": w.entries[0].id, "scores": FULL, "base_version": 9}]},
        headers=w.jurors[0].headers,
    )
    assert [r["outcome"] for r in response.json()["results"]] == ["unchanged"]


def test_a_lone_surrogate_in_sync_is_one_invalid_item_and_the_others_apply(
    client: TestClient, judging: f.World, session: Session
) -> None:
    w = judging
    raw = (
        '{"sheets": ['
        f'{{"entry_id": {w.entries[0].id}, "scores": {{"A": 7}}, "comment": "\\ud800"}},'
        f'{{"entry_id": {w.entries[1].id}, "scores": {{"\\udfff": 7}}}},'
        f'{{"entry_id": {w.entries[2].id}, "scores": {{"A": 7}}}}'
        "]}"
    )
    response = client.post(
        w.url("/jurors/me/sheets:sync"),
        content=raw.encode(),
        headers={**w.jurors[0].headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    assert [r["outcome"] for r in response.json()["results"]] == ["invalid", "invalid", "accepted"]
    assert sheet_rows(session) == 1


def test_a_body_of_thousands_of_unknown_codes_is_a_short_422(
    client: TestClient, judging: f.World
) -> None:
    w = judging
    scores = {f"X{i}": 1 for i in range(60_000)}
    response = client.post(
        w.url("/jurors/me/sheets:sync"),
        json={"sheets": [{"entry_id": w.entries[0].id, "scores": scores}]},
        headers=w.jurors[0].headers,
    )
    f.problem(response, 422, "validation")
    assert len(response.content) < 10_000
    direct = put(
        client, w, w.jurors[0], w.entries[0].id, {"scores": {f"X{i}": 1 for i in range(900)}}
    )
    f.problem(direct, 422, "validation")
    assert len(direct.content) < 20_000


def test_an_off_grid_score_is_422_and_one_within_1e_9_is_stored_as_the_grid_value(
    client: TestClient, judging: f.World, session: Session
) -> None:
    w = judging
    w.criteria[0].step = 0.5
    session.commit()
    f.problem(
        put(client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 8.2}}), 422, "validation"
    )
    for value in (8.0000000000004, 8.0000000001):
        near = put(client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": value}})
        assert near.status_code == 200, near.text
        assert near.json()["scores"] == {"A": 8.0}
        session.expire_all()
        assert session.scalars(select(Sheet)).one().scores == {"A": 8.0}
    # 6e-9 off the grid: refused, naming the score, and the stored sheet stays as it was.
    off = put(client, w, w.jurors[0], w.entries[0].id, {"scores": {"A": 8.000000006}})
    problem = f.problem(off, 422, "validation")
    assert problem["errors"] == [
        {"loc": ["body", "scores", "A"], "msg": "must be 0 plus a multiple of 0.5"}
    ]
    session.expire_all()
    assert session.scalars(select(Sheet)).one().scores == {"A": 8.0}


@pytest.mark.parametrize(
    ("body", "loc", "msg"),
    [
        ('{"scores": {"A": 7}, "comment": "baik\\ud800"}', ["body", "comment"], "lone surrogate"),
        ('{"scores": {"\\udfff": 7}}', ["body", "scores", "?"], "not valid Unicode"),
    ],
)
def test_a_lone_surrogate_in_a_sheet_put_is_422_naming_the_field(
    client: TestClient,
    judging: f.World,
    session: Session,
    body: str,
    loc: list[str],
    msg: str,
) -> None:
    w = judging
    response = client.put(
        w.url(f"/jurors/me/sheets/{w.entries[0].id}"),
        content=body.encode(),
        headers={**w.jurors[0].headers, "Content-Type": "application/json"},
    )
    problem = f.problem(response, 422, "validation")
    assert [e["loc"] for e in problem["errors"]] == [loc]
    assert msg in problem["errors"][0]["msg"]
    assert sheet_rows(session) == 0


def _sync_raw(client: TestClient, w: f.World, sheets: list[dict[str, Any]]) -> tuple[int, Any]:
    body = orjson.dumps({"sheets": sheets})
    response = client.post(
        w.url("/jurors/me/sheets:sync"),
        content=body,
        headers={**w.jurors[0].headers, "Content-Type": "application/json"},
    )
    return len(body), response


def _unknown_codes(w: f.World, sheets: int, codes: int) -> list[dict[str, Any]]:
    """``sheets`` sheets over the world's entries, each of ``codes`` unknown criteria."""
    return [
        {"entry_id": w.entries[i % 3].id, "scores": {f"KODE{i}x{n}": 1 for n in range(codes)}}
        for i in range(sheets)
    ]


def test_a_megabyte_of_unknown_codes_spread_over_a_sync_is_a_short_422(
    client: TestClient, judging: f.World, session: Session
) -> None:
    # 500 sheets of 120 unknown codes: 60,000 in all, a body of almost 1 MB.
    size, response = _sync_raw(client, judging, _unknown_codes(judging, 500, 120))
    assert 900_000 < size < 1_048_576
    problem = f.problem(response, 422, "validation")
    assert problem["errors"] == [
        {"loc": ["body", "sheets"], "msg": "may hold at most 50000 scores in all, not 60000"}
    ]
    assert len(response.content) < 1_000
    assert sheet_rows(session) == 0


def test_a_sync_names_at_most_100_faults_in_all(
    client: TestClient, judging: f.World, session: Session
) -> None:
    # Under the limit (500 sheets of 90 unknown codes): each item is invalid on its own, its
    # detail counting its faults, and the answer names 100 of them in all.
    sheets = _unknown_codes(judging, 499, 90)
    sheets.append({"entry_id": judging.entries[0].id, "scores": {"A": 7}})
    size, response = _sync_raw(client, judging, sheets)
    assert response.status_code == 200, response.text[:500]
    results = response.json()["results"]
    assert [r["outcome"] for r in results] == ["invalid"] * 499 + ["accepted"]
    named = [len(r["problem"]["errors"]) for r in results[:-1]]
    assert named[:2] == [90, 10] and set(named[2:]) == {0}
    assert all(r["problem"]["detail"].endswith("(and 85 more)") for r in results[:-1])
    assert len(response.content) < size // 2
    assert sheet_rows(session) == 1
