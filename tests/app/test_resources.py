"""What the resources of the API do alike, as tables of cases: creating one without a required
field, or with a bad value, is a 422 validation problem naming the field and makes nothing;
deleting one nothing refers to is a 204, then a 404; deleting one in use is a 409 and keeps it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Account, Convention, Criterion, Entry, Opd, Panel
from tests.app import factories as f

NIP = f.NIP


@dataclass(frozen=True)
class Resource:
    model: type[Any]
    path: str  # under the world's convention, or a whole path when it starts at /api
    body: Callable[[f.World], dict[str, Any]]

    def url(self, world: f.World) -> str:
        return self.path if self.path.startswith("/api") else world.url(self.path)


RESOURCES = {
    "account": Resource(Account, "/api/v1/accounts", lambda _world: f.account_body()),
    "convention": Resource(
        Convention, "/api/v1/conventions", lambda _world: {"name": "K", "year": 2018}
    ),
    "criterion": Resource(Criterion, "/criteria", lambda _world: dict(f.CRITERION_BODY)),
    "entry": Resource(Entry, "/entries", f.entry_body),
    "juror": Resource(Account, "/jurors", f.juror_body),
    "opd": Resource(Opd, "/opds", lambda _world: dict(f.OPD_BODY)),
    "panel": Resource(Panel, "/panels", lambda _world: {"name": "X", "weight": 1}),
}

REQUIRED = {
    "convention": ["name", "year"],
    "criterion": ["code", "name", "weight", "max_score"],
    "entry": ["title", "opd_id", "category"],
    "juror": ["username", "password", "full_name", "panel_id"],
    "opd": ["code", "name"],
    "panel": ["name"],
}

BAD: dict[str, list[tuple[str, Any]]] = {
    "account": [
        ("role", "juror"),
        ("role", "root"),
        ("password", "short-pw"),
        ("password", " " * 12),
        ("password", "x" * 257),
        ("username", "ab"),
        ("username", "nama dengan spasi"),
        ("full_name", ""),
        ("convention_ids", [1, 1]),
        ("convention_ids", ["1"]),
    ],
    "convention": [
        ("year", "2018"),
        ("year", 2018.5),
        ("year", True),
        ("year", None),
        ("year", 1899),
        ("year", 10**20),
        ("name", ""),
        ("name", "   "),
        ("name", 42),
        ("name", "x" * 201),
        ("name", None),
        ("host", "x" * 201),
        ("top_n", True),
        ("top_n", "10"),
        ("top_n", 0),
        ("top_n", -1),
        ("top_n", 1.5),
        ("zscore_min_sheets", False),
        ("zscore_min_sheets", 0),
        ("letter_code", ""),
        ("letter_code", "KIP/SLK"),
        ("letter_code", "x" * 41),
        ("award_names", "Juara I"),
        ("award_names", [""]),
        ("award_names", [1, 2]),
        ("award_names", ["x" * 101]),
        ("unknown_field", 1),
        # A number is not read as a Unix timestamp (found by the fuzz test).
        ("ceremony_date", -1.1e-308),
        ("ceremony_date", 0),
        ("ceremony_date", "20 Mei 2018"),
        ("judging_deadline", 1527000000),
        ("judging_deadline", "2018-05-20T10:00:00"),
    ],
    "criterion": [
        ("weight", 0),
        ("weight", -1),
        ("weight", "25"),
        ("weight", True),
        ("weight", None),
        ("min_score", "0"),
        ("max_score", False),
        ("step", 0),
        ("step", -0.5),
        ("tie_break_rank", 0),
        ("tie_break_rank", -1),
        ("tie_break_rank", 1.5),
        ("tie_break_rank", "1"),
        ("code", ""),
        ("code", "with space"),
        ("code", "x" * 33),
        ("name", "x" * 201),
        ("description", "x" * 20_001),
        ("colour", "red"),
    ],
    "entry": [
        ("category", "inovasi"),
        ("category", "Teknologi"),
        ("category", ""),
        ("category", None),
        ("title", ""),
        ("title", "x" * 301),
        ("acronym", "x" * 101),
        ("opd_id", "1"),
        ("opd_id", True),
        ("opd_id", 1.0),
        ("innovators", "Rina"),
        ("innovators", [{"nip": NIP}]),
        ("innovators", [{"name": "R", "nip": NIP, "role": "ketua"}]),
        ("owner", "x"),
    ],
    "juror": [
        ("password", "1234567"),
        ("password", "123456789"),
        ("password", " " * 10),
        ("password", "\t \n" * 4),
        ("password", ""),
        ("password", 12345678),
        ("password", "x" * 257),
        ("username", "ab"),
        ("username", "juri lan"),
        ("username", "x" * 65),
        ("username", ""),
        ("full_name", ""),
        ("full_name", "x" * 201),
        ("panel_id", "1"),
        ("panel_id", None),
        ("conflict_opd_ids", "1"),
        ("conflict_opd_ids", [1, 1]),
        ("conflict_opd_ids", ["1"]),
        ("role", "admin"),
        ("convention_id", 1),
    ],
    "opd": [
        ("code", ""),
        ("code", "DINAS KESEHATAN"),
        ("code", "-X"),
        ("code", "x" * 33),
        ("code", 7),
        ("name", ""),
        ("name", "x" * 201),
        ("name", ["Dinas"]),
        ("head", "Kepala"),
    ],
    "panel": [
        ("weight", 0),
        ("weight", -2),
        ("weight", "1"),
        ("weight", True),
        ("name", ""),
        ("name", "x" * 101),
        ("name", None),
        ("size", 3),
    ],
}


def create_is_422(
    client: TestClient, session: Session, world: f.World, kind: str, body: dict[str, Any]
) -> dict[str, Any]:
    """POST ``body`` as the admin; assert a validation problem and no new row; return it."""
    resource = RESOURCES[kind]
    count = select(func.count()).select_from(resource.model)
    before = session.scalar(count)
    response = client.post(resource.url(world), json=body, headers=world.admin.headers)
    problem = f.problem(response, 422, "validation")
    assert session.scalar(count) == before
    return problem


@pytest.mark.parametrize(
    ("kind", "missing"), [(kind, name) for kind, names in REQUIRED.items() for name in names]
)
def test_create_without_required_field_is_422_naming_it(
    client: TestClient, session: Session, world: f.World, kind: str, missing: str
) -> None:
    body = RESOURCES[kind].body(world)
    del body[missing]
    problem = create_is_422(client, session, world, kind, body)
    assert ["body", missing] in f.error_locs(problem), problem


@pytest.mark.parametrize(
    ("kind", "field", "value"),
    [(kind, field, value) for kind, rows in BAD.items() for field, value in rows],
)
def test_create_with_bad_field_is_422_naming_it(
    client: TestClient, session: Session, world: f.World, kind: str, field: str, value: Any
) -> None:
    body = RESOURCES[kind].body(world) | {field: value}
    problem = create_is_422(client, session, world, kind, body)
    assert f.error_locs(problem)[0][:2] == ["body", field], problem


# --- delete ---------------------------------------------------------------------------------

# Each makes or picks an item of the world and answers its path under the convention.
UNUSED: dict[str, Callable[[Session, f.World], str]] = {
    "opd": lambda session, world: f"/opds/{f.make_opd(session, world.convention).id}",
    "panel": lambda session, world: f"/panels/{f.make_panel(session, world.convention).id}",
}


def _opd_in_a_conflict(session: Session, world: f.World) -> str:
    opd = f.make_opd(session, world.convention)
    f.make_juror(session, world.convention, world.panels[0], conflicts=(opd,))
    return f"/opds/{opd.id}"


IN_USE: dict[str, Callable[[Session, f.World], str]] = {
    "opd-with-entries": lambda _session, world: f"/opds/{world.opds[0].id}",
    "opd-with-conflicts": _opd_in_a_conflict,
    "panel-with-jurors": lambda _session, world: f"/panels/{world.panels[1].id}",
}


@pytest.mark.parametrize("kind", UNUSED)
def test_delete_unused_is_204_then_404(
    client: TestClient, session: Session, world: f.World, kind: str
) -> None:
    f.assert_deleted(client, world.url(UNUSED[kind](session, world)), world.admin)


@pytest.mark.parametrize("kind", IN_USE)
def test_delete_in_use_is_409_and_keeps_it(
    client: TestClient, session: Session, world: f.World, kind: str
) -> None:
    f.assert_kept_in_use(client, world.url(IN_USE[kind](session, world)), world.admin)
