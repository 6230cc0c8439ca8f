"""Small typed factories. They flush and commit into the test's savepoint."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import (
    Account,
    AccountConvention,
    Convention,
    Criterion,
    Entry,
    Innovator,
    JurorConflict,
    Opd,
    Panel,
    Result,
    Sheet,
    Stage,
)
from app.security import hash_password, issue_token, new_credential_stamp
from app.services.stages import default_stage

_seq = itertools.count(1)
PASSWORD = "password-123"
NIP = "198001012005012001"
SECRET = "test-secret-key-that-is-long-enough-for-hs256"


@dataclass
class Login:
    account: Account
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def id(self) -> int:
        return self.account.id


def login(account: Account, secret: str, ttl: int = 3600) -> Login:
    return Login(account, issue_token(account, secret=secret, ttl_seconds=ttl))


_batching = False


@functools.cache
def password_hash() -> str:
    """PASSWORD's hash, computed once: hashing per account was a third of a world's time."""
    return hash_password(PASSWORD)


_T = TypeVar("_T")


def _save(session: Session, obj: _T) -> _T:
    session.add(obj)
    if not _batching:
        session.flush()
        session.commit()
    return obj


@contextmanager
def _batch(session: Session) -> Iterator[None]:
    """Factories inside only add; the caller flushes between stages, and one commit ends it
    (a flush and a savepoint per row were most of a world's round trips)."""
    global _batching
    _batching = True
    try:
        yield
    finally:
        _batching = False
    session.flush()
    session.commit()


def _account_values(role: str, name: str, overrides: dict[str, Any]) -> dict[str, Any]:
    """An account's columns: ``{name}{n}`` and ``{Name} {n}``, PASSWORD, then ``overrides``."""
    n = next(_seq)
    values: dict[str, Any] = {
        "username": f"{name}{n}",
        "full_name": f"{name.capitalize()} {n}",
        "role": role,
        "password_hash": password_hash(),
        "credential_stamp": new_credential_stamp(),
    }
    return values | overrides


def make_admin(session: Session, **overrides: Any) -> Account:
    return _save(session, Account(**_account_values("admin", "admin", overrides)))


def make_secretariat(session: Session, conventions: list[Convention], **overrides: Any) -> Account:
    """A ``secretariat`` account managing ``conventions``."""
    values = _account_values("secretariat", "sekretariat", overrides)
    account = Account(**values, scopes=[AccountConvention(convention_id=c.id) for c in conventions])
    return _save(session, account)


def make_convention(session: Session, **overrides: Any) -> Convention:
    """A convention with its one stage, UTAMA, as the API creates it."""
    values: dict[str, Any] = {"name": f"Konvensi {next(_seq)}", "year": 2018}
    values.update(overrides)
    convention = Convention(**values)
    session.add(convention)
    session.flush()
    session.add(default_stage(convention.id))
    session.flush()
    session.refresh(convention, ["stages"])
    if not _batching:
        session.commit()
    return convention


def first_stage_id(session: Session, convention_id: int) -> int:
    stage_id = session.scalar(
        select(Stage.id)
        .where(Stage.convention_id == convention_id)
        .order_by(Stage.position, Stage.id)
        .limit(1)
    )
    assert stage_id is not None
    return stage_id


def make_criterion(session: Session, convention: Convention, **overrides: Any) -> Criterion:
    n = next(_seq)
    values: dict[str, Any] = {
        "code": f"C{n}",
        "name": f"Criterion {n}",
        "weight": 1.0,
        "min_score": 0.0,
        "max_score": 10.0,
    }
    values.update(overrides)
    values.setdefault("stage_id", first_stage_id(session, convention.id))
    return _save(session, Criterion(convention_id=convention.id, **values))


def make_panel(session: Session, convention: Convention, **overrides: Any) -> Panel:
    values: dict[str, Any] = {"name": f"Panel {next(_seq)}", "weight": 1.0}
    values.update(overrides)
    return _save(session, Panel(convention_id=convention.id, **values))


def make_opd(session: Session, convention: Convention, **overrides: Any) -> Opd:
    n = next(_seq)
    values: dict[str, Any] = {"code": f"OPD{n}", "name": f"Dinas {n}"}
    values.update(overrides)
    return _save(session, Opd(convention_id=convention.id, **values))


def make_entry(session: Session, convention: Convention, opd: Opd, **overrides: Any) -> Entry:
    n = next(_seq)
    innovators = overrides.pop("innovators", [("Inovator " + str(n), NIP)])
    values: dict[str, Any] = {
        "title": f"Inovasi {n}",
        "acronym": f"INV{n}",
        "category": "teknologi",
    }
    values.update(overrides)
    entry = Entry(
        convention_id=convention.id,
        opd_id=opd.id,
        **values,
        innovators=[
            Innovator(position=i, name=name, nip=nip) for i, (name, nip) in enumerate(innovators)
        ],
    )
    return _save(session, entry)


def make_juror(
    session: Session,
    convention: Convention,
    panel: Panel,
    *,
    conflicts: tuple[Opd, ...] = (),
    **overrides: Any,
) -> Account:
    values = _account_values("juror", "juror", overrides)
    juror = Account(
        convention_id=convention.id,
        panel_id=panel.id,
        **values,
        conflicts=[JurorConflict(opd_id=opd.id) for opd in conflicts],
    )
    return _save(session, juror)


@dataclass
class World:
    """A convention ready to judge: criteria A (weight 3, tie-break 1) and B (weight 1),
    both 0..10; panels K and L; OPDs; three entries; jurors k1, k2 (K) and l1 (L)."""

    convention: Convention
    admin: Login
    criteria: list[Criterion]
    panels: list[Panel]
    opds: list[Opd]
    entries: list[Entry]
    jurors: list[Login]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def cid(self) -> int:
        return self.convention.id

    def url(self, path: str = "") -> str:
        return f"/api/v1/conventions/{self.convention.id}{path}"


def make_world(session: Session, secret: str, *, status: str = "draft") -> World:
    convention = make_convention(
        session,
        name="Konvensi Inovasi Daerah Kota Solok 2018",
        letter_code="KIP-SLK",
        status=status,
    )
    with _batch(session):
        world = _fill_world(session, convention)
    return World(
        convention,
        login(world["admin"], secret),
        world["criteria"],
        world["panels"],
        world["opds"],
        world["entries"],
        [login(juror, secret) for juror in world["jurors"]],
    )


def _fill_world(session: Session, convention: Convention) -> dict[str, Any]:
    criteria = [
        make_criterion(
            session, convention, code="A", name="Kebaruan", weight=3.0, tie_break_rank=1
        ),
        make_criterion(session, convention, code="B", name="Kemanfaatan", weight=1.0),
    ]
    panels = [make_panel(session, convention, name="K"), make_panel(session, convention, name="L")]
    opds = [
        make_opd(session, convention, code="BAPPEDA"),
        make_opd(session, convention, code="DINKES"),
    ]
    session.flush()  # entries and jurors need the OPDs' and panels' ids
    entries = [
        make_entry(session, convention, opds[0], title="FASTREN"),
        make_entry(session, convention, opds[1], title="SMASH CARE'S"),
        make_entry(session, convention, opds[0], title="Tiga"),
    ]
    jurors = [
        make_juror(session, convention, panels[0], username=f"k1-{convention.id}"),
        make_juror(session, convention, panels[0], username=f"k2-{convention.id}"),
        make_juror(session, convention, panels[1], username=f"l1-{convention.id}"),
    ]
    admin = make_admin(session)
    return {
        "criteria": criteria,
        "panels": panels,
        "opds": opds,
        "entries": entries,
        "jurors": jurors,
        "admin": admin,
    }


def set_status(session: Session, convention: Convention, status: str) -> None:
    convention.status = status
    session.flush()
    session.commit()


def problem(response: Any, status: int, name: str) -> dict[str, Any]:
    """Assert a problem+json answer of the given status and type; return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body: dict[str, Any] = response.json()
    assert body["type"] == f"/problems/{name}", body
    assert body["status"] == status
    assert body["title"] and body["detail"]
    return body


def make_sheet(
    session: Session,
    juror: Account,
    entry: Entry,
    scores: dict[str, float],
    *,
    status: str = "submitted",
    version: int = 1,
    stage_id: int | None = None,
) -> Sheet:
    return _save(
        session,
        Sheet(
            convention_id=entry.convention_id,
            juror_id=juror.id,
            entry_id=entry.id,
            stage_id=stage_id or first_stage_id(session, entry.convention_id),
            scores=scores,
            status=status,
            version=version,
        ),
    )


def make_result(session: Session, convention: Convention, **overrides: Any) -> Result:
    """Publication as the results service records it: one Result row, of no rows."""
    values: dict[str, Any] = {
        "convention_id": convention.id,
        "method": "mean",
        "top_n": convention.top_n,
        "rows": [],
        "warnings": [],
        "rubric": {},
        "sheets_digest": "0" * 64,
        "sheet_count": 0,
        "incomplete_entry_ids": [],
    }
    return _save(session, Result(**(values | overrides)))


# --- the API: request bodies, and answers every resource gives alike ------------------------

OPD_BODY = {"code": "DISKOMINFO", "name": "Dinas Komunikasi dan Informatika"}
ACCOUNT_PASSWORD = "rahasia-panjang-sekali"
CRITERION_BODY = {"code": "KEBARUAN", "name": "Kebaruan", "weight": 25, "max_score": 10}


def entry_body(world: World, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Lahir Pulang OK",
        "opd_id": world.opds[1].id,
        "category": "proses",
        "acronym": "LANGKOK",
        "summary": "Bayi yang baru lahir langsung memperoleh akta kelahiran.",
        "innovators": [{"name": "Rina Marlina", "nip": NIP}, {"name": "Tim Dukcapil"}],
    }
    return body | overrides


def juror_body(world: World, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "username": "juri.lan.9",
        "password": "rahasia-panjang",
        "full_name": "Dr. Juri LAN",
        "panel_id": world.panels[1].id,
        "conflict_opd_ids": [world.opds[0].id],
    }
    return body | overrides


def account_body(**overrides: Any) -> dict[str, Any]:
    """A secretariat account of no convention, as an admin creates it."""
    body: dict[str, Any] = {
        "username": "sekretariat.solok",
        "password": ACCOUNT_PASSWORD,
        "full_name": "Sekretariat Kota Solok",
        "role": "secretariat",
        "convention_ids": [],
    }
    return body | overrides


def error_locs(body: dict[str, Any]) -> list[list[Any]]:
    """The ``loc`` of each error of a validation problem."""
    return [error["loc"] for error in body["errors"]]


def names_field(body: dict[str, Any], *loc: Any) -> bool:
    """Whether a validation problem names the body's ``loc`` (or a place inside it)."""
    return any(error[: len(loc) + 1] == ["body", *loc] for error in error_locs(body))


def read_me(client: Any, login: Login, role: str) -> dict[str, Any]:
    """GET /me as ``login``: assert a 200 naming its account and ``role``; return the rest."""
    response = client.get("/api/v1/me", headers=login.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    account = login.account
    names = {"id": account.id, "username": account.username, "full_name": account.full_name}
    assert {key: body.pop(key) for key in (*names, "role")} == names | {"role": role}
    return body


def revoke(client: Any, world: World, cert_id: int, reason: str = "Nama salah") -> dict[str, Any]:
    """Revoke a certificate as the admin; assert a 200; return the certificate."""
    response = client.post(
        world.url(f"/certificates/{cert_id}/revoke"),
        json={"reason": reason},
        headers=world.admin.headers,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def created(response: Any, collection: str) -> dict[str, Any]:
    """Assert a 201 whose Location is the new item's, in ``collection``; return the item."""
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    assert response.headers["location"] == f"{collection}/{body['id']}"
    return body


def create(client: Any, world: World, collection: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST ``body`` to the convention's ``collection`` as the admin; assert it is created and
    reads back the same from its Location; return it."""
    response = client.post(world.url(collection), json=body, headers=world.admin.headers)
    made = created(response, world.url(collection))
    assert client.get(response.headers["location"], headers=world.admin.headers).json() == made
    return made


def assert_deleted(client: Any, url: str, login: Login) -> None:
    """DELETE ``url`` answers 204, then GET it answers 404."""
    assert client.delete(url, headers=login.headers).status_code == 204
    problem(client.get(url, headers=login.headers), 404, "not-found")


def assert_kept_in_use(client: Any, url: str, login: Login) -> None:
    """DELETE ``url`` answers 409 in-use, and it is still there."""
    problem(client.delete(url, headers=login.headers), 409, "in-use")
    assert client.get(url, headers=login.headers).status_code == 200
