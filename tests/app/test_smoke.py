from fastapi.testclient import TestClient

from tests.app import factories as f


def test_health_answers_ok(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_create_convention_answers_201_with_location(client: TestClient, admin: f.Login) -> None:
    response = client.post(
        "/api/v1/conventions", json={"name": "K", "year": 2018}, headers=admin.headers
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"/api/v1/conventions/{body['id']}"
    assert body["status"] == "draft"
    assert body["top_n"] == 10
    assert body["award_names"] == ["Juara I", "Juara II", "Juara III"]
    assert client.get(response.headers["location"], headers=admin.headers).json() == body


def test_world_is_isolated_per_test(client: TestClient, world: f.World) -> None:
    response = client.get("/api/v1/conventions", headers=world.admin.headers)
    assert response.json()["total"] == 1
