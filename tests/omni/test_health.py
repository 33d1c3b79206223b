import pytest
from django.db import OperationalError
from django.test import Client

from omni import health

pytestmark = pytest.mark.django_db


def test_healthz_reports_each_dependency_without_credentials():
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert all(check["ok"] for check in body["checks"].values())


def test_healthz_is_503_when_the_database_is_down(monkeypatch):
    def down():
        raise OperationalError("connection refused")

    monkeypatch.setattr(health, "_database", down)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False}


def test_a_broken_broker_degrades_but_does_not_fail(monkeypatch, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == {"ok": False}
