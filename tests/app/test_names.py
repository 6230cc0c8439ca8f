"""Issue 13, defects 9 and 10: every name and title is one a piagam prints as it is.

Characters the piagam fonts cannot draw (CJK, Arabic script, emoji: printed as blanks) and
control or invisible characters (ESC, BEL, bidi overrides, zero-width) are refused with a 422
naming the field, on every route that takes a name, and per cell in imports.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import printable
from app.models import Convention, Entry, Objection, Opd
from tests.app import factories as f
from tests.app.import_files import csv_bytes
from tests.app.test_awards import published
from tests.app.test_objections import publish, score_all

CANNOT_PRINT = [
    ("索洛克市", "'索' (U+7D22), '洛' (U+6D1B), '克' (U+514B), '市' (U+5E02)"),
    ("كوتا سولوق", "'ك' (U+0643), 'و' (U+0648), 'ت' (U+062A), 'ا' (U+0627), 'س' (U+0633)"),  # noqa: RUF001
    ("Juara 🏆", "'🏆' (U+1F3C6)"),
    ("ꦏꦸꦛ Jawa", "'ꦏ' (U+A98F), 'ꦸ' (U+A9B8), 'ꦛ' (U+A99B)"),
    ("กรุงเทพ", "'ก' (U+0E01), 'ร' (U+0E23), 'ุ' (U+0E38), 'ง' (U+0E07), 'เ' (U+0E40)"),
]

HIDDEN = [
    ("Dinas\x1b[31mMerah", "U+001B at position 6"),
    ("Dinas\x07", "U+0007 at position 6"),
    ("Dinas\u202eSAKNID", "U+202E at position 6"),
    ("Din\u200bas", "U+200B at position 4"),
    ("\ufeffDinas", "U+FEFF at position 1"),
    ("Dinas \u2066Kota\u2069", "U+2066 at position 7, U+2069 at position 12"),
    ("Dinas\tKota", "U+0009 at position 6"),
    ("Dinas\nKota", "U+000A at position 6"),
    ("Dinas\x85Kota", "U+0085 at position 6"),
    ("Dinas\u2028Kota", "U+2028 at position 6"),
]

PRINTS = "Ni Putu Śānti Déwi “Ayu” Çelik — Αθήνα, Київ, № 5 · ½ & <Tim>"


def _hidden_msg(where: str) -> str:
    return f"must not contain control or invisible characters ({where})"


def _font_msg(chars: str) -> str:
    return f"has characters the certificate fonts cannot print: {chars}"


# --- the rule itself ------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "chars"), CANNOT_PRINT)
def test_characters_outside_the_piagam_fonts_are_named(text: str, chars: str) -> None:
    assert printable.problem(text) == _font_msg(chars)


@pytest.mark.parametrize(("text", "where"), HIDDEN)
def test_control_and_invisible_characters_are_named_by_position(text: str, where: str) -> None:
    assert printable.problem(text) == _hidden_msg(where)
    assert printable.hidden_problem(text) == _hidden_msg(where)


def test_latin_greek_and_cyrillic_names_print() -> None:
    assert printable.problem(PRINTS) is None
    assert printable.problem("e\u0301 vs é") is None
    assert printable.problem("") is None


def test_a_character_whose_capital_cannot_print_is_refused() -> None:
    # Hosts and award names print in capitals: Georgian ა is in the fonts, its capital is not.
    assert ord("ა") in printable.drawable()
    assert printable.problem("ა") == _font_msg("'Ა' (U+1C90)")


def test_the_fonts_are_read_once() -> None:
    assert printable.drawable() is printable.drawable()
    assert ord("A") in printable.drawable()
    assert 0x4E2D not in printable.drawable()


# --- every route that takes a name ----------------------------------------------------------

X: Any = object()
"""Where the name under test goes in a body."""

Call = tuple[str, str, dict[str, Any], list[str | int]]


def _at(key: str) -> list[str | int]:
    return [key]


CONVENTIONS = "/api/v1/conventions"
CALLS: list[Call] = [
    ("POST", CONVENTIONS, {"name": X, "year": 2018}, ["name"]),
    *[
        ("POST", CONVENTIONS, {"name": "Konvensi", "year": 2018, key: X}, _at(key))
        for key in ("host", "city", "signatory_name", "signatory_title")
    ],
    ("POST", CONVENTIONS, {"name": "K", "year": 2018, "award_names": ["I", X]}, ["award_names", 1]),
    *[
        ("PATCH", "{cid}", {key: X}, _at(key))
        for key in ("name", "host", "city", "signatory_name", "signatory_title")
    ],
    ("PATCH", "{cid}", {"award_names": [X]}, ["award_names", 0]),
    ("POST", "{cid}/opds", {"code": "X1", "name": X}, ["name"]),
    ("PATCH", "{cid}/opds/{opd}", {"name": X}, ["name"]),
    ("POST", "{cid}/entries", {"title": X, "opd_id": "{opd}", "category": "sdm"}, ["title"]),
    (
        "POST",
        "{cid}/entries",
        {"title": "T", "acronym": X, "opd_id": "{opd}", "category": "sdm"},
        ["acronym"],
    ),
    (
        "POST",
        "{cid}/entries",
        {
            "title": "T",
            "opd_id": "{opd}",
            "category": "sdm",
            "innovators": [{"name": "Rina"}, {"name": X}],
        },
        ["innovators", 1, "name"],
    ),
    ("PATCH", "{cid}/entries/{entry}", {"title": X}, ["title"]),
    ("PATCH", "{cid}/entries/{entry}", {"innovators": [{"name": X}]}, ["innovators", 0, "name"]),
    ("POST", "{cid}/panels", {"name": X}, ["name"]),
    ("POST", "{cid}/criteria", {"code": "C", "name": X, "weight": 1, "max_score": 10}, ["name"]),
    ("POST", "{cid}/stages", {"code": "S2", "name": X}, ["name"]),
    (
        "POST",
        "{cid}/jurors",
        {
            "username": "juri.b",
            "password": "rahasia-panjang",
            "full_name": X,
            "panel_id": "{panel}",
        },
        ["full_name"],
    ),
    ("PATCH", "{cid}/jurors/{juror}", {"full_name": X}, ["full_name"]),
    (
        "POST",
        "{cid}/rewards",
        {"award_id": 1, "recipient_type": "opd", "recipient_name": X, "kind": "plaque"},
        ["recipient_name"],
    ),
]


def _fill(value: Any, text: str, ids: dict[str, int]) -> Any:
    """The body with ``X`` replaced by ``text`` and ``"{name}"`` by the world's ids."""
    if value is X:
        return text
    if isinstance(value, dict):
        return {k: _fill(v, text, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, text, ids) for v in value]
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    return value


