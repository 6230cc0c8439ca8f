"""The OpenAPI document a tablet developer generates a client from: valid, with short
operation ids, named bodies, a model for every JSON answer, binary downloads declared as
such; and a client generated from it by openapi-python-client running a juror's whole flow
(login, entries, draft, submit, sync, progress) against a live server."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema_rs
import pytest
from fastapi.testclient import TestClient
from openapi_spec_validator import validate

from app.config import Settings
from app.main import create_app
from app.services.sheets.rules import MAX_COMMENT
from tests.app import factories as f
from tests.support.server import Server, free_port, migrate, serve_command, server_env

APP = create_app(Settings(secret_key=f.SECRET, database_url="sqlite://"))
SPEC: dict[str, Any] = APP.openapi()
OPERATIONS = [
    (method.upper(), path, operation)
    for path, operations in SPEC["paths"].items()
    for method, operation in operations.items()
]
BINARY = {"type": "string", "format": "binary"}


def test_the_document_is_valid_openapi_3_1() -> None:
    validate(SPEC)
    assert SPEC["openapi"].startswith("3.1")


def test_operation_ids_are_short_unique_and_name_tag_and_function() -> None:
    ids = [operation["operationId"] for _m, _p, operation in OPERATIONS]
    assert len(ids) == len(set(ids))
    for operation_id in ids:
        assert re.fullmatch(r"[a-z]+-[a-z_]+", operation_id), operation_id
    by_route = {(m, p): o["operationId"] for m, p, o in OPERATIONS}
    sheet = "/api/v1/conventions/{cid}/jurors/me/sheets/{entry_id}"
    assert by_route["PUT", sheet] == "sheets-put_my_sheet"
    assert by_route["POST", "/api/v1/conventions/{cid}/jurors/me/sheets:sync"] == (
        "sheets-sync_my_sheets"
    )
    assert by_route["POST", "/api/v1/auth/token"] == "auth-create_token"


def test_every_request_body_is_a_named_component() -> None:
    components = SPEC["components"]["schemas"]
    bodies = {}
    for method, path, operation in OPERATIONS:
        for media in operation.get("requestBody", {}).get("content", {}).values():
            ref = media["schema"].get("$ref", "")
            assert ref.startswith("#/components/schemas/"), (method, path, media["schema"])
            name = ref.rsplit("/", 1)[1]
            assert name in components
            assert not name.startswith("Body_"), (method, path)
            bodies[method, path] = name
    assert bodies["PUT", "/api/v1/conventions/{cid}/jurors/me/sheets/{entry_id}"] == "SheetIn"
    assert bodies["POST", "/api/v1/conventions/{cid}/jurors/me/sheets:sync"] == "SyncIn"
    assert bodies["POST", "/api/v1/auth/token"] == "TokenForm"
    # An optional body is the component, not anyOf [it, null], and not required.
    publish = SPEC["paths"]["/api/v1/conventions/{cid}/results"]["post"]["requestBody"]
    assert publish["required"] is False
    assert publish["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PublishIn"
    }


def _is_bare_object(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "object" and "properties" not in schema and "$ref" not in schema


def test_every_json_answer_has_a_model_and_binary_answers_are_binary() -> None:
    kinds: dict[str, int] = {}
    for method, path, operation in OPERATIONS:
        for status, response in operation["responses"].items():
            for media_type, media in response.get("content", {}).items():
                schema = media.get("schema")
                assert schema is not None, (method, path, status, media_type)
                if "json" in media_type:
                    assert schema != {} and not _is_bare_object(schema), (method, path, status)
                    if media_type == "application/problem+json":
                        assert schema == {"$ref": "#/components/schemas/Problem"}
                elif media_type.startswith("text/html"):
                    assert schema == {"type": "string"}
                else:
                    assert schema == BINARY, (method, path, media_type)
                    kinds[media_type] = kinds.get(media_type, 0) + 1
    assert {"application/pdf", "application/zip", "text/csv"} <= kinds.keys()


def test_no_answer_is_declared_that_the_server_never_gives() -> None:
    text = json.dumps(SPEC)
    # Validation errors are problem+json: FastAPI's own 422 model never leaves the server.
    assert "HTTPValidationError" not in text
    assert "already-done" not in text
    for method, path, operation in OPERATIONS:
        invalid = operation["responses"].get("422")
        if invalid is not None:
            assert list(invalid["content"]) == ["application/problem+json"], (method, path)


def test_sync_items_are_typed_like_the_sheet_put() -> None:
    item = SPEC["components"]["schemas"]["SyncItem"]["properties"]
    assert item["scores"]["additionalProperties"] == {"type": "number"}
    assert item["submit"]["type"] == "boolean"
    assert {"type": "string", "maxLength": MAX_COMMENT} in item["comment"]["anyOf"]
    result = SPEC["components"]["schemas"]["SyncResult"]["properties"]
    assert {"$ref": "#/components/schemas/Problem"} in result["problem"]["anyOf"]


def _strict(schema: Any) -> Any:
    """The schema with no undeclared member allowed anywhere: the model documents it all."""
    if isinstance(schema, dict):
        out = {key: _strict(value) for key, value in schema.items()}
        if out.get("type") == "object" and "properties" in out:
            out.setdefault("additionalProperties", False)
        return out
    if isinstance(schema, list):
        return [_strict(value) for value in schema]
    return schema


def _conforms(body: Any, component: str) -> None:
    document = {
        "$ref": f"#/components/schemas/{component}",
        "components": _strict(SPEC["components"]),
    }
    jsonschema_rs.validator_for(document).validate(body)


def test_answers_served_as_raw_json_match_their_documented_models(
    client: TestClient, world: f.World
) -> None:
    """Routes that serialise dicts for speed: the real answers, against their models."""
    base, admin, juror = world.url(), world.admin, world.jurors[0]
    assert client.patch(base, json={"status": "judging"}, headers=admin.headers).status_code == 200
    for n, login in enumerate(world.jurors):
        for entry in world.entries:
            body = {"scores": {"A": 5 + n, "B": entry.id % 10}, "submit": True}
            put = client.put(
                f"{base}/jurors/me/sheets/{entry.id}", json=body, headers=login.headers
            )
            assert put.status_code == 200, put.text
    ok = client.get(f"{base}/ranking/entries/{world.entries[0].id}", headers=admin.headers)
    assert ok.status_code == 200
    _conforms(ok.json(), "ExplainOut")
    agreement = client.get(f"{base}/ranking/agreement", headers=admin.headers)
    assert agreement.status_code == 200
    _conforms(agreement.json(), "AgreementOut")
    assert agreement.json()["stages"][0]["panels"]
    mine = client.get(f"{base}/jurors/me/sheets", headers=juror.headers)
    assert mine.status_code == 200 and mine.json()["total"] == len(world.entries)
    _conforms(mine.json(), "Page_SheetOut_")
    theirs = client.get(f"{base}/jurors/{juror.id}/sheets", headers=admin.headers)
    _conforms(theirs.json(), "Page_SheetOut_")
    assert client.patch(base, json={"status": "closed"}, headers=admin.headers).status_code == 200
    assert client.post(f"{base}/results", json={}, headers=admin.headers).status_code == 201
    check = client.get(f"{base}/results/verify", headers=admin.headers)
    assert check.status_code == 200 and check.json()["matches"] is True
    _conforms(check.json(), "ResultsCheckOut")
    health = client.get("/health")
    _conforms(health.json(), "HealthOut")


def test_a_wrong_member_fails_the_strict_check() -> None:
    """The check above can fail: an undeclared member does."""
    with pytest.raises(jsonschema_rs.ValidationError):
        _conforms({"status": "ok", "extra": 1}, "HealthOut")


# --- a client generated from the document, against a live server ---------------------------

GENERATOR_CONFIG = """\
post_hooks: []
content_type_overrides:
  application/pdf: application/octet-stream
  application/zip: application/octet-stream
  text/csv: application/octet-stream
  application/vnd.openxmlformats-officedocument.spreadsheetml.sheet: application/octet-stream
