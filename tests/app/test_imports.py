"""Bulk import through the API: OPDs and entries from both CSV delimiters, BOM and XLSX;
what each cell may hold."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from fastapi.testclient import TestClient
from openpyxl.worksheet.formula import ArrayFormula
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AuditEvent, Entry, Opd, utcnow
from app.services.imports import files
from tests.app import factories as f
from tests.app.import_files import (
    ENTRY_HEADER,
    NIP,
    OPD_HEADER,
    count,
    csv_bytes,
    errors,
    send,
    xlsx_bytes,
)

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


def test_semicolon_csv_of_entries_as_excel_writes_it(
    client: TestClient, session: Session, world: f.World
) -> None:
    # Excel quotes a cell that holds the delimiter: the innovators' list does.
    content = csv_bytes(
        [
            ["Judul", "Kode OPD", "Kategori", "Inovator"],
            ["Posyandu Digital", "DINKES", "teknologi", f"Yusrita|{NIP}; Tim Dinkes"],
        ],
        delimiter=";",
        bom=True,
    )
    assert b'"Yusrita|' in content
    response = send(client, world, "entries", content)
    assert response.status_code == 201, response.text
    (item,) = response.json()["items"]
    assert (item["title"], item["opd_id"], item["innovators"]) == (
        "Posyandu Digital",
        world.opds[1].id,
        [{"name": "Yusrita", "nip": NIP}, {"name": "Tim Dinkes", "nip": None}],
    )
    assert count(session, Entry, world.cid) == 4


def test_a_flood_of_problems_lists_the_first_thousand(client: TestClient, world: f.World) -> None:
    rows = [OPD_HEADER] + [["", f"Dinas {i}"] for i in range(1_200)]
    body = f.problem(send(client, world, "opds", csv_bytes(rows)), 422, "validation")
    assert body["error_count"] == 1_200
    assert len(body["errors"]) == 1_000
    assert body["errors"][-1] == {"loc": ["row", 1_000, "kode"], "msg": "required"}
    assert body["detail"].startswith("1200 problem(s) in the file, nothing was imported: ")
    assert body["detail"].endswith("(and 1197 more). The first 1000 are listed.")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "TRUE"),
        (101, "101"),
        (101.0, "101"),
        (3.5, "3.5"),
        (date(2026, 5, 9), "2026-05-09"),
        (datetime(2026, 5, 9), "2026-05-09"),
        (datetime(2026, 5, 9, 8, 30), "2026-05-09T08:30:00"),
        ("  Dinas  ", "Dinas"),
    ],
)
def test_an_xlsx_cell_reads_as_a_person_reads_it(value: object, text: str) -> None:
    assert files._cell_text(value) == text


def test_an_innovator_name_too_long_is_named(client: TestClient, world: f.World) -> None:
    content = csv_bytes([ENTRY_HEADER, ["Satu", "", "BAPPEDA", "sdm", "", "N" * 201]])
    assert errors(send(client, world, "entries", content)) == [
        (
            "row",
            1,
            "inovator",
            f"innovator 1 ({'N' * 201}): String should have at most 200 characters",
        ),
    ]
