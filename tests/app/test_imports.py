"""Bulk import through the API: the three kinds, both CSV delimiters, BOM, XLSX, dry runs,
existing keys, and all or nothing."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from openpyxl.worksheet.formula import ArrayFormula
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import Duplicate
from app.models import Account, AuditEvent, Entry, Opd, utcnow
from app.schemas import OpdCreate
from app.security import verify_password
from app.services import opds
from app.services.imports import passwords
from tests.app import factories as f
from tests.app.import_files import (
    ENTRY_HEADER,
    JUROR_HEADER,
    NIP,
    OPD_HEADER,
    csv_bytes,
    xlsx_bytes,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def send(
    client: TestClient,
    world: f.World,
    kind: str,
    content: bytes,
    filename: str = "impor.csv",
    **params: str,
) -> Response:
    return client.post(
        world.url(f"/imports/{kind}"),
        params=params,
        files={"file": (filename, content, "application/octet-stream")},
        headers=world.admin.headers,
    )


def count(session: Session, model: Any, convention_id: int) -> int:
    session.expire_all()
    stmt = select(func.count()).select_from(model).where(model.convention_id == convention_id)
    return int(session.scalar(stmt) or 0)


def errors(response: Response) -> list[tuple[Any, ...]]:
    body = f.problem(response, 422, "validation")
    assert body.get("error_count", len(body["errors"])) == len(body["errors"])
    return [(*error["loc"], error["msg"]) for error in body["errors"]]


# --- OPDs -----------------------------------------------------------------------------------


def test_import_opds_from_comma_csv_creates_them(
    client: TestClient, session: Session, world: f.World
) -> None:
    content = csv_bytes(
        [OPD_HEADER, ["DISPORA", "Dinas Pemuda dan Olahraga"], ["DLH", "Dinas Lingkungan Hidup"]]
    )
    response = send(client, world, "opds", content)
    assert response.status_code == 201, response.text
    body = response.json()
    ids = [item["id"] for item in body["items"]]
    assert body == {
        "created": 2,
        "skipped": 0,
        "skipped_rows": [],
        "dry_run": False,
        "items": [
            {
                "id": ids[0],
                "convention_id": world.cid,
                "code": "DISPORA",
                "name": "Dinas Pemuda dan Olahraga",
            },
            {
                "id": ids[1],
                "convention_id": world.cid,
                "code": "DLH",
                "name": "Dinas Lingkungan Hidup",
            },
        ],
    }
    for item in body["items"]:
        assert (
            client.get(world.url(f"/opds/{item['id']}"), headers=world.admin.headers).json() == item
        )
    rows = session.scalars(select(Opd).where(Opd.id.in_(ids)).order_by(Opd.id)).all()
    assert [(o.code, o.name) for o in rows] == [
        ("DISPORA", "Dinas Pemuda dan Olahraga"),
        ("DLH", "Dinas Lingkungan Hidup"),
    ]
    actions = session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.target_id.in_(ids), AuditEvent.target_type == "opd"
        )
    ).all()
    assert actions == ["opd.create", "opd.create"]


def test_import_semicolon_csv_with_bom_and_loose_headers(
    client: TestClient, session: Session, world: f.World
) -> None:
    # Excel in an Indonesian locale: semicolons, a BOM, headers as a person types them.
    content = csv_bytes(
        [[" Kode ", "NAMA"], ["DISPAR", "Dinas Pariwisata, Pemuda dan Olahraga"], ["", ""]],
        delimiter=";",
        bom=True,
    )
    response = send(client, world, "opds", content)
    assert response.status_code == 201, response.text
    assert [(i["code"], i["name"]) for i in response.json()["items"]] == [
        ("DISPAR", "Dinas Pariwisata, Pemuda dan Olahraga")
    ]
    assert count(session, Opd, world.cid) == 3


def test_import_opds_from_xlsx_reads_its_first_sheet(
    client: TestClient, session: Session, world: f.World
) -> None:
    content = xlsx_bytes([["Kode", "Nama"], ["DISTAN", "Dinas Pertanian"], [101, "Kecamatan 101"]])
    response = send(client, world, "opds", content, "opd.xlsx")
    assert response.status_code == 201, response.text
    assert [(i["code"], i["name"]) for i in response.json()["items"]] == [
        ("DISTAN", "Dinas Pertanian"),
        ("101", "Kecamatan 101"),
    ]
    assert count(session, Opd, world.cid) == 4


def test_formula_cells_are_imported_as_their_text(
    client: TestClient, session: Session, world: f.World
) -> None:
    content = xlsx_bytes(
        [
            ["kode", "nama"],
            ["RUMUS", '=HYPERLINK("http://x","Dinas")'],
            ["LARIK", ArrayFormula("B3", "=SUM(1,2)")],
        ]
    )
    response = send(client, world, "opds", content, "opd.xlsx")
    assert response.status_code == 201, response.text
    names = ['=HYPERLINK("http://x","Dinas")', "=SUM(1,2)"]
    assert [item["name"] for item in response.json()["items"]] == names
    rows = session.scalars(
        select(Opd.name).where(Opd.code.in_(["RUMUS", "LARIK"])).order_by(Opd.id)
    )
    assert list(rows) == names


def test_empty_rows_are_ignored_and_still_counted(client: TestClient, world: f.World) -> None:
    content = csv_bytes([OPD_HEADER, ["A1", "Satu"], ["", ""], [], ["A2", ""]])
    # Row 4 is the fourth line under the header, empty lines counted.
    assert errors(send(client, world, "opds", content)) == [("row", 4, "nama", "required")]


# --- entries --------------------------------------------------------------------------------


def test_import_entries_with_innovators(
    client: TestClient, session: Session, world: f.World
) -> None:
    content = xlsx_bytes(
        [
            ENTRY_HEADER,
            [
                "Lahir Pulang OK",
                "LANGKOK",
                "dinkes",  # an OPD code in another case, when only one matches
                "Proses",
                "Akta kelahiran sebelum pulang.",
                f"Rina Marlina|{NIP[:8]} {NIP[8:14]} {NIP[14]} {NIP[15:]}; Tim Dukcapil",
            ],
            ["Sistem Antrean", None, "BAPPEDA", "teknologi", None, None],
        ]
    )
    response = send(client, world, "entries", content, "inovasi.xlsx")
    assert response.status_code == 201, response.text
    first, second = response.json()["items"]
    assert {
        k: first[k] for k in ("title", "acronym", "opd_id", "category", "summary", "innovators")
    } == {
        "title": "Lahir Pulang OK",
        "acronym": "LANGKOK",
        "opd_id": world.opds[1].id,
        "category": "proses",
        "summary": "Akta kelahiran sebelum pulang.",
        "innovators": [{"name": "Rina Marlina", "nip": NIP}, {"name": "Tim Dukcapil", "nip": None}],
    }
    assert (second["acronym"], second["summary"], second["innovators"]) == (None, None, [])
    got = client.get(world.url(f"/entries/{first['id']}"), headers=world.admin.headers).json()
    assert got == first
    entry = session.get(Entry, first["id"])
    assert entry is not None
    assert [(i.position, i.name, i.nip) for i in entry.innovators] == [
        (0, "Rina Marlina", NIP),
        (1, "Tim Dukcapil", None),
    ]


def test_entries_with_bad_cells_name_each_one(
    client: TestClient, session: Session, world: f.World
) -> None:
    content = csv_bytes(
        [
            ENTRY_HEADER,
            ["Satu", "", "BAPPEDA", "teknologi", "", "Budi|12345"],
            ["Dua", "", "DISHUB", "robotika", "", ""],
            ["", "", "", "", "", "Ani|; |" + NIP],
            ["X" * 301, "", "BAPPEDA", "sdm", "", f"Ani|{NIP}|{NIP}"],
        ]
    )
    assert errors(send(client, world, "entries", content)) == [
        ("row", 1, "inovator", "innovator 1 (Budi): a NIP is 18 digits, not '12345'"),
        ("row", 2, "kode_opd", "no OPD with code 'DISHUB' in this convention"),
        (
            "row",
            2,
            "kategori",
            "unknown category 'robotika'; the categories are teknologi, produk, proses, sdm, "
            "metode, konseptual, hubungan",
        ),
        ("row", 3, "judul", "required"),
        ("row", 3, "kode_opd", "required"),
        ("row", 3, "kategori", "required"),
        ("row", 3, "inovator", "innovator 2: a name is needed before '|'"),
        ("row", 4, "inovator", "innovator 1 (Ani): one '|' between the name and the NIP"),
        ("row", 4, "judul", "String should have at most 300 characters"),
    ]
    assert count(session, Entry, world.cid) == 3


def test_entries_after_the_first_advance_are_409(
    client: TestClient, session: Session, world: f.World
) -> None:
    world.convention.stages[0].advanced_at = utcnow()
    session.commit()
    content = csv_bytes([ENTRY_HEADER, ["Baru", "", "BAPPEDA", "sdm", "", ""]])
    body = f.problem(send(client, world, "entries", content), 409, "convention-state")
    assert "advanced" in body["detail"]
    assert count(session, Entry, world.cid) == 3


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
