"""Bulk import: files that are refused as a whole (type, size, rows, header, body), and the
templates."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from sqlalchemy.orm import Session

from app.models import Account, Entry, Opd
from app.services.imports import MAX_BYTES, MAX_JUROR_ROWS, MAX_ROWS, files
from tests.app import factories as f
from tests.app.import_files import (
    ENTRY_HEADER,
    JUROR_HEADER,
    OPD_HEADER,
    XLSX,
    count,
    csv_bytes,
    errors,
    send,
    xlsx_bytes,
)


def test_latin1_csv_is_415(client: TestClient, session: Session, world: f.World) -> None:
    content = csv_bytes(
        [OPD_HEADER, ["DISPORA", "Dinas Pemuda"], ["DPMPTSP", "Kafé Nagari Penanaman Modal"]],
        encoding="cp1252",
    )
    body = f.problem(send(client, world, "opds", content), 415, "unsupported-media-type")
    assert "not UTF-8" in body["detail"] and "CSV UTF-8" in body["detail"]
    assert count(session, Opd, world.cid) == 2


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("opd.xlsx", b"kode,nama\nA,B\n"),  # text named .xlsx
        ("opd.xlsx", b"PK\x03\x04 not really a zip"),
        ("opd.csv", b"PK\x03\x04 not really a zip"),
        ("opd.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64),  # Excel 97-2003
        ("opd.csv", b"kode,nama\n\x00\x01\x02\n"),
        ("opd.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32),
    ],
)
def test_a_file_that_is_not_csv_or_xlsx_is_415(
    client: TestClient, world: f.World, filename: str, content: bytes
) -> None:
    f.problem(send(client, world, "opds", content, filename), 415, "unsupported-media-type")


def test_a_zip_that_is_not_a_workbook_is_415(client: TestClient, world: f.World) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("kode.csv", "kode,nama\nA,B\n")
    response = send(client, world, "opds", out.getvalue(), "opd.xlsx")
    body = f.problem(response, 415, "unsupported-media-type")
    assert "not a valid XLSX workbook" in body["detail"]


@pytest.mark.parametrize("source", ["csv", "xlsx"])
def test_10000_rows_are_413(
    client: TestClient, session: Session, world: f.World, source: str
) -> None:
    rows = [OPD_HEADER] + [[f"K{i}", f"Dinas {i}"] for i in range(10_000)]
    content = csv_bytes(rows) if source == "csv" else xlsx_bytes(rows)
    body = f.problem(send(client, world, "opds", content, f"opd.{source}"), 413, "too-large")
    assert f"more than {MAX_ROWS} data rows" in body["detail"]
    assert count(session, Opd, world.cid) == 2


def test_the_row_limit_counts_data_rows(client: TestClient, world: f.World) -> None:
    rows = [OPD_HEADER] + [[f"K{i}", f"Dinas {i}"] for i in range(MAX_ROWS)] + [[""]] * 3
    response = send(client, world, "opds", csv_bytes(rows), dry_run="true")
    assert response.status_code == 200, response.text
    assert response.json()["created"] == MAX_ROWS
    f.problem(send(client, world, "opds", csv_bytes([*rows, ["ONE", "More"]])), 413, "too-large")


def test_jurors_have_a_lower_row_limit(
    client: TestClient, session: Session, world: f.World
) -> None:
    rows = [JUROR_HEADER] + [
        [f"juri.{i}", f"Juri {i}", "K", "", ""] for i in range(MAX_JUROR_ROWS + 1)
    ]
    body = f.problem(send(client, world, "jurors", csv_bytes(rows)), 413, "too-large")
    assert f"more than {MAX_JUROR_ROWS} data rows" in body["detail"]
    assert count(session, Account, world.cid) == 3


def test_a_file_over_the_byte_limit_is_413(client: TestClient, world: f.World) -> None:
    content = csv_bytes([OPD_HEADER, ["A", "x" * (MAX_BYTES + 1)]])
    body = f.problem(send(client, world, "opds", content), 413, "too-large")
    assert str(MAX_BYTES) in body["detail"]


def test_a_body_over_the_import_limit_is_413_before_it_is_read(
    client: TestClient, world: f.World
) -> None:
    response = client.post(
        world.url("/imports/opds"),
        content=b"x" * (MAX_BYTES + 128 * 1024),
        headers=world.admin.headers | {"Content-Type": "multipart/form-data; boundary=x"},
    )
    f.problem(response, 413, "too-large")


def test_other_routes_keep_the_smaller_body_limit(client: TestClient, world: f.World) -> None:
    response = client.post(
        world.url("/opds"),
        content=b"x" * (2 * 1024 * 1024),
        headers=world.admin.headers | {"Content-Type": "application/json"},
    )
    f.problem(response, 413, "too-large")


@pytest.mark.parametrize(
    ("kind", "header", "missing"),
    [
        ("opds", ["kode"], ["nama"]),
        ("entries", ["judul", "akronim", "ringkasan"], ["kode_opd", "kategori"]),
        ("jurors", ["username", "kata_sandi"], ["nama_lengkap", "panel"]),
    ],
)
def test_a_missing_required_column_is_422_naming_it(
    client: TestClient, world: f.World, kind: str, header: list[str], missing: list[str]
) -> None:
    content = csv_bytes([header, ["x"] * len(header)])
    assert errors(send(client, world, kind, content)) == [
        ("file", column, "required column is missing") for column in missing
    ]


def test_unknown_repeated_and_headerless_columns_are_422(
    client: TestClient, world: f.World
) -> None:
    content = csv_bytes(
        [
            ["No", "kode", "nama", "Kode", ""],
            ["1", "A", "B", "C", "D"],
            ["2", "E", "F", "G", "", "H"],
        ]
    )
    assert errors(send(client, world, "opds", content)) == [
        ("file", "No", "unknown column; the columns are kode, nama"),
        ("file", "kode", "appears more than once"),
        ("file", "column E", "has values but no header"),
        ("file", "column F", "has values but no header"),
    ]


@pytest.mark.parametrize(
    ("content", "msg"),
    [
        (b"", "the file is empty: no header row"),
        (b"\xef\xbb\xbf\r\n;;\r\n", "the file is empty: no header row"),
        (b"kode;nama\r\n;\r\n", "the file has a header but no data rows"),
    ],
)
def test_a_file_without_rows_is_422(
    client: TestClient, world: f.World, content: bytes, msg: str
) -> None:
    assert errors(send(client, world, "opds", content)) == [("file", msg)]


def test_a_body_that_is_not_multipart_is_415(client: TestClient, world: f.World) -> None:
    response = client.post(
        world.url("/imports/opds"), json={"file": "x"}, headers=world.admin.headers
    )
    body = f.problem(response, 415, "unsupported-media-type")
    assert "multipart/form-data" in body["detail"]


@pytest.mark.parametrize(
    ("data", "says"),
    [({"berkas": "x"}, "required: the file to import"), ({"file": "kode,nama"}, "must be a file")],
    ids=["no_field", "a_text_field"],
)
def test_a_multipart_body_without_the_file_is_422(
    client: TestClient, world: f.World, data: dict[str, str], says: str
) -> None:
    response = client.post(
        world.url("/imports/opds"),
        data=data,
        files={"lain": ("a.csv", b"kode,nama\n")},
        headers=world.admin.headers,
    )
    assert errors(response) == [("body", "file", says)]


def test_a_broken_multipart_body_is_422(client: TestClient, world: f.World) -> None:
    response = client.post(
        world.url("/imports/opds"),
        content=b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nkode',
        headers=world.admin.headers | {"Content-Type": "multipart/form-data"},
    )
    assert errors(response)[0][:1] == ("body",)


def test_an_unknown_kind_or_convention_is_refused(client: TestClient, world: f.World) -> None:
    content = csv_bytes([OPD_HEADER, ["A", "B"]])
    response = client.post(
        world.url("/imports/panels"),
        files={"file": ("a.csv", content)},
        headers=world.admin.headers,
    )
    assert errors(response)[0][:2] == ("path", "kind")
    response = client.post(
        "/api/v1/conventions/999999/imports/opds",
        files={"file": ("a.csv", b"\xff")},
        headers=world.admin.headers,
    )
    f.problem(response, 404, "not-found")


# --- templates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "header"), [("opds", OPD_HEADER), ("entries", ENTRY_HEADER), ("jurors", JUROR_HEADER)]
)
def test_template_has_the_headers_and_an_example_row(
    client: TestClient, world: f.World, kind: str, header: list[str]
) -> None:
    response = client.get(world.url(f"/imports/{kind}/template.xlsx"), headers=world.admin.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    assert response.headers["content-disposition"] == f'attachment; filename="impor-{kind}.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [
        [cell if cell is not None else "" for cell in row]
        for row in sheet.iter_rows(values_only=True)
    ]
    assert rows[0] == header
    assert len(rows) == 2 and rows[1][0]


def test_each_template_imports_into_a_convention_that_has_its_references(
    client: TestClient, session: Session, world: f.World
) -> None:
    convention = f.make_convention(session)
    f.make_opd(session, convention, code="DISDUKCAPIL")
    f.make_opd(session, convention, code="DINKES")
    f.make_panel(session, convention, name="LAN")
    url = f"/api/v1/conventions/{convention.id}/imports"
    for kind in ("opds", "entries", "jurors"):
        template = client.get(f"{url}/{kind}/template.xlsx", headers=world.admin.headers)
        response = client.post(
            f"{url}/{kind}",
            files={"file": (f"impor-{kind}.xlsx", template.content)},
            headers=world.admin.headers,
        )
        assert response.status_code == 201, response.text
        assert response.json()["created"] == 1
    assert [count(session, model, convention.id) for model in (Opd, Entry, Account)] == [3, 1, 1]


def test_a_juror_or_anonymous_caller_imports_nothing(
    client: TestClient, session: Session, world: f.World
) -> None:
    content = csv_bytes([OPD_HEADER, ["DISPORA", "Dinas Pemuda"]])
    for headers, status, name in (
        (world.jurors[0].headers, 403, "forbidden"),
        ({}, 401, "unauthenticated"),
    ):
        response = client.post(
            world.url("/imports/opds"), files={"file": ("o.csv", content)}, headers=headers
        )
        f.problem(response, status, name)
        template = client.get(world.url("/imports/opds/template.xlsx"), headers=headers)
        f.problem(template, status, name)
    assert count(session, Opd, world.cid) == 2


def test_a_file_of_too_many_rows_even_empty_ones_is_413(client: TestClient, world: f.World) -> None:
    content = b"kode;nama\r\n" + b";\r\n" * 100_001
    body = f.problem(send(client, world, "opds", content), 413, "too-large")
    assert "more than 100000 rows, empty ones included" in body["detail"]


def test_a_csv_cell_beyond_the_csv_reader_limit_is_422(client: TestClient, world: f.World) -> None:
    content = b'kode,nama\nA,"' + b"x" * 200_000 + b'"\n'
    (problem,) = errors(send(client, world, "opds", content))
    assert problem[0] == "file" and "not a well-formed CSV near line 2" in problem[1]


def test_a_workbook_that_unpacks_too_large_is_413(
    client: TestClient, world: f.World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "MAX_UNPACKED_BYTES", 1_000)
    content = xlsx_bytes([OPD_HEADER, ["A", "B"]])
    body = f.problem(send(client, world, "opds", content, "opd.xlsx"), 413, "too-large")
    assert "unpacks to" in body["detail"]


def test_a_workbook_without_a_worksheet_is_415(client: TestClient, world: f.World) -> None:
    book = Workbook()
    book.create_chartsheet("Grafik")
    book.remove(book.active)
    out = io.BytesIO()
    book.save(out)
    body = f.problem(
        send(client, world, "opds", out.getvalue(), "o.xlsx"), 415, "unsupported-media-type"
    )
    assert "XLSX" in body["detail"] or "worksheet" in body["detail"]


def test_a_workbook_whose_sheet_is_broken_is_415(client: TestClient, world: f.World) -> None:
    good = zipfile.ZipFile(io.BytesIO(xlsx_bytes([OPD_HEADER, ["A", "B"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as broken:
        for member in good.infolist():
            data = good.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            broken.writestr(member, data)
    body = f.problem(
        send(client, world, "opds", out.getvalue(), "o.xlsx"), 415, "unsupported-media-type"
    )
    assert "cannot be read" in body["detail"]


def test_a_body_streamed_past_the_limit_is_413(client: TestClient, world: f.World) -> None:
    boundary = b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n'

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit is met while reading
        yield boundary
        for _ in range(6):
            yield b"x" * (1024 * 1024)

    response = client.post(
        world.url("/imports/opds"),
        content=chunks(),
        headers=world.admin.headers | {"Content-Type": "multipart/form-data; boundary=x"},
    )
    f.problem(response, 413, "too-large")
