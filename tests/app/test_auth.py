"""Logging in, throttling, /me, and every way a token stops being valid."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import timedelta
from typing import Any

import jwt
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import LoginFailure, utcnow
from tests.app import factories as f
from tests.app.conftest import SECRET

TOKEN_URL = "/api/v1/auth/token"


def log_in(client: TestClient, username: str, password: str) -> Any:
    return client.post(TOKEN_URL, data={"username": username, "password": password})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(header: dict[str, Any], claims: dict[str, Any], key: bytes | None) -> str:
    """A JWT with any header; signed with HMAC-SHA256 under ``key``, or unsigned."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    if key is None:
        return f"{signing_input}."
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def claims_of(login: f.Login) -> dict[str, Any]:
    return {
        "sub": str(login.id),
        "role": login.account.role,
        "stamp": login.account.credential_stamp,
        "iat": int(time.time()),
        "exp": int(time.time()) + 600,
    }


def failure_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(LoginFailure.key, func.count()).group_by(LoginFailure.key))
    return {key: n for key, n in rows}


def me(client: TestClient, token: str) -> Any:
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def other_client(app: FastAPI) -> Any:
    """A client calling from another address."""
    with TestClient(app, raise_server_exceptions=False, client=("10.9.8.7", 4000)) as c:
        yield c


# --- logging in ---------------------------------------------------------------------------


def test_log_in_juror_answers_bearer_token(
    client: TestClient, world: f.World, settings: Any
) -> None:
    response = log_in(client, world.jurors[0].account.username, f.PASSWORD)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "role"}
    assert body["token_type"] == "bearer"
    assert body["role"] == "juror"
    assert body["expires_in"] == settings.token_ttl_seconds
    claims = jwt.decode(body["access_token"], SECRET, algorithms=["HS256"])
    assert claims["sub"] == str(world.jurors[0].id)
    assert claims["exp"] - claims["iat"] == settings.token_ttl_seconds
    assert me(client, body["access_token"]).json()["username"] == world.jurors[0].account.username


def test_log_in_admin_answers_admin_role(client: TestClient, admin: f.Login) -> None:
    response = log_in(client, admin.account.username, f.PASSWORD)
    assert response.status_code == 200, response.text
    assert response.json()["role"] == "admin"


def test_log_in_wrong_username_and_wrong_password_answer_the_same_401(
    client: TestClient, admin: f.Login
) -> None:
    wrong_user = log_in(client, "nobody-here", f.PASSWORD)
    wrong_password = log_in(client, admin.account.username, "not-the-password")
    body = f.problem(wrong_user, 401, "unauthenticated")
    assert f.problem(wrong_password, 401, "unauthenticated") == body
    assert wrong_user.headers["www-authenticate"] == "Bearer"
    assert wrong_password.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("missing", ["username", "password"])
def test_log_in_without_field_is_422(client: TestClient, missing: str) -> None:
    data = {"username": "someone", "password": "something"}
    del data[missing]
    body = f.problem(client.post(TOKEN_URL, data=data), 422, "validation")
    assert ["body", missing] in [error["loc"] for error in body["errors"]]


def test_log_in_with_json_body_is_422(client: TestClient, admin: f.Login) -> None:
    response = client.post(
        TOKEN_URL, json={"username": admin.account.username, "password": f.PASSWORD}
    )
    f.problem(response, 422, "validation")


# --- throttling ---------------------------------------------------------------------------


def test_log_in_after_10_failures_from_an_address_is_429_there_even_with_right_password(
    client: TestClient, admin: f.Login
) -> None:
    for _ in range(10):
        f.problem(log_in(client, admin.account.username, "wrong-password"), 401, "unauthenticated")
    for password in ("wrong-password", f.PASSWORD):
        response = log_in(client, admin.account.username.upper(), password)
        f.problem(response, 429, "rate-limited")
        assert 1 <= int(response.headers["retry-after"]) <= 61


def test_log_in_after_10_failures_elsewhere_serves_the_right_password(
    client: TestClient, other_client: TestClient, world: f.World
) -> None:
    """Issue 13, defect 3: ten wrong passwords for a juror from one address no longer lock
    the juror out from every other address (this answered 429 before)."""
    juror = world.jurors[0].account.username
    for _ in range(10):
        f.problem(log_in(client, juror, "wrong-password"), 401, "unauthenticated")
    ok = log_in(other_client, juror, f.PASSWORD)
    assert ok.status_code == 200, ok.text
    assert ok.json()["role"] == "juror"
    # The other address's own wrong guesses are its own: 401, not 429.
    f.problem(log_in(other_client, juror, "wrong-password"), 401, "unauthenticated")
    f.problem(log_in(client, juror, f.PASSWORD), 429, "rate-limited")


