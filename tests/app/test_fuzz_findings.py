"""What the schemathesis run of tests/slow/test_fuzz.py found, kept as fast regressions."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.app import factories as f


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/certificates/AAAAAAAAAAAA%00A",
        "/api/v1/certificates/AAAAAAAAAAAA%00A.pdf",
        "/api/v1/certificates/AAAAAAAAAAAA-AAA",
    ],
)
def test_certificate_code_that_is_not_base32_is_404(client: TestClient, path: str) -> None:
    # A NUL reached PostgreSQL, which cannot compare it: a 500 there.
    f.problem(client.get(path), 404, "not-found")


def test_verify_page_of_code_with_nul_is_404_page(client: TestClient) -> None:
    response = client.get("/verify/AAAAAAAAAAAA%00A")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


def test_audit_filter_by_action_with_nul_is_422(client: TestClient, world: f.World) -> None:
    response = client.get(world.url("/audit?action=sheet%00.save"), headers=world.admin.headers)
    body = f.problem(response, 422, "validation")
    assert body["errors"][0]["loc"] == ["query", "action"]


def test_audit_filter_by_action_still_filters(client: TestClient, world: f.World) -> None:
    response = client.get(world.url("/audit?action=sheet.submit"), headers=world.admin.headers)
    assert response.status_code == 200, response.text
    assert response.json()["items"] == []
