"""Real servers for the slow tests: ``konvensi serve`` as a subprocess on a free loopback port,
each with its own database, and the small HTTP helpers the tests share. Every test of this
folder is marked slow here.

Every process a test starts runs in its own process group and is killed (SIGKILL after a short
grace) when the test ends, passes or fails. Every test is bounded by an alarm.
"""

from __future__ import annotations

import shutil
import signal
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import ENGINES
from tests.support.postgres import POSTGRES_URL, create_database, drop_database
from tests.support.server import ADMIN, Server, migrate, server_pool

JUROR_PASSWORD = "juror-password-123"
# A test that runs longer than this fails (its processes are still killed by the fixtures).
TEST_TIME_LIMIT = 240


@pytest.fixture(autouse=True)
def _time_limit(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a slow test that overruns instead of letting it hang CI."""
    marker = request.node.get_closest_marker("time_limit")
    limit = int(marker.args[0]) if marker else TEST_TIME_LIMIT

    def _overrun(_signum: int, _frame: Any) -> None:
        raise TimeoutError(f"{request.node.nodeid} ran over its {limit} s limit")

    previous = signal.signal(signal.SIGALRM, _overrun)
    signal.alarm(limit)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "time_limit(seconds): the slow test's own time limit")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test of this folder is slow (before ``-m`` selects by marks)."""
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.slow)


# --- databases -----------------------------------------------------------------------------


@dataclass
class Databases:
    """Makes empty databases of one engine and drops them at the end of the test."""

    kind: str
    tmp: Path
    made: list[str] = field(default_factory=list)

    def new(self, *, migrated: bool = True) -> str:
        if self.kind == "sqlite":
            path = self.tmp / f"konvensi-{len(self.made)}.db"
            url = f"sqlite:///{path}"
        else:
            assert POSTGRES_URL
            url = create_database(POSTGRES_URL, "konvensi_slow")
        self.made.append(url)
        if migrated:
            migrate(url)
        return url

    def drop_all(self) -> None:
        for url in self.made:
            if url.startswith("postgresql"):
                drop_database(url)


@pytest.fixture(scope="module", params=ENGINES)
def databases(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Databases]:
    """Databases of one engine (each test module runs once per engine), dropped at its end."""
    if request.param == "postgresql" and not POSTGRES_URL:
        pytest.skip("KONVENSI_TEST_POSTGRES_URL is not set")
    dbs = Databases(request.param, tmp_path_factory.mktemp(request.param))
    try:
        yield dbs
    finally:
        dbs.drop_all()


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Start servers; every one of them is stopped when the test ends."""
    with server_pool(tmp_path) as start:
        yield start


@pytest.fixture(scope="module")
def module_servers(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., Server]]:
    """Start servers shared by a module's tests; stopped when the module ends."""
    with server_pool(tmp_path_factory.mktemp("servers")) as start:
        yield start


@pytest.fixture(scope="module")
def server(
    module_servers: Callable[..., Server], tmp_path_factory: pytest.TempPathFactory
) -> Server:
    """One ``konvensi serve`` (one worker) for a module's browser tests, on a migrated SQLite
    file of its own: the pages are clients of the API, which is proven on both engines
    elsewhere."""
    url = f"sqlite:///{tmp_path_factory.mktemp('served') / 'konvensi.db'}"
    migrate(url)
    return module_servers(url, workers=1)


# --- HTTP ----------------------------------------------------------------------------------


def client(base_url: str, token: str | None = None, timeout: float = 15.0) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=base_url, headers=headers, timeout=timeout)


def login(base_url: str, username: str, password: str) -> str:
    with client(base_url) as c:
        response = c.post("/api/v1/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def attempt(base_url: str, username: str, password: str, address: str) -> httpx.Response:
    """A login as from ``address``: the service trusts X-Forwarded-For from its loopback
    proxy, as uvicorn does by default. Hashing may wait behind others: a long timeout."""
    with client(base_url, timeout=60) as c:
        return c.post(
            "/api/v1/auth/token",
            data={"username": username, "password": password},
            headers={"X-Forwarded-For": address},
        )


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.status_code} {response.text}"
    return response.json() if response.content else None


@dataclass
class Juror:
    id: int
    username: str
    token: str


