"""Bulk import of jurors: panels, conflicts, usernames, given and generated passwords."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Account
from app.security import verify_password
from app.services.imports import passwords
from tests.app import factories as f
from tests.app.import_files import (
    JUROR_HEADER,
    count,
    csv_bytes,
    errors,
    send,
)

# --- jurors ---------------------------------------------------------------------------------


def test_import_jurors_generates_passwords_shown_once(
    client: TestClient, session: Session, world: f.World
) -> None:
    content = csv_bytes(
        [
            JUROR_HEADER,
            ["juri.lan.9", "Dr. Syahrial", "l", "", "BAPPEDA; dinkes"],
            ["juri.k.9", "Ir. Yusrita", "K", "rahasia-panjang", ""],
        ]
    )
    response = send(client, world, "jurors", content)
    assert response.status_code == 201, response.text
    first, second = response.json()["items"]
    generated = first.pop("password")
    assert second.pop("password") is None
    assert len(generated) >= 12 and set(generated) <= set(passwords.ALPHABET + "-")
    assert (
        first["username"],
        first["full_name"],
        first["panel_id"],
        first["conflict_opd_ids"],
    ) == (
        "juri.lan.9",
        "Dr. Syahrial",
        world.panels[1].id,
        [world.opds[0].id, world.opds[1].id],
    )
    assert (second["panel_id"], second["conflict_opd_ids"]) == (world.panels[0].id, [])
    got = client.get(world.url(f"/jurors/{first['id']}"), headers=world.admin.headers).json()
    assert got == first  # the GET never shows a password
    for username, password in (("juri.lan.9", generated), ("juri.k.9", "rahasia-panjang")):
        account = session.scalar(select(Account).where(Account.username == username))
        assert account is not None and verify_password(password, account.password_hash)
        token = client.post("/api/v1/auth/token", data={"username": username, "password": password})
        assert token.status_code == 200, token.text


def test_jurors_with_bad_cells_name_each_one(
    client: TestClient, session: Session, world: f.World
) -> None:
    content = csv_bytes(
        [
            JUROR_HEADER,
            ["juri baru", "Satu", "KemenPAN", "pendek", "BAPPEDA;DISHUB;X"],
            ["juri.dua", "Dua", "K", "          ", ""],
            [f"k1-{world.cid}", "Tiga", "K", "", ""],
        ]
    )
    assert errors(send(client, world, "jurors", content)) == [
        ("row", 1, "panel", "no panel named 'KemenPAN' in this convention; its panels are K, L"),
        ("row", 1, "kata_sandi", "must have at least 10 characters"),
        ("row", 1, "konflik_opd", "no OPD with code 'DISHUB', 'X' in this convention"),
        ("row", 1, "username", "letters, digits, '_', '.', '@' and '-' only"),
        (
            "row",
            3,
            "username",
            f"'k1-{world.cid}' is a juror of this convention already"
            " (existing=skip skips such rows)",
        ),
    ]
    assert count(session, Account, world.cid) == 3


def test_username_of_another_convention_is_refused_even_with_skip(
    client: TestClient, session: Session, world: f.World
) -> None:
    other = f.make_world(session, f.SECRET)
    content = csv_bytes([JUROR_HEADER, [f"K1-{other.cid}", "Sama", "K", "", ""]])
    assert errors(send(client, world, "jurors", content, existing="skip")) == [
        ("row", 1, "username", f"the username 'k1-{other.cid}' is taken by another account"),
    ]


def test_a_password_too_long_and_a_repeated_conflict(client: TestClient, world: f.World) -> None:
    content = csv_bytes(
        [
            JUROR_HEADER,
            ["juri.panjang", "Panjang", "K", "x" * 257, ""],
            ["juri.ulang", "Ulang", "K", "", "BAPPEDA; bappeda; BAPPEDA"],
        ]
    )
    assert errors(send(client, world, "jurors", content)) == [
        ("row", 1, "kata_sandi", "must have at most 256 characters"),
    ]
    content = csv_bytes([JUROR_HEADER, ["juri.ulang", "Ulang", "K", "", "BAPPEDA; bappeda"]])
    response = send(client, world, "jurors", content)
    assert response.status_code == 201, response.text
    assert response.json()["items"][0]["conflict_opd_ids"] == [world.opds[0].id]


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("   \t      ", "must not be only whitespace"),
        ("pendek", "must have at least 10 characters"),
        ("x" * 257, "must have at most 256 characters"),
        ("rahasia-panjang", None),
        ("  sepuluh  ", None),
    ],
)
def test_the_password_rule(password: str, problem: str | None) -> None:
    assert passwords.password_problem(password) == problem


def test_generated_passwords_are_readable_and_differ() -> None:
    made = {passwords.generate_password() for _ in range(200)}
    assert len(made) == 200
    for password in made:
        groups = password.split("-")
        assert [len(g) for g in groups] == [4, 4, 4]
        assert set("".join(groups)) <= set(passwords.ALPHABET)
        assert not set("0o1li") & set(password)
