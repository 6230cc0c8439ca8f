"""A real server seeded through its API to published results with awards and certificates
(`konvensi migrate` and `konvensi serve` on a temporary SQLite file, by tests.support.server)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

# Where the tests of other branches still look for it; its home is tests.support.browser.
from tests.support.browser import require_tool as require_tool
from tests.support.server import Server, free_port, migrate, serve_command, server_env

ADMIN = "sekretariat"
ADMIN_PASSWORD = "rahasia-sekretariat-1"
JUROR_PASSWORD = "rahasia-juri-1"
# An innovator's name a browser must show as text, never run.
HOSTILE_NAME = "<script>alert('x')</script> Rina & Budi'); DROP TABLE certificate;--"


@dataclass
class LiveServer:
    url: str
    env: dict[str, str]
    token: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@contextmanager
def live_server(tmp: Path) -> Iterator[LiveServer]:
    """``konvensi migrate`` and ``konvensi serve`` on a new SQLite file, seeded through the API."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    database_url = f"sqlite:///{tmp / 'live.db'}"
    env = server_env(
        database_url,
        secret="live-test-secret-key-long-enough-for-hs256",
        admin=(ADMIN, ADMIN_PASSWORD),
        KONVENSI_PUBLIC_URL=url,
    )
    migrate(database_url, env)
    with Server(serve_command(), env, log_dir=tmp, port=port):
        server = LiveServer(url, env)
        seed(server)
        yield server


def _ok(response: httpx.Response) -> Any:
    assert response.is_success, f"{response.request.method} {response.request.url}: {response.text}"
    return response.json() if response.content else None


def _login(client: httpx.Client, username: str, password: str) -> str:
    body = _ok(client.post("/api/v1/auth/token", data={"username": username, "password": password}))
    token: str = body["access_token"]
    return token


def seed(server: LiveServer) -> None:
    """Through the API: a convention judged by one juror, two entries, results published
    (top 1), awards and certificates issued, one certificate revoked."""
    with httpx.Client(base_url=server.url, timeout=30) as client:
        server.token = _login(client, ADMIN, ADMIN_PASSWORD)
        client.headers["Authorization"] = f"Bearer {server.token}"
        convention = _ok(
            client.post(
                "/api/v1/conventions",
                json={
                    "name": "Konvensi Inovasi Daerah Kota Solok 2018",
                    "year": 2018,
                    "host": "Pemerintah Kota Solok",
                    "top_n": 1,
                    "letter_code": "KIP-SLK",
                    "city": "Solok",
                    "signatory_name": "Zul Elfian",
                    "signatory_title": "Wali Kota Solok",
                },
            )
        )
        base = f"/api/v1/conventions/{convention['id']}"
        _ok(
            client.post(
                f"{base}/criteria",
                json={"code": "A", "name": "Kebaruan", "weight": 1, "max_score": 10},
            )
        )
        panel = _ok(client.post(f"{base}/panels", json={"name": "KemenPAN-RB"}))
        opd = _ok(
            client.post(
                f"{base}/opds",
                json={"code": "BAPPEDA", "name": "Badan Perencanaan Pembangunan Daerah"},
            )
        )
        first = _ok(
            client.post(
                f"{base}/entries",
                json={
                    "title": "Fasilitator Perencanaan Teladan",
                    "acronym": "FASTREN",
                    "opd_id": opd["id"],
                    "category": "sdm",
                    "innovators": [
                        {"name": "Rina Marlina", "nip": "198001012005012001"},
                        {"name": HOSTILE_NAME},
                    ],
                },
            )
        )
        second = _ok(
            client.post(
                f"{base}/entries",
                json={
                    "title": "Lahir Pulang OK",
                    "acronym": "LANGKOK",
                    "opd_id": opd["id"],
                    "category": "proses",
                    "innovators": [{"name": "Siti Aminah"}],
                },
            )
        )
        _ok(
            client.post(
                f"{base}/jurors",
                json={
                    "username": "juri1",
                    "password": JUROR_PASSWORD,
                    "full_name": "Juri Satu",
                    "panel_id": panel["id"],
                },
            )
        )
        _ok(client.patch(base, json={"status": "judging"}))
        juror = {"Authorization": f"Bearer {_login(client, 'juri1', JUROR_PASSWORD)}"}
        for entry, score in ((first, 9), (second, 6)):
            _ok(
                client.put(
                    f"{base}/jurors/me/sheets/{entry['id']}",
                    json={"scores": {"A": score}, "submit": True},
                    headers=juror,
                )
            )
        _ok(client.patch(base, json={"status": "closed"}))
        _ok(client.post(f"{base}/results", json={"method": "mean"}))
        issued = _ok(client.post(f"{base}/awards"))
        certificates = {c["recipient_name"]: c for c in issued["certificates"]}
        revoked = certificates["Siti Aminah"]
        _ok(
            client.post(
                f"{base}/certificates/{revoked['id']}/revoke", json={"reason": "Data keliru"}
            )
        )
        server.data = {
            "convention_id": convention["id"],
            "certificates": certificates,
            "valid": certificates["Rina Marlina"],
            "hostile": certificates[HOSTILE_NAME],
            "revoked": revoked,
            "awards": issued["awards"],
        }
