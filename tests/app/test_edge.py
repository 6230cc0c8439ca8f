"""Issue 13, defect 11: what every answer carries (nosniff; no-store where a token was used),
the access log, and public routes that say nothing of an unpublished convention."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.services import certificates
from tests.app import factories as f
from tests.app.test_awards import published
from tests.app.test_objections import REASON

NOSNIFF = "nosniff"


def _nosniff(response: Any) -> None:
    assert response.headers["x-content-type-options"] == NOSNIFF, response.headers
    assert "server" not in response.headers


def _no_store(response: Any) -> None:
    _nosniff(response)
    assert response.headers["cache-control"] == "no-store", response.headers


# --- headers, one representative route of each kind ------------------------------------------


def test_the_token_answer_is_not_stored(client: TestClient, world: f.World) -> None:
    response = client.post(
        "/api/v1/auth/token",
        data={"username": world.admin.account.username, "password": f.PASSWORD},
    )
    assert response.status_code == 200, response.text
    assert response.json()["token_type"] == "bearer"
    _no_store(response)
    # A refused login is not stored either.
    wrong = client.post(
        "/api/v1/auth/token", data={"username": world.admin.account.username, "password": "x"}
    )
    f.problem(wrong, 401, "unauthenticated")
    _no_store(wrong)


def test_authenticated_json_answers_are_not_stored(client: TestClient, world: f.World) -> None:
    me = client.get("/api/v1/me", headers=world.admin.headers)
    assert me.status_code == 200
    assert me.json()["username"] == world.admin.account.username
    _no_store(me)
    entries = client.get(world.url("/entries"), headers=world.jurors[0].headers)
    assert entries.status_code == 200
    assert entries.json()["total"] == 3
    _no_store(entries)
    # Its problems too (a juror on the secretariat's route).
    refused = client.get(world.url("/ranking"), headers=world.jurors[0].headers)
    f.problem(refused, 403, "forbidden")
    _no_store(refused)


def test_authenticated_downloads_are_not_stored(client: TestClient, world: f.World) -> None:
    csv = client.get(world.url("/exports/awards.csv"), headers=world.admin.headers)
    assert csv.status_code == 200
    assert csv.text.startswith("Peringkat,")
    _no_store(csv)


def test_public_pages_and_static_files_say_nosniff(client: TestClient) -> None:
    page = client.get("/verify")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    _nosniff(page)
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    _nosniff(icon)
    juri = client.get("/juri/")
    assert juri.status_code == 200
    _nosniff(juri)
    health = client.get("/health")
    assert health.json() == {"status": "ok"}
    _nosniff(health)
    # Public answers without a token keep their own caching.
    assert "no-store" not in icon.headers.get("cache-control", "")


def test_a_pdf_says_nosniff(client: TestClient, session: Session, world: f.World) -> None:
    published(client, session, world)
    issued = client.post(world.url("/awards"), headers=world.admin.headers)
    assert issued.status_code == 201, issued.text
    code = issued.json()["certificates"][0]["code"]
    pdf = client.get(f"/api/v1/certificates/{code}.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")
    _nosniff(pdf)
    assert pdf.headers["cache-control"] == "no-cache"


def test_problems_say_nosniff(client: TestClient, world: f.World) -> None:
    for response, status, name in (
        (client.get("/api/v1/nowhere"), 404, "not-found"),
        (client.get(world.url("/entries")), 401, "unauthenticated"),
        (client.delete("/health"), 405, "method-not-allowed"),
        (
            client.post(
                world.url("/opds"), content=b"x" * (2 * 1024 * 1024), headers=world.admin.headers
            ),
            413,
            "too-large",
        ),
    ):
        f.problem(response, status, name)
        _nosniff(response)


def test_an_unhandled_error_is_a_500_with_the_same_headers(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def crash(*_args: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(certificates, "find_by_code", crash)
    with caplog.at_level(logging.INFO, logger="konvensi.access"):
        response = client.get("/api/v1/certificates/ABCDEFGHIJKLMNOP")
    problem = f.problem(response, 500, "internal")
    assert "boom" not in json.dumps(problem)
    _no_store(response)
    [line] = _access_lines(caplog)
    assert (line["path"], line["status"]) == ("/api/v1/certificates/ABCDEFGHIJKLMNOP", 500)


# --- the access log --------------------------------------------------------------------------


def _access_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [
        json.loads(record.getMessage())
        for record in caplog.records
        if record.name == "konvensi.access"
    ]


def test_every_request_is_one_json_line_without_query_or_token(
    client: TestClient, world: f.World, caplog: pytest.LogCaptureFixture
) -> None:
    token = world.admin.token
    with caplog.at_level(logging.INFO, logger="konvensi.access"):
        client.get("/api/v1/me?access_token=rahasia", headers=world.admin.headers)
        client.post(
            "/api/v1/auth/token",
            data={"username": world.admin.account.username, "password": f.PASSWORD},
        )
        client.get(world.url("/ranking"), headers=world.jurors[0].headers)
    lines = _access_lines(caplog)
    assert [(x["method"], x["path"], x["status"]) for x in lines] == [
        ("GET", "/api/v1/me", 200),
        ("POST", "/api/v1/auth/token", 200),
        ("GET", f"/api/v1/conventions/{world.cid}/ranking", 403),
    ]
    for line in lines:
        assert set(line) == {"time", "method", "path", "status", "duration_ms", "client"}
        assert line["client"] == "testclient"
        assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
        assert line["time"].endswith("Z")
    text = "\n".join(record.getMessage() for record in caplog.records)
    for secret in (token, "rahasia", f.PASSWORD, "Bearer", "authorization"):
        assert secret not in text


def test_the_access_log_is_silent_unless_logging_is_set_up(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="konvensi.access"):
        assert client.get("/health").status_code == 200
    assert _access_lines(caplog) == []


# --- public routes: an unpublished convention is an unknown one ------------------------------


def _public_answers(client: TestClient, cid: int, entry_id: int) -> list[tuple[int, str]]:
    objection = {"entry_id": entry_id, "name": "Budi", "contact": "b@x.id", "reason": REASON}
    answers = [
        client.get(f"/api/v1/conventions/{cid}/results"),
        client.post(f"/api/v1/conventions/{cid}/objections", json=objection),
        client.get(f"/hasil/{cid}"),
        client.post(f"/hasil/{cid}", data={**objection, "entry_id": str(entry_id)}),
    ]
    for response in answers:
        _nosniff(response)
    # The pages repeat the id asked for.
    said = (f"untuk konvensi {cid}.", f"for convention {cid}.")
    return [
        (r.status_code, r.text.replace(said[0], "untuk konvensi ?.").replace(said[1], "for ?."))
        for r in answers
    ]


def test_an_unpublished_convention_answers_as_an_unknown_one(
    client: TestClient, session: Session, world: f.World
) -> None:
    unknown = _public_answers(client, 999_999, world.entries[0].id)
    assert [status for status, _ in unknown] == [404, 404, 404, 404]
    assert json.loads(unknown[0][1]) == {
        "type": "/problems/not-found",
        "title": "Not found",
        "status": 404,
        "detail": "No published results for this convention.",
    }
    assert unknown[1] == unknown[0]
    for status in ("draft", "judging", "closed"):
        f.set_status(session, world.convention, status)
        got = _public_answers(client, world.cid, world.entries[0].id)
        assert got == unknown, status
    # Once published, the convention is public: objections to final results are 409.
    published(client, session, world)
    results = client.get(world.url("/results"))
    assert results.status_code == 200
    late = client.post(
        world.url("/objections"),
        json={"entry_id": world.entries[0].id, "name": "B", "contact": "b", "reason": REASON},
    )
    f.problem(late, 409, "convention-state")
