"""Real servers for the slow tests: ``konvensi serve`` as a subprocess on a free loopback port,
each with its own database, and the small HTTP helpers the tests share.

Every process a test starts runs in its own process group and is killed (SIGKILL after a short
grace) when the test ends, passes or fails. Every test is bounded by an alarm.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get("KONVENSI_TEST_POSTGRES_URL")
SECRET = "slow-test-secret-key-long-enough-for-hs256"
ADMIN = ("sekretariat", "admin-password-123")
JUROR_PASSWORD = "juror-password-123"
ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
# A test that runs longer than this fails (its processes are still killed by the fixtures).
TEST_TIME_LIMIT = 240


def konvensi_command() -> list[str]:
    script = Path(sys.executable).with_name("konvensi")
    return [str(script)] if script.exists() else [sys.executable, "-m", "app.cli"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


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


# --- databases -----------------------------------------------------------------------------


def _admin_engine(url: str) -> Any:
    server = make_url(url).set(database="postgres")
    return create_engine(server, isolation_level="AUTOCOMMIT")


def create_postgres_database(url: str) -> str:
    """A new empty database ``konvensi_slow_*`` on the server of ``url``."""
    name = f"konvensi_slow_{uuid.uuid4().hex[:10]}"
    engine = _admin_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    name = make_url(url).database
    assert name and name.startswith("konvensi_slow_"), name
    engine = _admin_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


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
            url = create_postgres_database(POSTGRES_URL)
        self.made.append(url)
        if migrated:
            migrate(url)
        return url

    def drop_all(self) -> None:
        for url in self.made:
            if url.startswith("postgresql"):
                drop_postgres_database(url)


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


def migrate(url: str) -> None:
    """``konvensi migrate``, as an operator runs it."""
    subprocess.run(
        [*konvensi_command(), "migrate"],
        env=server_env(url),
        check=True,
        capture_output=True,
        timeout=120,
    )


# --- servers -------------------------------------------------------------------------------


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KONVENSI_")}
    env.update(
        KONVENSI_DATABASE_URL=database_url,
        KONVENSI_SECRET_KEY=SECRET,
        KONVENSI_ADMIN_USERNAME=ADMIN[0],
        KONVENSI_ADMIN_PASSWORD=ADMIN[1],
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


class Server:
    """``konvensi serve`` in its own process group, on a free loopback port."""

    def __init__(
        self,
        database_url: str,
        log_dir: Path,
        *,
        workers: int = 2,
        env: dict[str, str] | None = None,
    ) -> None:
        self.database_url = database_url
        self.workers = workers
        self.env = env or {}
        self.log_dir = log_dir
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0, *, same_port: bool = False) -> Server:
        """Start (or restart) the server; ``same_port`` keeps its address, as a browser that
        loaded a page from it expects after a restart."""
        assert self.proc is None, "already running"
        if not (same_port and self.port):
            self.port = free_port()
        self.starts += 1
        log = (self.log_dir / f"server-{self.port}-{self.starts}.log").open("wb")
        cmd = [*konvensi_command(), "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        self.proc = subprocess.Popen(
            [*cmd, "--workers", str(self.workers)],
            env=server_env(self.database_url, **self.env),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited at start:\n{self.log_tail()}")
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the server did not answer /health within {timeout} s")

    def kill(self) -> None:
        """SIGKILL the whole process group: the supervisor and every worker."""
        self._signal_group(signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait(timeout=10)
            self.proc = None

    def stop(self) -> None:
        """SIGTERM, then SIGKILL whatever is left after a short grace."""
        if self.proc is None:
            return
        self._signal_group(signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        self.kill()

    def _signal_group(self, sig: signal.Signals) -> None:
        if self.proc is None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)
        if sig == signal.SIGKILL:
            # Workers may outlive the leader for a moment; the group is gone once none answers.
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                self.proc.poll()  # reap the leader: a zombie still counts as the group's member
                try:
                    os.killpg(self.proc.pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)

    def log_tail(self, lines: int = 40) -> str:
        logs = sorted(self.log_dir.glob("server-*.log"), key=lambda p: p.stat().st_mtime)
        if not logs:
            return ""
        return "\n".join(logs[-1].read_text(errors="replace").splitlines()[-lines:])

    def log_text(self) -> str:
        return "\n".join(
            p.read_text(errors="replace") for p in sorted(self.log_dir.glob("server-*.log"))
        )


@contextmanager
def _server_pool(tmp: Path) -> Iterator[Callable[..., Server]]:
    started: list[Server] = []

    def start(database_url: str, *, workers: int = 2, env: dict[str, str] | None = None) -> Server:
        log_dir = tmp / f"server-{len(started)}"
        log_dir.mkdir()
        server = Server(database_url, log_dir, workers=workers, env=env)
        started.append(server)
        return server.start()

    try:
        yield start
    finally:
        for server in started:
            server.stop()


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Start servers; every one of them is stopped when the test ends."""
    with _server_pool(tmp_path) as start:
        yield start


@pytest.fixture(scope="module")
def module_servers(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., Server]]:
    """Start servers shared by a module's tests; stopped when the module ends."""
    with _server_pool(tmp_path_factory.mktemp("servers")) as start:
        yield start


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