@dataclass
class Convention:
    """A convention in ``judging``, seeded through the secretariat's API."""

    cid: int
    admin_token: str
    codes: list[str]
    criterion_ids: list[int]
    panel_ids: list[int]
    opd_ids: list[int]
    entry_ids: list[int]
    jurors: list[Juror]

    def url(self, path: str = "") -> str:
        return f"/api/v1/conventions/{self.cid}{path}"

    def sheet_url(self, entry_id: int) -> str:
        return self.url(f"/jurors/me/sheets/{entry_id}")


def seed_convention(
    base_url: str,
    *,
    entries: int = 4,
    jurors: int = 2,
    status: str = "judging",
    innovators: bool = True,
) -> Convention:
    """A convention with 3 criteria (0..10), 2 panels, 2 OPDs, entries and logged-in jurors."""
    admin_token = login(base_url, *ADMIN)
    tag = uuid.uuid4().hex[:6]
    with client(base_url, admin_token) as c:
        cid = ok(
            c.post(
                "/api/v1/conventions",
                json={"name": f"Konvensi Inovasi {tag}", "year": 2018, "letter_code": "KIP-SLK"},
            ),
            201,
        )["id"]
        base = f"/api/v1/conventions/{cid}"
        codes = ["KEBARUAN", "KEMANFAATAN", "REPLIKASI"]
        criterion_ids = []
        for rank, code in enumerate(codes, start=1):
            body = {"code": code, "name": code.title(), "weight": 1.0 + rank, "max_score": 10}
            made_criterion = ok(
                c.post(f"{base}/criteria", json={**body, "tie_break_rank": rank}), 201
            )
            criterion_ids.append(made_criterion["id"])
        panel_ids = [
            ok(c.post(f"{base}/panels", json={"name": name}), 201)["id"]
            for name in ("KemenPAN-RB", "LAN")
        ]
        opd_ids = [
            ok(c.post(f"{base}/opds", json={"code": code, "name": f"Dinas {code}"}), 201)["id"]
            for code in ("BAPPEDA", "DINKES")
        ]
        entry_ids = []
        for n in range(entries):
            body = {
                "title": f"Inovasi {n} «Solok»",
                "acronym": f"INV{n}",
                "opd_id": opd_ids[n % 2],
                "category": "teknologi",
                "innovators": [{"name": f"Inovator {n}", "nip": "198001012005012001"}]
                if innovators
                else [],
            }
            entry_ids.append(ok(c.post(f"{base}/entries", json=body), 201)["id"])
        made = []
        for n in range(jurors):
            username = f"juri{n}-{tag}"
            body = {
                "username": username,
                "password": JUROR_PASSWORD,
                "full_name": f"Juri {n}",
                "panel_id": panel_ids[n % 2],
            }
            made.append((ok(c.post(f"{base}/jurors", json=body), 201)["id"], username))
        if status != "draft":
            ok(c.patch(base, json={"status": "judging"}))
        if status == "closed":
            ok(c.patch(base, json={"status": "closed"}))
    logged_in = [Juror(id_, name, login(base_url, name, JUROR_PASSWORD)) for id_, name in made]
    return Convention(
        cid, admin_token, codes, criterion_ids, panel_ids, opd_ids, entry_ids, logged_in
    )


def audit_of(
    base_url: str, convention: Convention, juror_id: int, entry_id: int
) -> list[dict[str, Any]]:
    """Every audit event of one sheet, oldest first."""
    events: list[dict[str, Any]] = []
    with client(base_url, convention.admin_token) as c:
        while True:
            page = ok(
                c.get(
                    convention.url("/audit"),
                    params={
                        "juror_id": juror_id,
                        "entry_id": entry_id,
                        "limit": 500,
                        "offset": len(events),
                    },
                )
            )
            events.extend(page["items"])
            if len(events) >= page["total"] or not page["items"]:
                return events


def sheet_view(sheet: dict[str, Any]) -> dict[str, Any]:
    """What a write decides: compared between an acknowledgement and what is stored."""
    return {
        "scores": {code: float(v) for code, v in sheet["scores"].items()},
        "comment": sheet["comment"],
        "status": sheet["status"],
        "version": sheet["version"],
    }


def which(program: str) -> str | None:
    """A PostgreSQL program: on PATH, or in Debian's versioned directory."""
    found = shutil.which(program)
    if found:
        return found
    for bindir in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (bindir / program).exists():
            return str(bindir / program)
    return None
