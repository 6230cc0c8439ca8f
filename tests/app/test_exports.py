"""The secretariat's downloads: `…/exports/{kind}.{csv|xlsx}` and `…/certificates.zip`."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy.orm import Session

from tests.app import factories as f
from tests.app.test_awards import published

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JAKARTA = ZoneInfo("Asia/Jakarta")
RANKING_HEADERS = [
    "Peringkat",
    "ID Entri",
    "Judul Inovasi",
    "Akronim",
    "Kode OPD",
    "Kategori",
    "Peringkat Kategori",
    "Nilai",
    "Nilai K",
    "Nilai L",
    "Lembar Dinilai",
    "Lembar Diharapkan",
    "Lengkap",
    "Seri",
    "Penerima Penghargaan",
    "Stabilitas",
    "Porsi Penghargaan",
]
AWARD_HEADERS = [
    "Peringkat",
    "Penghargaan",
    "ID Entri",
    "Judul Inovasi",
    "Akronim",
    "Kode OPD",
    "Nama OPD",
    "Inovator",
]
CERTIFICATE_HEADERS = [
    "Nomor",
    "Jenis",
    "Jenis Penerima",
    "Nama Penerima",
    "ID Entri",
    "Judul Inovasi",
    "Nama OPD",
    "Peringkat",
    "Penghargaan",
    "Tanggal Terbit (WIB)",
    "Status",
    "Tanggal Dicabut (WIB)",
    "Alasan Pencabutan",
    "Diganti oleh (Kode)",
    "Menggantikan Nomor",
    "Kode Verifikasi",
    "Tautan Verifikasi",
]
REWARD_HEADERS = [
    "ID",
    "Peringkat",
    "Penghargaan",
    "Judul Inovasi",
    "Jenis Penerima",
    "Nama Penerima",
    "Jenis Hadiah",
    "Jumlah (Rp)",
    "Keterangan",
    "Status",
    "Tanggal Diserahkan (WIB)",
]


@pytest.fixture
def issued(client: TestClient, session: Session, world: f.World) -> dict[str, Any]:
    """Published (entry 0 Juara I with Rina and Budi; entry 1 second; entry 2 unranked),
    awards and certificates issued, one cash reward."""
    published(client, session, world)
    body: dict[str, Any] = client.post(world.url("/awards"), headers=world.admin.headers).json()
    reward = client.post(
        world.url("/rewards"),
        json={
            "award_id": body["awards"][0]["id"],
            "recipient_type": "opd",
            "recipient_name": world.opds[0].name,
            "kind": "cash",
            "amount_idr": 10_000_000,
            "description": "Uang pembinaan",
        },
        headers=world.admin.headers,
    )
    assert reward.status_code == 201, reward.text
    body["reward"] = reward.json()
    return body


def _get(client: TestClient, w: f.World, path: str, media_type: str) -> bytes:
    response = client.get(w.url(path), headers=w.admin.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == media_type
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    return response.content


def _csv(client: TestClient, w: f.World, kind: str, query: str = "") -> list[list[str]]:
    body = _get(client, w, f"/exports/{kind}.csv{query}", "text/csv; charset=utf-8")
    return list(csv.reader(io.StringIO(body.decode("utf-8"))))


def _xlsx(
    client: TestClient, w: f.World, kind: str, query: str = ""
) -> tuple[str, list[list[Any]]]:
    book = load_workbook(io.BytesIO(_get(client, w, f"/exports/{kind}.xlsx{query}", XLSX)))
    sheet = book.active
    return sheet.title, [list(row) for row in sheet.iter_rows(values_only=True)]


def _wib(value: str) -> datetime:
    """An API time as the naive Jakarta time a spreadsheet holds, to the second."""
    moment = datetime.fromisoformat(value).astimezone(JAKARTA)
    return moment.replace(tzinfo=None, microsecond=0)


@pytest.mark.usefixtures("issued")
def test_ranking_export_csv_and_xlsx(client: TestClient, world: f.World) -> None:
    e0, e1, e2 = world.entries
    yty, ytt, ttt = ["Ya", "Tidak", "Ya"], ["Ya", "Tidak", "Tidak"], ["Tidak"] * 3
    assert _csv(client, world, "ranking") == [
        RANKING_HEADERS,
        [
            "1",
            str(e0.id),
            "FASTREN",
            e0.acronym,
            "BAPPEDA",
            "teknologi",
            "1",
            *["90.00"] * 3,
            "3",
            "3",
            *yty,
            "stable_in",
            "1.00",
        ],
        [
            "2",
            str(e1.id),
            "SMASH CARE'S",
            e1.acronym,
            "DINKES",
            "teknologi",
            "2",
            *["50.00"] * 3,
            "3",
            "3",
            *ytt,
            "stable_out",
            "0.00",
        ],
        [
            "",
            str(e2.id),
            "Tiga",
            e2.acronym,
            "BAPPEDA",
            "teknologi",
            "",
            "",
            "",
            "",
            "0",
            "3",
            *ttt,
            "stable_out",
            "0.00",
        ],
    ]
    title, rows = _xlsx(client, world, "ranking", "?method=median")
    assert title == "Peringkat (median)"
    assert rows == [
        RANKING_HEADERS,
        [
            1,
            e0.id,
            "FASTREN",
            e0.acronym,
            "BAPPEDA",
            "teknologi",
            1,
            90,
            90,
            90,
            3,
            3,
            *yty,
            "stable_in",
            1,
        ],
        [
            2,
            e1.id,
            "SMASH CARE'S",
            e1.acronym,
            "DINKES",
            "teknologi",
            2,
            50,
            50,
            50,
            3,
            3,
            *ytt,
            "stable_out",
            0,
        ],
        [
            None,
            e2.id,
            "Tiga",
            e2.acronym,
            "BAPPEDA",
            "teknologi",
            None,
            None,
            None,
            None,
            0,
            3,
            *ttt,
            "stable_out",
            0,
        ],
    ]


@pytest.mark.usefixtures("issued")
def test_ranking_export_keeps_the_contract_csv_untouched(
    client: TestClient, world: f.World
) -> None:
    response = client.get(world.url("/ranking.csv"), headers=world.admin.headers)
    assert response.text.splitlines()[0] == (
        "rank,entry_id,title,acronym,opd_code,score,K,L,sheet_count,expected_sheet_count,"
        "complete,tied,awarded"
    )


@pytest.mark.usefixtures("issued")
def test_awards_export_csv_and_xlsx(client: TestClient, world: f.World) -> None:
    e0 = world.entries[0]
    opd = world.opds[0]
    row = [1, "Juara I", e0.id, "FASTREN", e0.acronym, "BAPPEDA", opd.name, "Rina; Budi"]
    assert _csv(client, world, "awards") == [AWARD_HEADERS, [str(v) for v in row]]
    assert _xlsx(client, world, "awards") == ("Penghargaan", [AWARD_HEADERS, row])


def test_certificates_export_csv_and_xlsx(
    client: TestClient, world: f.World, issued: dict[str, Any]
) -> None:
    certs = issued["certificates"]
    revoked = f.revoke(client, world, certs[2]["id"])
    reissued = client.post(
        world.url(f"/certificates/{certs[2]['id']}/reissue"), headers=world.admin.headers
    )
    assert reissued.status_code == 201, reissued.text
    again = reissued.json()
    e0, e1, _ = world.entries
    opd0, opd1 = world.opds[0].name, world.opds[1].name

    def row(c: dict[str, Any], *values: Any) -> list[Any]:
        return [c["number"], *values]

    def row_end(c: dict[str, Any], *values: Any) -> list[Any]:
        return [*values, c["code"], f"http://testserver/verify/{c['code']}"]

    issued_at = _wib(certs[0]["issued_at"])
    revoked_at = _wib(revoked["revoked_at"])
    rina, budi, other = certs[1], certs[2], certs[3]
    valid = ("Berlaku", None, None, None, None)
    expected = [
        CERTIFICATE_HEADERS,
        row(certs[0], "Pemenang", "OPD", opd0, e0.id, "FASTREN", opd0, 1, "Juara I", issued_at)
        + row_end(certs[0], *valid),
        row(rina, "Pemenang", "Inovator", "Rina", e0.id, "FASTREN", opd0, 1, "Juara I", issued_at)
        + row_end(rina, *valid),
        # Revoked and reissued: the code that replaced it; the reissue names the number.
        row(budi, "Pemenang", "Inovator", "Budi", e0.id, "FASTREN", opd0, 1, "Juara I", issued_at)
        + row_end(budi, "Dicabut", revoked_at, "Nama salah", again["code"], None),
        row(other, "Peserta", "Inovator", other["recipient_name"], e1.id, "SMASH CARE'S", opd1)
        + row_end(other, 2, None, issued_at, *valid),
        row(again, "Pemenang", "Inovator", "Budi", e0.id, "FASTREN", opd0, 1, "Juara I")
        + row_end(again, _wib(again["issued_at"]), "Berlaku", None, None, None, budi["number"]),
    ]
    title, rows = _xlsx(client, world, "certificates")
    assert title == "Piagam"
    assert rows == expected

    def text(value: Any) -> str:
        if value is None:
            return ""
        return f"{value:%Y-%m-%d %H:%M}" if isinstance(value, datetime) else str(value)

    assert _csv(client, world, "certificates") == [
        expected[0],
        *[[text(v) for v in r] for r in expected[1:]],
    ]


def test_rewards_export_csv_and_xlsx(
    client: TestClient, world: f.World, issued: dict[str, Any]
) -> None:
    reward = issued["reward"]
    delivered = client.patch(
        world.url(f"/rewards/{reward['id']}"),
        json={"status": "delivered"},
        headers=world.admin.headers,
    ).json()
    at = _wib(delivered["delivered_at"])
    row = [reward["id"], 1, "Juara I", "FASTREN", "OPD", world.opds[0].name, "Uang Pembinaan"]
    row += [10_000_000, "Uang pembinaan", "Diserahkan", at]
    assert _xlsx(client, world, "rewards") == ("Hadiah", [REWARD_HEADERS, row])
    assert _csv(client, world, "rewards") == [
        REWARD_HEADERS,
        [str(v) for v in row[:-1]] + [f"{at:%Y-%m-%d %H:%M}"],
    ]


@pytest.mark.usefixtures("issued")
def test_xlsx_numbers_are_numbers_with_formats(client: TestClient, world: f.World) -> None:
    content = _get(client, world, "/exports/ranking.xlsx", XLSX)
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["H2"].number_format == "0.00"
    assert sheet["H2"].data_type == "n"
    assert sheet["A1"].font.bold
    # Rupiah with thousands separators, still a number.
    rewards = load_workbook(io.BytesIO(_get(client, world, "/exports/rewards.xlsx", XLSX))).active
    amount = rewards.cell(row=2, column=REWARD_HEADERS.index("Jumlah (Rp)") + 1)
    assert (amount.value, amount.data_type, amount.number_format) == (
        10_000_000,
        "n",
        '"Rp "#,##0',
    )
    assert sheet.freeze_panes == "A2"
    rewards = load_workbook(io.BytesIO(_get(client, world, "/exports/rewards.xlsx", XLSX))).active
    assert rewards["H2"].value == 10_000_000
    assert rewards["H2"].data_type == "n"


def awarded(client: TestClient, session: Session, world: f.World) -> None:
    """The names as the test changed them stored, the results published, the awards issued."""
    session.commit()
    published(client, session, world)
    assert client.post(world.url("/awards"), headers=world.admin.headers).status_code == 201


def test_exports_never_turn_names_into_formulas(
    client: TestClient, session: Session, world: f.World
) -> None:
    formula = '=HYPERLINK("http://evil.example","klik")'
    world.entries[0].title = formula
    world.entries[0].acronym = "+SUM(A1:A9)"
    awarded(client, session, world)
    rows = _csv(client, world, "awards")
    assert rows[1][3] == f"'{formula}"
    assert rows[1][4] == "'+SUM(A1:A9)"
    content = _get(client, world, "/exports/awards.xlsx", XLSX)
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["D2"].value == formula
    assert sheet["D2"].data_type == "s"
    assert sheet["E2"].data_type == "s"
    assert sheet["D2"].quotePrefix and sheet["E2"].quotePrefix


def test_exports_quote_a_carriage_return_so_no_row_can_be_smuggled(
    client: TestClient, session: Session, world: f.World
) -> None:
    # A bare CR in a CSV field starts a new row in a spreadsheet, where "=..." would run.
    world.entries[0].title = "\r=cmd|' /C calc'!A0"
    world.opds[0].name = "@SUM(1)"
    awarded(client, session, world)
    body = _get(client, world, "/exports/awards.csv", "text/csv; charset=utf-8").decode()
    assert "\"'\r=cmd|' /C calc'!A0\"" in body
    rows = list(csv.reader(io.StringIO(body, newline="")))
    assert len(rows) == 2
    assert rows[1][3:8] == [
        "'\r=cmd|' /C calc'!A0",
        world.entries[0].acronym,
        "BAPPEDA",
        "'@SUM(1)",
        "Rina; Budi",
    ]
    sheet = load_workbook(io.BytesIO(_get(client, world, "/exports/awards.xlsx", XLSX))).active
    # (XML reads a CR back as a line feed.)
    assert (sheet["D2"].value, sheet["D2"].data_type) == ("\n=cmd|' /C calc'!A0", "s")
    assert (sheet["G2"].value, sheet["G2"].data_type) == ("@SUM(1)", "s")
    # Excel's own mark of a typed leading ': editing the cell keeps it text.
    assert sheet["D2"].quotePrefix and sheet["G2"].quotePrefix
    assert not sheet["E2"].quotePrefix


@pytest.mark.usefixtures("issued")
def test_xlsx_export_drops_control_characters_a_spreadsheet_cannot_hold(
    client: TestClient, session: Session, world: f.World
) -> None:
    world.entries[0].title = "FAST\x1bREN\x08"
    world.panels[0].name = "K\x07"
    session.commit()
    csv_rows = _csv(client, world, "ranking")
    assert csv_rows[1][2] == "FAST\x1bREN\x08"  # CSV keeps what was stored
    _title, rows = _xlsx(client, world, "ranking")
    assert rows[0][8] == "Nilai K"
    assert rows[1][2] == "FASTREN"


def test_exports_before_awards_hold_only_headers(client: TestClient, world: f.World) -> None:
    assert _csv(client, world, "awards") == [AWARD_HEADERS]
    assert _xlsx(client, world, "certificates") == ("Piagam", [CERTIFICATE_HEADERS])
    content = _get(client, world, "/certificates.zip", "application/zip")
    assert zipfile.ZipFile(io.BytesIO(content)).namelist() == []


def test_certificates_zip_holds_one_pdf_per_certificate(
    client: TestClient, world: f.World, issued: dict[str, Any]
) -> None:
    content = _get(client, world, "/certificates.zip", "application/zip")
    archive = zipfile.ZipFile(io.BytesIO(content))
    certs = issued["certificates"]
    names = [c["number"].replace("/", "-") + ".pdf" for c in certs]
    assert archive.namelist() == names
    for cert, name in zip(certs, names, strict=True):
        data = archive.read(name)
        assert data.startswith(b"%PDF-")
        reader = PdfReader(io.BytesIO(data))
        assert len(reader.pages) == 1
        assert f"Nomor: {cert['number']}" in reader.pages[0].extract_text().splitlines()
    assert cert["recipient_name"] in reader.pages[0].extract_text().splitlines()


def test_exports_refuse_everyone_but_the_secretariat(
    client: TestClient, session: Session, world: f.World
) -> None:
    paths = [
        f"/exports/{kind}.{fmt}"
        for kind in ("ranking", "awards", "certificates", "rewards")
        for fmt in ("csv", "xlsx")
    ] + ["/certificates.zip"]
    other = f.make_world(session, f.SECRET)
    for path in paths:
        f.problem(client.get(world.url(path)), 401, "unauthenticated")
        f.problem(client.get(world.url(path), headers=world.jurors[0].headers), 403, "forbidden")
        f.problem(client.get(other.url(path), headers=world.jurors[0].headers), 404, "not-found")
        f.problem(
            client.get(f"/api/v1/conventions/999999{path}", headers=world.admin.headers),
            404,
            "not-found",
        )


def test_exports_bad_kind_format_or_method_is_422(client: TestClient, world: f.World) -> None:
    h = world.admin.headers
    body = f.problem(client.get(world.url("/exports/juries.csv"), headers=h), 422, "validation")
    assert body["errors"][0]["loc"] == ["path", "kind"]
    body = f.problem(client.get(world.url("/exports/awards.pdf"), headers=h), 422, "validation")
    assert body["errors"][0]["loc"] == ["path", "fmt"]
    body = f.problem(
        client.get(world.url("/exports/ranking.csv?method=best"), headers=h), 422, "validation"
    )
    assert body["errors"][0]["loc"] == ["query", "method"]