def _counts(session: Session) -> tuple[int, int, int]:
    session.expire_all()
    return (
        session.scalar(select(func.count()).select_from(Convention)) or 0,
        session.scalar(select(func.count()).select_from(Opd)) or 0,
        session.scalar(select(func.count()).select_from(Entry)) or 0,
    )


@pytest.mark.parametrize(
    ("method", "path", "body", "loc"),
    CALLS,
    ids=[f"{i}-{c[0]}-{'.'.join(map(str, c[3]))}" for i, c in enumerate(CALLS)],
)
def test_every_name_and_title_refuses_what_a_piagam_cannot_print(
    client: TestClient,
    session: Session,
    world: f.World,
    method: str,
    path: str,
    body: dict[str, Any],
    loc: list[str | int],
) -> None:
    ids = {
        "opd": world.opds[0].id,
        "entry": world.entries[0].id,
        "juror": world.jurors[0].id,
        "panel": world.panels[0].id,
    }
    url = path.format(cid=world.url(), **ids)
    before = _counts(session)
    cases = [(text, _font_msg(chars)) for text, chars in CANNOT_PRINT[:3]]
    cases += [(text, _hidden_msg(where)) for text, where in HIDDEN[:4]]
    for text, msg in cases:
        response = client.request(
            method, url, json=_fill(body, text, ids), headers=world.admin.headers
        )
        problem = f.problem(response, 422, "validation")
        assert problem["errors"] == [{"loc": ["body", *loc], "msg": msg}]
    assert _counts(session) == before


def test_names_that_print_are_stored_as_sent(
    client: TestClient, session: Session, world: f.World
) -> None:
    opd = f.create(client, world, "/opds", {"code": "X1", "name": PRINTS})
    assert opd["name"] == PRINTS
    # Long text is not a name: a summary keeps any character.
    body = {
        "title": PRINTS,
        "opd_id": opd["id"],
        "category": "sdm",
        "summary": "索洛克市 🏆\tgaris baru\n",
    }
    entry = f.create(client, world, "/entries", body | {"innovators": [{"name": PRINTS}]})
    session.expire_all()
    stored = session.get(Entry, entry["id"])
    assert stored is not None
    assert (stored.title, stored.summary) == (PRINTS, "索洛克市 🏆\tgaris baru\n")


