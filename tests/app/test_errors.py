"""Every refusal is problem+json; bad input of any shape is a 4xx, never a 500."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.config import Settings
from app.main import create_app
from app.models import Convention, Entry, Opd
from tests.app import factories as f
from tests.app.conftest import SECRET
from tests.app.routes import Endpoint, endpoints
from tests.app.test_roles import fill

APP = create_app(Settings(secret_key=SECRET, database_url="sqlite://"))
ENDPOINTS = endpoints(APP)
LIMIT = Settings().max_body_bytes
JSON = {"Content-Type": "application/json"}


def post_raw(client: TestClient, url: str, content: bytes | str, login: f.Login) -> Any:
    return client.post(url, content=content, headers=login.headers | JSON)


# --- routing --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/nope", "/api/v1/nope", "/api/v2/conventions", "/api/v1/"])
def test_call_unknown_route_is_404_problem(client: TestClient, admin: f.Login, path: str) -> None:
    f.problem(client.get(path, headers=admin.headers), 404, "not-found")
    f.problem(client.post(path, json={}, headers=admin.headers), 404, "not-found")


def test_call_with_wrong_method_is_405_problem(client: TestClient, world: f.World) -> None:
    response = client.put("/api/v1/conventions", json={}, headers=world.admin.headers)
    f.problem(response, 405, "method-not-allowed")
    # FastAPI names only the methods of the first route on the path (GET and POST are two).
    allowed = set(response.headers["allow"].replace(" ", "").split(","))
    assert allowed and allowed <= {"GET", "POST"}
    f.problem(
        client.post(world.url(), json={}, headers=world.admin.headers), 405, "method-not-allowed"
    )


@pytest.mark.parametrize("segment", ["abc", "1.5", "1e3", "%20", "0x10"])
def test_call_with_non_integer_id_is_422(client: TestClient, world: f.World, segment: str) -> None:
    response = client.get(f"/api/v1/conventions/{segment}", headers=world.admin.headers)
    body = f.problem(response, 422, "validation")
    assert ["path", "cid"] in [error["loc"] for error in body["errors"]]


# --- body size ----------------------------------------------------------------------------


def test_post_body_over_limit_with_content_length_is_413(
    client: TestClient, admin: f.Login
) -> None:
    content = b'{"name": "' + b"x" * LIMIT + b'", "year": 2018}'
    response = post_raw(client, "/api/v1/conventions", content, admin)
    f.problem(response, 413, "too-large")


def test_post_body_over_limit_without_token_is_413(client: TestClient) -> None:
    response = client.post("/api/v1/conventions", content=b"x" * (LIMIT + 1), headers=JSON)
    f.problem(response, 413, "too-large")


def test_post_streamed_body_over_limit_is_413(
    client: TestClient, session: Session, admin: f.Login
) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(LIMIT // 65536 + 2):
            yield b"x" * 65536
        yield b'", "year": 2018}'

    response = client.post("/api/v1/conventions", content=chunks(), headers=admin.headers | JSON)
    assert "content-length" not in {k.lower() for k in response.request.headers}
    f.problem(response, 413, "too-large")
    assert session.query(Convention).count() == 0


def test_post_streamed_login_form_over_limit_is_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"username=a&password="
        for _ in range(LIMIT // 65536 + 2):
            yield b"x" * 65536

    response = client.post(
        "/api/v1/auth/token",
        content=chunks(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    f.problem(response, 413, "too-large")


def test_post_body_just_under_limit_is_not_413(client: TestClient, admin: f.Login) -> None:
    filler = LIMIT - 100
    content = b'{"name": "K", "year": 2018, "host": "' + b"x" * filler + b'"}'
    response = post_raw(client, "/api/v1/conventions", content, admin)
    body = f.problem(response, 422, "validation")  # host is too long, but the body was read
    assert ["body", "host"] in [error["loc"] for error in body["errors"]]


# --- malformed bodies -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b'{"name": ',
        b"{name: 'K'}",
        b'{"name": "K", "year": 2018,}',
        b"",
        b"[]",
        b'"text"',
        b"null",
        b"42",
        b'{"name": "\xff\xfe", "year": 2018}',
        b"\x00\x01\x02",
        b"[" * 100_000,
        b'{"name": "K", "year": 2018, "award_names": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    ],
    ids=[
        "truncated",
        "not-json",
        "trailing-comma",
        "empty",
        "array",
        "string",
        "null",
        "number",
        "bad-utf8",
        "binary",
        "deep-open",
        "deep-field",
        "deep-objects",
    ],
)
def test_post_malformed_body_is_422(client: TestClient, admin: f.Login, content: bytes) -> None:
    f.problem(post_raw(client, "/api/v1/conventions", content, admin), 422, "validation")


def test_post_json_as_text_plain_is_422(client: TestClient, admin: f.Login) -> None:
    response = client.post(
        "/api/v1/conventions",
        content=b'{"name": "K", "year": 2018}',
        headers=admin.headers | {"Content-Type": "text/plain"},
    )
    assert response.status_code in (201, 415, 422), response.text
    if response.status_code != 201:
        assert response.headers["content-type"].startswith("application/problem+json")


def test_post_huge_string_is_422_naming_field(client: TestClient, world: f.World) -> None:
    response = client.post(
        world.url("/opds"), json={"code": "X", "name": "x" * 900_000}, headers=world.admin.headers
    )
    body = f.problem(response, 422, "validation")
    assert ["body", "name"] in [error["loc"] for error in body["errors"]]
    assert len(response.content) < 10_000  # the input is not echoed back


def test_post_many_errors_answers_all_briefly(client: TestClient, world: f.World) -> None:
    innovators = [{"name": "", "nip": "x"} for _ in range(100)]
    response = client.post(
        world.url("/entries"),
        json={"title": "T", "opd_id": world.opds[0].id, "category": "x", "innovators": innovators},
        headers=world.admin.headers,
    )
    body = f.problem(response, 422, "validation")
    assert len(body["errors"]) > 100
    assert len(body["detail"]) < 1000


# --- text stored verbatim -------------------------------------------------------------------

TRICKY = [
    "Robert'); DROP TABLE convention;--",
    "' OR '1'='1",
    '<script>alert("x")</script>',
    "<b>Dinas</b> &amp; <i>Badan</i>",
    "Dinas Pemberdayaan Perempuan dan Perlindungan Anak",
    "Nagari Koto Baru, Kab. Solok — Sumatera Barat",
    "Kantor Camat Lubuak Sikarah: “Rancak bana” № 5 · ½",
    "e\u0301 vs é",
    "%s %d {0} ${x} \\n \\u0000",
]


@pytest.mark.parametrize("text", TRICKY)
def test_create_with_tricky_text_stores_it_verbatim(
    client: TestClient, session: Session, world: f.World, text: str
) -> None:
    opd = f.create(client, world, "/opds", {"code": "X1", "name": text})
    assert opd["name"] == text
    body = {"title": text, "opd_id": opd["id"], "category": "sdm", "summary": text}
    entry = f.create(client, world, "/entries", body | {"innovators": [{"name": text}]})
    assert (entry["title"], entry["summary"], entry["innovators"][0]["name"]) == (text,) * 3
    session.expunge_all()
    assert session.get(Opd, opd["id"]).name == text  # type: ignore[union-attr]
    assert session.get(Entry, entry["id"]).summary == text  # type: ignore[union-attr]
    convention = client.post(
        "/api/v1/conventions", json={"name": text, "year": 2018}, headers=world.admin.headers
    )
    assert convention.json()["name"] == text


@pytest.mark.parametrize("field", ["name", "code"])
def test_create_with_nul_character_is_422_not_500(
    client: TestClient, world: f.World, field: str
) -> None:
    data = {"code": "X1", "name": "Dinas"} | {field: "Di\x00nas"}
    response = client.post(world.url("/opds"), json=data, headers=world.admin.headers)
    body = f.problem(response, 422, "validation")
    assert ["body", field] in [error["loc"][:2] for error in body["errors"]]


def test_log_in_with_nul_character_is_401_not_500(client: TestClient) -> None:
    response = client.post("/api/v1/auth/token", data={"username": "a\x00b", "password": "x\x00y"})
    f.problem(response, 401, "unauthenticated")


# --- ids that can name nothing --------------------------------------------------------------

BAD_IDS = ["-1", "0", str(2**31), str(2**63), str(10**30)]


def _id_params(endpoint: Endpoint) -> list[str]:
    return [p for p in endpoint.params if p == "cid" or p.endswith("_id")]


WITH_IDS = [
    pytest.param(e, id=str(e))
    for e in ENDPOINTS
    if _id_params(e) and e.access in ("read", "admin", "juror")
]


@pytest.mark.parametrize("endpoint", WITH_IDS)
def test_call_with_impossible_id_in_path_is_404(
    client: TestClient, world: f.World, endpoint: Endpoint
) -> None:
    """404 for reads and deletes. A write sends ``{}``: the contract orders 404 before 422
    only for sheets, so a write may also answer 422 (its body) or 409 (the draft state)."""
    login = world.jurors[0] if endpoint.access == "juror" else world.admin
    writes = endpoint.method in ("POST", "PUT", "PATCH")
    expected = {404, 409, 422} if writes else {404}
    for param in _id_params(endpoint):
        for bad in BAD_IDS:
            path = endpoint.path.replace(f"{{{param}}}", bad)
            url = fill(Endpoint(endpoint.method, path, endpoint.access, False), world)
            body: dict[str, Any] | None = {} if writes else None
            response = client.request(endpoint.method, url, json=body, headers=login.headers)
            assert response.status_code in expected, (url, response.text)
            assert response.headers["content-type"].startswith("application/problem+json")


def _int_query_params(method: str, path: str) -> list[str]:
    operation = APP.openapi()["paths"][path][method.lower()]
    return [
        p["name"]
        for p in operation.get("parameters", [])
        if p["in"] == "query"
        and p["name"] not in ("limit", "offset")
        and "integer" in str(p.get("schema", {}))
    ]


WITH_INT_QUERY = [
    pytest.param(e, id=str(e))
    for e in ENDPOINTS
    if e.method == "GET" and e.path.startswith("/api/") and _int_query_params(e.method, e.path)
]


@pytest.mark.parametrize("endpoint", WITH_INT_QUERY)
def test_call_with_impossible_id_in_query_is_not_500(
    client: TestClient, world: f.World, endpoint: Endpoint
) -> None:
    login = world.jurors[0] if endpoint.access == "juror" else world.admin
    for name in _int_query_params(endpoint.method, endpoint.path):
        for bad in BAD_IDS:
            url = f"{fill(endpoint, world)}?{name}={bad}"
            response = client.get(url, headers=login.headers)
            assert response.status_code in (200, 404, 422), (url, response.text)
            if response.status_code == 200 and "items" in response.json():
                assert response.json()["items"] == [], url


@pytest.mark.parametrize("value", [2**31, 2**63, 10**30, -(2**63)])
def test_post_impossible_id_in_body_is_422(client: TestClient, world: f.World, value: int) -> None:
    response = client.post(
        world.url("/entries"),
        json={"title": "T", "opd_id": value, "category": "sdm"},
        headers=world.admin.headers,
    )
    body = f.problem(response, 422, "validation")
    assert ["body", "opd_id"] in [error["loc"] for error in body["errors"]]


# --- a concurrent request that wins the race between a check and a write --------------------


# Each: the service, its check made to pass, the collection, the body, the answer. As if
# another request wrote between this one's check and its insert: it created BAPPEDA, took the
# username, deleted the OPD.
RACES: dict[str, tuple[str, str, str, Callable[[f.World], dict[str, Any]], int, str]] = {
    "unique_code": (
        "opds",
        "_check_code",
        "/opds",
        lambda _world: {"code": "BAPPEDA", "name": "X"},
        409,
        "duplicate",
    ),
    "username": (
        "jurors",
        "username_taken",
        "/jurors",
        lambda world: f.juror_body(world, username=world.admin.account.username),
        409,
        "duplicate",
    ),
    "deleted_reference": (
        "entries",
        "ref_in_convention",
        "/entries",
        lambda _world: {"title": "T", "opd_id": 999_999, "category": "sdm"},
        422,
        "validation",
    ),
}


@pytest.mark.parametrize("race", RACES)
def test_create_losing_race_answers_as_the_check_would(
    client: TestClient, world: f.World, monkeypatch: pytest.MonkeyPatch, race: str
) -> None:
    service, check, collection, body, status, problem = RACES[race]
    monkeypatch.setattr(importlib.import_module(f"app.services.{service}"), check, _passes)
    url = world.url(collection)
    before = client.get(url, headers=world.admin.headers).json()["total"]
    f.problem(client.post(url, json=body(world), headers=world.admin.headers), status, problem)
    assert client.get(url, headers=world.admin.headers).json()["total"] == before


def _passes(*_args: Any) -> None:
    """A check that finds nothing: no taken code, no taken name, the reference there."""
    return None


def test_delete_convention_with_published_results_is_409_in_use(
    client: TestClient, session: Session, admin: f.Login
) -> None:
    convention = f.make_convention(session, status="closed")
    f.make_result(session, convention)
    url = f"/api/v1/conventions/{convention.id}"
    f.assert_kept_in_use(client, url, admin)


# --- the database down ----------------------------------------------------------------------


def test_health_and_api_with_database_down_are_503(tmp_path: Any, admin: f.Login) -> None:
    down = create_app(
        Settings(secret_key=SECRET, database_url=f"sqlite:///{tmp_path}/no/such/dir/x.db")
    )
    with TestClient(down, raise_server_exceptions=False) as client:
        f.problem(client.get("/health"), 503, "unavailable")
        response = client.get("/api/v1/conventions", headers=admin.headers)
        f.problem(response, 503, "unavailable")
        assert response.headers["retry-after"] == "1"
    down.state.db.dispose()


def test_json_sent_to_the_token_route_says_to_send_form_fields(client: TestClient) -> None:
    answer = client.post("/api/v1/auth/token", json={"username": "a", "password": "b"})
    body = f.problem(answer, 422, "validation")
    assert body["detail"].startswith("send form fields (application/x-www-form-urlencoded)")
    assert body["errors"] == [
        {"loc": ["body", "username"], "msg": "Field required"},
        {"loc": ["body", "password"], "msg": "Field required"},
    ]


def test_a_missing_body_names_the_required_fields(client: TestClient, world: f.World) -> None:
    for path in ("/results/withdraw", "/certificates/1/revoke"):
        answer = client.post(world.url(path), headers=world.admin.headers)
        body = f.problem(answer, 422, "validation")
        assert body["errors"] == [{"loc": ["body", "reason"], "msg": "Field required"}], path
        assert body["detail"] == "reason: Field required"