"""


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """``openapi-python-client generate`` on the served document: the package
    ``konvensi_client``, imported."""
    root = tmp_path_factory.mktemp("client")
    (root / "openapi.json").write_text(json.dumps(SPEC))
    (root / "config.yaml").write_text(GENERATOR_CONFIG)
    tool = Path(sys.executable).with_name("openapi-python-client")
    done = subprocess.run(
        [
            str(tool),
            "generate",
            "--path",
            str(root / "openapi.json"),
            "--output-path",
            str(root / "konvensi_client"),
            "--meta",
            "none",
            "--config",
            str(root / "config.yaml"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # Every route and model made it: the generator warns of anything it had to leave out.
    assert "Warning" not in done.stdout, done.stdout
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module("konvensi_client")
    finally:
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if n.split(".")[0] == "konvensi_client"]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, Any]]]:
    """A served convention in judging (set up over plain HTTP), and its juror's login."""
    tmp = tmp_path_factory.mktemp("openapi-live")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    database_url = f"sqlite:///{tmp / 'live.db'}"
    env = server_env(database_url, admin=("sekretariat", "rahasia-sekretariat-1"))
    migrate(database_url, env)
    with Server(serve_command(), env, log_dir=tmp, port=port), httpx.Client(base_url=url) as c:
        form = {"username": "sekretariat", "password": "rahasia-sekretariat-1"}
        token = c.post("/api/v1/auth/token", data=form).json()["access_token"]
        c.headers["Authorization"] = f"Bearer {token}"
        cid = c.post("/api/v1/conventions", json={"name": "Konvensi Uji", "year": 2018}).json()[
            "id"
        ]
        base = f"/api/v1/conventions/{cid}"
        for code, name in (("KEBARUAN", "Kebaruan"), ("KEMANFAATAN", "Kemanfaatan")):
            criterion = {"code": code, "name": name, "weight": 1, "max_score": 10}
            assert c.post(f"{base}/criteria", json=criterion).status_code == 201
        panel = c.post(f"{base}/panels", json={"name": "LAN"}).json()
        opd = c.post(f"{base}/opds", json={"code": "DINKES", "name": "Dinas Kesehatan"}).json()
        entries = [
            c.post(
                f"{base}/entries",
                json={"title": title, "opd_id": opd["id"], "category": "proses"},
            ).json()["id"]
            for title in ("Lahir Pulang OK", "Smash Care's", "Kampung Berdasi")
        ]
        juror = {
            "username": "juri.lan",
            "password": "rahasia-juri-lan",
            "full_name": "Juri LAN",
            "panel_id": panel["id"],
        }
        assert c.post(f"{base}/jurors", json=juror).status_code == 201
        assert c.patch(base, json={"status": "judging"}).status_code == 200
        yield url, {"cid": cid, "entries": entries, **juror}


