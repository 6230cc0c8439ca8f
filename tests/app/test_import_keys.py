"""Bulk import: keys that exist or repeat, `existing=skip`, dry runs, all or nothing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.errors import Duplicate
from app.models import Account, Entry, Opd
from app.schemas import OpdCreate
from app.services import opds
from tests.app import factories as f
from tests.app.import_files import (
    ENTRY_HEADER,
    JUROR_HEADER,
    OPD_HEADER,
    count,
    csv_bytes,
    errors,
    send,
)

# --- keys that exist, dry runs, all or nothing ---------------------------------------------


KINDS = {
    "opds": (Opd, [OPD_HEADER, ["DISPORA", "Dinas Pemuda"], ["DLH", "Dinas Lingkungan Hidup"]]),
    "entries": (
        Entry,
        [
            ENTRY_HEADER,
            ["Baru Satu", "", "BAPPEDA", "sdm", "", ""],
            ["Baru Dua", "", "DINKES", "produk", "", ""],
        ],
    ),
    "jurors": (
        Account,
        [JUROR_HEADER, ["juri.x", "Juri X", "K", "", ""], ["juri.y", "Juri Y", "L", "", ""]],
    ),
}


@pytest.mark.parametrize("kind", KINDS)
def test_dry_run_answers_200_and_writes_nothing(
    client: TestClient, session: Session, world: f.World, kind: str
) -> None:
    model, rows = KINDS[kind]
    before = count(session, model, world.cid)
    response = send(client, world, kind, csv_bytes(rows), dry_run="true")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "created": 2,
        "skipped": 0,
        "skipped_rows": [],
        "dry_run": True,
        "items": [],
    }
    assert count(session, model, world.cid) == before


@pytest.mark.parametrize("kind", KINDS)
def test_importing_twice_refuses_then_skips_the_existing(
    client: TestClient, session: Session, world: f.World, kind: str
) -> None:
    model, rows = KINDS[kind]
    content = csv_bytes(rows)
    assert send(client, world, kind, content).status_code == 201
    after_first = count(session, model, world.cid)
    problems = errors(send(client, world, kind, content))
    assert [p[:3] for p in problems] == [("row", 1, rows[0][0]), ("row", 2, rows[0][0])]
    assert all(p[3].endswith("(existing=skip skips such rows)") for p in problems)
    response = send(client, world, kind, content, existing="skip")
    assert response.status_code == 201, response.text
    assert response.json() == {
        "created": 0,
        "skipped": 2,
        "skipped_rows": [1, 2],
        "dry_run": False,
        "items": [],
    }
    assert count(session, model, world.cid) == after_first


def test_duplicates_within_the_file_are_refused_or_skipped(
    client: TestClient, world: f.World
) -> None:
    content = csv_bytes(
        [
            ENTRY_HEADER,
            ["Satu Data", "", "BAPPEDA", "sdm", "", ""],
            [
                "satu   data",
                "",
                "BAPPEDA",
                "proses",
                "",
                "",
            ],  # the same title, case and spaces aside
            ["Satu Data", "", "DINKES", "sdm", "", ""],  # another OPD: another entry
            ["FASTREN", "", "BAPPEDA", "sdm", "", ""],  # exists
        ]
    )
    assert errors(send(client, world, "entries", content)) == [
        ("row", 2, "judul", "repeats row 1 (existing=skip skips such rows)"),
        (
            "row",
            4,
            "judul",
            "BAPPEDA already has an entry titled 'FASTREN' (existing=skip skips such rows)",
        ),
    ]
    response = send(client, world, "entries", content, existing="skip")
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["created"], body["skipped_rows"]) == (2, [2, 4])
    assert [(i["title"], i["opd_id"]) for i in body["items"]] == [
        ("Satu Data", world.opds[0].id),
        ("Satu Data", world.opds[1].id),
    ]


def test_a_bad_last_row_leaves_nothing_written(
    client: TestClient, session: Session, world: f.World
) -> None:
    rows: list[list[str]] = [OPD_HEADER] + [[f"OPD-{i}", f"Dinas {i}"] for i in range(1, 300)]
    rows.append(["BAD CODE", "Dinas Terakhir"])
    assert errors(send(client, world, "opds", csv_bytes(rows))) == [
        ("row", 300, "kode", "letters, digits, '_', '.' and '-', starting with a letter or digit"),
    ]
    assert count(session, Opd, world.cid) == 2


def test_create_many_adds_none_when_a_code_repeats_or_exists(
    session: Session, world: f.World
) -> None:
    for codes in (["BARU", "BARU"], ["BARU", "BAPPEDA"]):
        items = [OpdCreate(code=code, name="Dinas") for code in codes]
        with pytest.raises(Duplicate):
            opds.create_many(session, world.convention, items, None)
        assert count(session, Opd, world.cid) == 2
