"""Fixtures shared by every app's tests.

API tests call Omni over real HTTP through Django's test client with a real token:
``api_as("pos", location=store)`` returns a client that sends ``Authorization: Token``.
"""

import os

import pytest
from django.test import Client, override_settings

from omni import celery_app
from omni.sms import MemorySmsBackend
from tests.factories.omni import LocationFactory, StaffFactory, WarehouseFactory, make_api_client

# Tasks run inline in tests, whatever CELERY_BROKER_URL says; the broker itself is
# exercised by tests that start a real worker.
celery_app.conf.task_always_eager = True
celery_app.conf.task_eager_propagates = True


@pytest.fixture(scope="session", autouse=True)
def _cache_of_this_worker():
    """A Redis cache (``CACHE_URL``) is one database for every worker of a parallel run
    (``make test``: pytest-xdist): each worker keys its entries apart and clears only its
    own (tests.cache). The local-memory cache is per process already."""
    from django.conf import settings

    default = settings.CACHES["default"]
    if not default["BACKEND"].endswith(".RedisCache"):
        yield
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    scoped = {**default, "BACKEND": "tests.cache.WorkerRedisCache", "KEY_PREFIX": f"omni-test-{worker}"}
    with override_settings(CACHES={**settings.CACHES, "default": scoped}):
        yield


@pytest.fixture(scope="session")
def _counter_file(tmp_path_factory):
    """The rate limit's counters of this test run (two runs on one machine count apart)."""
    return tmp_path_factory.mktemp("counters") / "counters.sqlite3"


@pytest.fixture(autouse=True)
def _test_settings(settings, _counter_file):
    settings.OMNI_COUNTER_FILE = str(_counter_file)
    settings.OMNI_SMS_BACKEND = "omni.sms.MemorySmsBackend"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    MemorySmsBackend.outbox.clear()
    yield
    MemorySmsBackend.outbox.clear()


def pytest_runtest_setup(item):
    from django.conf import settings

    if item.get_closest_marker("postgres_only") and "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://...)")


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    from omni import counters

    cache.clear()
    counters.clear()
    yield


class ApiTestClient(Client):
    """A Django test client that speaks JSON and carries a token."""

    def __init__(self, token: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.token = token

    def _headers(self, headers):
        headers = dict(headers or {})
        if self.token:
            headers.setdefault("Authorization", f"Token {self.token}")
        return headers

    def get(self, path, data=None, headers=None, **extra):
        return super().get(path, data, headers=self._headers(headers), **extra)

    def post(self, path, data=None, headers=None, **extra):
        return super().post(
            path, data if data is not None else {}, content_type="application/json",
            headers=self._headers(headers), **extra,
        )

    def patch(self, path, data=None, headers=None, **extra):
        return super().patch(path, data or {}, content_type="application/json", headers=self._headers(headers), **extra)

    def put(self, path, data=None, headers=None, **extra):
        return super().put(path, data or {}, content_type="application/json", headers=self._headers(headers), **extra)

    def delete(self, path, data=None, headers=None, **extra):
        return super().delete(path, data, content_type="application/json", headers=self._headers(headers), **extra)


@pytest.fixture
def store(db):
    return LocationFactory(code="paris", name="Paris Rivoli", city="Paris")


@pytest.fixture
def other_store(db):
    return LocationFactory(code="lyon", name="Lyon Part-Dieu", city="Lyon")


@pytest.fixture
def warehouse(db):
    return WarehouseFactory(code="warehouse", name="E-shop warehouse", city="Saran")


@pytest.fixture
def api_as(db):
    """``api_as(kind, location=None)`` -> an ApiTestClient authenticated as a new client of that kind."""

    def make(kind: str, location=None) -> ApiTestClient:
        client, token = make_api_client(kind, location=location)
        api = ApiTestClient(token)
        api.api_client = client
        return api

    return make


@pytest.fixture
def staff_client(db):
    """``staff_client(role, locations=[...])`` -> a logged-in test client (session + CSRF on pages)."""

    def make(role: str = "store_staff", locations=(), **fields) -> Client:
        user = StaffFactory(role=role, locations=list(locations), **fields)
        client = Client()  # form posts, like a browser; pass content_type for JSON
        client.force_login(user)
        client.user = user
        return client

    return make