def test_a_generated_client_runs_a_jurors_whole_flow(
    generated: Any, live: tuple[str, dict[str, Any]]
) -> None:
    url, seeded = live
    cid, entries = seeded["cid"], seeded["entries"]
    api = importlib.import_module("konvensi_client.api")
    models = importlib.import_module("konvensi_client.models")

    def call(tag: str, operation: str) -> Any:
        return importlib.import_module(f"{api.__name__}.{tag}.{tag}_{operation}")

    anonymous = generated.Client(base_url=url)
    form = models.TokenForm(username="juri.lan", password=seeded["password"])
    token = call("auth", "create_token").sync(client=anonymous, body=form)
    assert isinstance(token, models.TokenOut) and token.role == "juror"
    wrong = models.TokenForm(username="juri.lan", password="salah-sekali-sandi")
    refused = call("auth", "create_token").sync_detailed(client=anonymous, body=wrong)
    assert refused.status_code == 401
    assert refused.parsed.type_ == "/problems/unauthenticated"

    juror = generated.AuthenticatedClient(base_url=url, token=token.access_token)
    me = call("auth", "read_me").sync(client=juror)
    assert (me.username, me.role) == ("juri.lan", "juror")
    listed = call("entries", "list_entries").sync(cid, client=juror)
    assert [e.id for e in listed.items] == entries
    assert [e.title for e in listed.items] == ["Lahir Pulang OK", "Smash Care's", "Kampung Berdasi"]

    put = call("sheets", "put_my_sheet")
    draft = models.SheetIn(scores=models.SheetInScores.from_dict({"KEBARUAN": 8}))
    saved = put.sync_detailed(cid, entries[0], client=juror, body=draft)
    assert saved.status_code == 200
    assert (saved.parsed.status, saved.parsed.version) == ("draft", 1)
    assert saved.headers["etag"] == '"1"'
    other = models.SheetIn(scores=models.SheetInScores.from_dict({"KEBARUAN": 6}))
    stale = put.sync_detailed(cid, entries[0], client=juror, body=other, if_match='"7"')
    assert stale.status_code == 412
    full = models.SheetInScores.from_dict({"KEBARUAN": 8, "KEMANFAATAN": 9.5})
    submitted = put.sync(
        cid, entries[0], client=juror, body=models.SheetIn(scores=full, submit=True), if_match='"1"'
    )
    assert (submitted.status, submitted.version, submitted.scores.to_dict()) == (
        "submitted",
        2,
        {"KEBARUAN": 8.0, "KEMANFAATAN": 9.5},
    )

    item = models.SyncItem.from_dict
    queued = models.SyncIn(
        sheets=[
            item({"entry_id": entries[1], "scores": {"KEBARUAN": 7, "KEMANFAATAN": 7}}),
            item({"entry_id": entries[2], "scores": {"KEBARUAN": 11}}),
        ]
    )
    synced = call("sheets", "sync_my_sheets").sync(cid, client=juror, body=queued)
    assert [(r.entry_id, r.outcome, r.status) for r in synced.results] == [
        (entries[1], "accepted", 200),
        (entries[2], "invalid", 422),
    ]
    assert synced.results[1].problem.to_dict()["type"] == "/problems/validation"

    progress = call("judging", "read_my_progress").sync(cid, client=juror)
    states = {p.entry_id: p.state for p in progress.entries}
    assert states == {entries[0]: "submitted", entries[1]: "draft", entries[2]: "not_started"}
    mine = call("sheets", "list_my_sheets").sync(cid, client=juror)
    assert mine.total == 2 and [s.entry_id for s in mine.items] == entries[:2]


def test_filters_that_take_an_empty_value_say_so() -> None:
    """``?kind=`` means "any" (a form sends it so): the schema admits the empty string beside
    the enum, and a number where a date belongs is refused (the fuzz test checks both)."""
    filters = {
        (path, parameter["name"]): parameter["schema"]["anyOf"]
        for _m, path, operation in OPERATIONS
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query"
        and "anyOf" in parameter["schema"]
        and {"type": "string", "maxLength": 0} in parameter["schema"]["anyOf"]
    }
    certificates = "/api/v1/conventions/{cid}/certificates"
    assert filters[certificates, "recipient_type"] == [
        {"$ref": "#/components/schemas/RecipientType"},
        {"type": "null"},
        {"type": "string", "maxLength": 0},
    ]
    assert (certificates, "kind") in filters
    assert ("/api/v1/conventions/{cid}/rewards", "status") in filters
    day = SPEC["components"]["schemas"]["ConventionCreate"]["properties"]["ceremony_date"]
    assert {"type": "string", "format": "date"} in day["anyOf"]