def test_an_objector_may_have_any_visible_name_but_no_hidden_characters(
    client: TestClient, session: Session, world: f.World
) -> None:
    score_all(session, world)
    publish(client, world)
    url = world.url("/objections")
    body = {"entry_id": world.entries[0].id, "contact": "budi@example.id", "reason": "x" * 30}
    # Never printed on a piagam: any script will do.
    shown = client.post(url, json={**body, "name": "索洛克市 🙂"})
    assert shown.status_code == 201, shown.text
    stored = session.scalars(select(Objection)).one()
    assert stored.name == "索洛克市 🙂"
    hidden = client.post(url, json={**body, "name": "Budi\u202eikuS"})
    problem = f.problem(hidden, 422, "validation")
    assert problem["errors"] == [
        {"loc": ["body", "name"], "msg": _hidden_msg("U+202E at position 5")}
    ]
    contact = client.post(url, json={**body, "name": "Budi", "contact": "budi\x1b@example.id"})
    problem = f.problem(contact, 422, "validation")
    assert problem["errors"] == [
        {"loc": ["body", "contact"], "msg": _hidden_msg("U+001B at position 5")}
    ]
    assert session.scalar(select(func.count()).select_from(Objection)) == 1


# --- imports: the same rule per cell --------------------------------------------------------


def _import(client: TestClient, w: f.World, kind: str, rows: list[list[str]]) -> Any:
    return client.post(
        w.url(f"/imports/{kind}"),
        files={"file": ("data.csv", csv_bytes(rows), "text/csv")},
        headers=w.admin.headers,
    )


def test_imports_refuse_such_names_per_cell(
    client: TestClient, session: Session, world: f.World
) -> None:
    before = _counts(session)
    opds = _import(
        client,
        world,
        "opds",
        [["kode", "nama"], ["A1", "Dinas Baik"], ["A2", "索洛克市"], ["A3", "Dinas\u202eX"]],
    )
    problem = f.problem(opds, 422, "validation")
    assert problem["errors"] == [
        {"loc": ["row", 2, "nama"], "msg": _font_msg(CANNOT_PRINT[0][1])},
        {"loc": ["row", 3, "nama"], "msg": _hidden_msg("U+202E at position 6")},
    ]
    entries = _import(
        client,
        world,
        "entries",
        [
            ["judul", "akronim", "kode_opd", "kategori", "ringkasan", "inovator"],
            ["Juara 🏆", "", "BAPPEDA", "sdm", "", "Rina"],
            ["Baik", "A\u200bB", "BAPPEDA", "sdm", "", "Rina; كوتا سولوق"],
        ],
    )
    problem = f.problem(entries, 422, "validation")
    arabic = _font_msg(CANNOT_PRINT[1][1])
    assert problem["errors"] == [
        {"loc": ["row", 1, "judul"], "msg": _font_msg("'🏆' (U+1F3C6)")},
        {"loc": ["row", 2, "inovator"], "msg": "innovator 2 (كوتا سولوق): " + arabic},
        {"loc": ["row", 2, "akronim"], "msg": _hidden_msg("U+200B at position 2")},
    ]
    jurors = _import(
        client,
        world,
        "jurors",
        [["username", "nama_lengkap", "panel"], ["juri.x", "Juri\x07", "K"]],
    )
    problem = f.problem(jurors, 422, "validation")
    assert problem["errors"] == [
        {"loc": ["row", 1, "nama_lengkap"], "msg": _hidden_msg("U+0007 at position 5")}
    ]
    assert _counts(session) == before


# --- what is accepted prints ----------------------------------------------------------------


def test_accepted_names_print_on_the_piagam_as_sent(
    client: TestClient, session: Session, world: f.World
) -> None:
    h = world.admin.headers
    name = "Ni Putu Śānti Déwi — Αθήνα Київ"
    host = client.patch(world.url(), json={"host": "Pemerintah Kota Šolok"}, headers=h)
    assert host.status_code == 200, host.text
    entry = client.patch(
        world.url(f"/entries/{world.entries[1].id}"),
        json={"innovators": [{"name": name}]},
        headers=h,
    )
    assert entry.status_code == 200, entry.text
    session.expire_all()  # the API replaced the innovators under this session
    published(client, session, world)
    issued = client.post(world.url("/awards"), headers=h)
    assert issued.status_code == 201, issued.text
    cert = next(c for c in issued.json()["certificates"] if c["recipient_name"] == name)
    pdf = client.get(f"/api/v1/certificates/{cert['code']}.pdf")
    assert pdf.status_code == 200
    lines = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text().splitlines()
    assert name in lines
    assert "PEMERINTAH KOTA ŠOLOK" in lines