def test_log_in_counts_the_attempt_before_verifying_the_password(
    client: TestClient, session: Session, admin: f.Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13, defect 1: while the hash runs, the attempt is already a failure on both keys
    (before, it was recorded only after the hash: concurrent attempts all passed the check)."""
    from app.routers import auth
    from app.security import verify_password

    seen: list[dict[str, int]] = []

    def verify(password: str, password_hash: str | None) -> bool:
        seen.append(failure_counts(session))
        return verify_password(password, password_hash)

    monkeypatch.setattr(auth, "verify_password", verify)
    name = admin.account.username.casefold()
    f.problem(log_in(client, admin.account.username, "wrong-password"), 401, "unauthenticated")
    assert log_in(client, admin.account.username, f.PASSWORD).status_code == 200
    assert seen == [
        {f"pair:testclient|{name}": 1, "addr:testclient": 1},
        {f"pair:testclient|{name}": 2, "addr:testclient": 2},
    ]
    # The right password removed its own record and the pair's failures, not the address's.
    assert failure_counts(session) == {"addr:testclient": 1}


def test_log_in_on_a_busy_worker_is_503_and_counts_nothing(
    client: TestClient, session: Session, admin: f.Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    from contextlib import asynccontextmanager

    from app.errors import Unavailable
    from app.security import PasswordGate

    @asynccontextmanager
    async def busy(_self: PasswordGate) -> Any:
        raise Unavailable("busy", headers={"Retry-After": "2"})
        yield

    monkeypatch.setattr(PasswordGate, "slot", busy)
    response = log_in(client, admin.account.username, f.PASSWORD)
    f.problem(response, 503, "unavailable")
    assert response.headers["retry-after"] == "2"
    assert session.scalar(select(func.count()).select_from(LoginFailure)) == 0


def test_log_in_after_100_failures_from_address_is_429_for_any_username(
    client: TestClient, other_client: TestClient, world: f.World
) -> None:
    for n in range(100):
        f.problem(log_in(client, f"stranger{n}", "wrong-password"), 401, "unauthenticated")
    response = log_in(client, world.jurors[0].account.username, f.PASSWORD)
    f.problem(response, 429, "rate-limited")
    assert 1 <= int(response.headers["retry-after"]) <= 61
    # The same username from another address is served: only the address is throttled.
    assert log_in(other_client, world.jurors[0].account.username, f.PASSWORD).status_code == 200


def test_log_in_after_9_failures_is_still_served(client: TestClient, admin: f.Login) -> None:
    for _ in range(9):
        log_in(client, admin.account.username, "wrong-password")
    assert log_in(client, admin.account.username, f.PASSWORD).status_code == 200


def test_log_in_success_clears_its_pair_failures_but_not_its_addresses(
    client: TestClient, session: Session, world: f.World
) -> None:
    username = world.admin.account.username
    for _ in range(9):
        log_in(client, username, "wrong-password")
    assert log_in(client, username, f.PASSWORD).status_code == 200
    # Without the reset the pair would now be at 10 failures and refused.
    for _ in range(2):
        f.problem(log_in(client, username, "wrong-password"), 401, "unauthenticated")
    assert log_in(client, username, f.PASSWORD).status_code == 200
    counts = failure_counts(session)
    # An address cannot clear its own count by logging into an account of its own.
    assert counts == {"addr:testclient": 11}


def add_failures(session: Session, admin: f.Login, ages: dict[str, list[int]]) -> None:
    """Failed logins ``ages`` seconds ago, by key kind: ``addr`` this address's, ``pair``
    this address's and the admin's."""
    now = utcnow()
    keys = {
        "addr": "addr:testclient",
        "pair": f"pair:testclient|{admin.account.username.casefold()}",
    }
    session.add_all(
        LoginFailure(key=keys[kind], at=now - timedelta(seconds=age))
        for kind, seconds in ages.items()
        for age in seconds
    )
    session.commit()


@pytest.mark.parametrize(
    ("ages", "retry_after"),
    [
        # An old failure from this address for someone else, and ten fresh ones for the admin.
        ({"addr": [50], "pair": [5] * 10}, range(50, 57)),
        # Two failures 40 s ago and ten 10 s ago: the count stays at 10 until the fresh ones age.
        ({"pair": [40, 40] + [10] * 10}, range(48, 52)),
    ],
    ids=["counts_from_the_throttled_key", "waits_until_count_drops_below_limit"],
)
def test_log_in_throttled_retry_after(
    client: TestClient,
    session: Session,
    admin: f.Login,
    ages: dict[str, list[int]],
    retry_after: range,
) -> None:
    add_failures(session, admin, ages)
    response = log_in(client, admin.account.username, f.PASSWORD)
    f.problem(response, 429, "rate-limited")
    assert int(response.headers["retry-after"]) in retry_after


def test_log_in_old_failures_do_not_count(
    client: TestClient, session: Session, admin: f.Login
) -> None:
    add_failures(session, admin, {"pair": [61] * 20})
    assert log_in(client, admin.account.username, f.PASSWORD).status_code == 200


# --- /me ----------------------------------------------------------------------------------


def test_read_me_as_juror_answers_account(client: TestClient, world: f.World) -> None:
    assert f.read_me(client, world.jurors[0], "juror") == {
        "convention_id": world.cid,
        "panel_id": world.panels[0].id,
        "convention_ids": None,
    }


def test_read_me_as_admin_answers_account(client: TestClient, admin: f.Login) -> None:
    f.read_me(client, admin, "admin")


# --- tokens that do not work --------------------------------------------------------------


def assert_refused(response: Any) -> None:
    f.problem(response, 401, "unauthenticated")
    assert response.headers["www-authenticate"] == "Bearer"


def test_read_me_without_token_is_401(client: TestClient) -> None:
    assert_refused(client.get("/api/v1/me"))


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "bearer x.y.z"])
def test_read_me_with_malformed_authorization_is_401(client: TestClient, header: str) -> None:
    assert_refused(client.get("/api/v1/me", headers={"Authorization": header}))


def test_read_me_with_expired_token_is_401(client: TestClient, admin: f.Login) -> None:
    expired = f.login(admin.account, SECRET, ttl=-10)
    assert_refused(me(client, expired.token))


def test_read_me_with_tampered_payload_is_401(client: TestClient, world: f.World) -> None:
    header, _payload, signature = world.jurors[0].token.split(".")
    claims = claims_of(world.admin)
    payload = _b64(json.dumps(claims).encode())
    assert_refused(me(client, f"{header}.{payload}.{signature}"))


def test_read_me_with_other_key_signature_is_401(client: TestClient, admin: f.Login) -> None:
    token = jwt.encode(claims_of(admin), "another-secret-key-of-a-good-length!!", "HS256")
    assert_refused(me(client, token))


def test_read_me_with_alg_none_is_401(client: TestClient, admin: f.Login) -> None:
    for alg in ("none", "None", "NONE"):
        assert_refused(me(client, forge({"alg": alg, "typ": "JWT"}, claims_of(admin), None)))


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_read_me_with_hs512_same_key_is_401(client: TestClient, admin: f.Login) -> None:
    token = jwt.encode(claims_of(admin), SECRET, algorithm="HS512")
    assert_refused(me(client, token))


def test_read_me_with_rs256_header_and_hmac_signature_is_401(
    client: TestClient, admin: f.Login
) -> None:
    token = forge({"alg": "RS256", "typ": "JWT"}, claims_of(admin), SECRET.encode())
    assert_refused(me(client, token))


def test_forged_hs256_control_is_accepted(client: TestClient, admin: f.Login) -> None:
    # The forging helper makes valid tokens; the refusals above are not an artefact of it.
    token = forge({"alg": "HS256", "typ": "JWT"}, claims_of(admin), SECRET.encode())
    assert me(client, token).status_code == 200


@pytest.mark.parametrize(
    "change",
    [
        {"sub": None},
        {"stamp": None},
        {"exp": None},
        {"iat": None},
        {"sub": "abc"},
        {"sub": "-1"},
        {"sub": "99999999999999999999999999"},
        {"stamp": "0000000000000000"},
        {"stamp": ["x"]},
    ],
)
def test_read_me_with_bad_claims_is_401(
    client: TestClient, admin: f.Login, change: dict[str, Any]
) -> None:
    claims = claims_of(admin)
    for name, value in change.items():
        if value is None:
            del claims[name]
        else:
            claims[name] = value
    assert_refused(me(client, jwt.encode(claims, SECRET, algorithm="HS256")))


def test_read_me_with_garbage_token_is_401(client: TestClient) -> None:
    for token in ("x", "a.b.c", "....", "%C3%A9.e.e", "a" * 5000):
        assert_refused(me(client, token))


def test_read_me_after_juror_deleted_is_401(client: TestClient, world: f.World) -> None:
    juror = world.jurors[2]
    assert me(client, juror.token).status_code == 200
    response = client.delete(world.url(f"/jurors/{juror.id}"), headers=world.admin.headers)
    assert response.status_code == 204, response.text
    assert_refused(me(client, juror.token))
    f.problem(log_in(client, juror.account.username, f.PASSWORD), 401, "unauthenticated")


def change_juror(client: TestClient, world: f.World, juror: f.Login, **change: str) -> None:
    response = client.patch(
        world.url(f"/jurors/{juror.id}"), json=change, headers=world.admin.headers
    )
    assert response.status_code == 200, response.text


def test_read_me_after_password_change_is_401_and_new_password_works(
    client: TestClient, world: f.World
) -> None:
    juror = world.jurors[0]
    change_juror(client, world, juror, password="a-new-password")
    assert_refused(me(client, juror.token))
    f.problem(log_in(client, juror.account.username, f.PASSWORD), 401, "unauthenticated")
    fresh = log_in(client, juror.account.username, "a-new-password")
    assert fresh.status_code == 200, fresh.text
    assert me(client, fresh.json()["access_token"]).json()["id"] == juror.id


def test_read_me_after_other_change_keeps_token(client: TestClient, world: f.World) -> None:
    juror = world.jurors[0]
    change_juror(client, world, juror, full_name="Dr. Juri Baru")
    assert me(client, juror.token).json()["full_name"] == "Dr. Juri Baru"
