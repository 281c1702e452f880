"""/healthz: what load balancers, compose and `make run`'s smoke test probe."""

import pytest

pytestmark = pytest.mark.django_db


def test_healthy_answers_200_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    # A cached "ok" would hide an outage.
    assert "no-cache" in response["Cache-Control"]


def test_unreachable_redis_broker_answers_503_naming_the_broker(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == "ok"
    assert body["broker"].startswith("error")


def test_unwritable_filesystem_broker_answers_503(client, settings, tmp_path):
    # The embedded broker is a folder; a folder that cannot be created is a broker that is down.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(blocker / "queue")}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")
    assert response.json()["database"] == "ok"


def test_writable_filesystem_broker_is_ok(client, settings, tmp_path):
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path / "queue")}
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"
    # The probe leaves nothing behind for the worker to trip over.
    assert list((tmp_path / "queue").iterdir()) == []


def test_only_get(client):
    assert client.post("/healthz").status_code == 405
