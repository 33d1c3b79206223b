import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from omni.idempotency import purge_expired
from omni.models import IdempotencyRecord, Location
from tests.conftest import ApiTestClient
from tests.factories.omni import make_api_client

LOCATION = {"code": "nantes", "name": "Omni Nantes", "kind": "store", "city": "Nantes"}
LOCATION2 = {"code": "rennes", "name": "Omni Rennes", "kind": "store", "city": "Rennes"}


def _fp(client, body) -> str:
    """The fingerprint a request with this body gets, as the mechanism computes it."""
    import hashlib
    import json

    canonical = json.dumps(body, sort_keys=True)
    return hashlib.sha256(f"POST /api/v1/locations/\n{canonical}".encode()).hexdigest()


@pytest.fixture
def erp(api_as):
    return api_as("integration")


def post(client, body, key="key-1"):
    return client.post("/api/v1/locations/", body, headers={"Idempotency-Key": key})


@pytest.mark.django_db
def test_replay_returns_the_first_response_and_creates_nothing(erp):
    first = post(erp, LOCATION)
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first.headers

    replay = post(erp, LOCATION)
    assert replay.status_code == 201
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    assert Location.objects.filter(code="nantes").count() == 1


@pytest.mark.django_db
def test_same_key_different_body_is_422_and_changes_nothing(erp):
    post(erp, LOCATION)
    response = post(erp, {**LOCATION, "code": "rennes", "name": "Omni Rennes"})
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert not Location.objects.filter(code="rennes").exists()


@pytest.mark.django_db
def test_same_key_while_in_flight_is_409(erp):
    post(erp, LOCATION)  # learn the fingerprint the way a request stores it
    record = IdempotencyRecord.objects.get()
    IdempotencyRecord.objects.filter(pk=record.pk).update(state=IdempotencyRecord.State.IN_FLIGHT)

    response = post(erp, LOCATION)
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_in_use"
    assert Location.objects.filter(code="nantes").count() == 1


@pytest.mark.django_db
def test_an_abandoned_in_flight_key_is_taken_over(erp, settings):
    post(erp, LOCATION, key="probe")  # learn the fingerprint of the body below
    probe = IdempotencyRecord.objects.get(key="probe")
    IdempotencyRecord.objects.create(
        scope=probe.scope, key="dead", fingerprint=_fp(erp, LOCATION2),
        created_at=timezone.now() - timedelta(seconds=settings.OMNI_IDEMPOTENCY_STALE_SECONDS + 5),
    )
    response = post(erp, LOCATION2, key="dead")
    assert response.status_code == 201
    assert Location.objects.filter(code="rennes").count() == 1
    assert IdempotencyRecord.objects.get(key="dead").state == IdempotencyRecord.State.DONE


@pytest.mark.django_db
def test_keys_are_scoped_per_client(erp, api_as):
    other = api_as("integration")
    assert post(erp, LOCATION).status_code == 201
    second = post(other, {**LOCATION, "code": "rennes"})
    assert second.status_code == 201
    assert "Idempotent-Replayed" not in second.headers


@pytest.mark.django_db
def test_a_refusal_is_replayed_too(erp):
    bad = {**LOCATION, "kind": "spaceship"}
    first = post(erp, bad)
    assert first.status_code == 400
    replay = post(erp, bad)
    assert replay.status_code == 400
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()


def expired(settings):
    return timezone.now() - timedelta(hours=settings.OMNI_IDEMPOTENCY_TTL_HOURS + 1)


@pytest.mark.django_db
def test_records_expire_after_the_ttl(erp, settings):
    bad = {**LOCATION, "kind": "spaceship"}
    post(erp, bad)
    IdempotencyRecord.objects.update(created_at=expired(settings))
    again = post(erp, bad)  # an expired key is a new key: the request runs again
    assert again.status_code == 400
    assert "Idempotent-Replayed" not in again.headers
    IdempotencyRecord.objects.update(created_at=expired(settings))
    assert purge_expired() == 1
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_create_exactly_one_location():
    _client, token = make_api_client("integration", name="erp-race")
    statuses, barrier = [], threading.Barrier(8)

    def retry():
        try:
            barrier.wait()
            statuses.append(post(ApiTestClient(token), LOCATION, key="race").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=retry) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Location.objects.filter(code="nantes").count() == 1
    assert statuses.count(201) >= 1
    assert set(statuses) <= {201, 409}
    assert IdempotencyRecord.objects.get(key="race").state == IdempotencyRecord.State.DONE


@pytest.mark.django_db
def test_a_failure_answered_without_raising_creates_nothing_and_frees_the_key():
    """A handler that writes, then answers 5xx instead of raising: its writes are rolled
    back with the released key, so a retry does not meet half of a first attempt."""
    from rest_framework.response import Response
    from rest_framework.test import APIRequestFactory, force_authenticate
    from rest_framework.views import APIView

    from omni.idempotency import run_idempotent

    class HalfDone(APIView):
        def post(self, request):
            def handler():
                Location.objects.create(**LOCATION)
                return Response({"detail": "the provider is down"}, status=503)

            return run_idempotent(self, request, handler)

    client, _token = make_api_client("integration")
    request = APIRequestFactory().post("/half-done/", LOCATION, format="json", HTTP_IDEMPOTENCY_KEY="half-1")
    force_authenticate(request, user=client, token=client)
    response = HalfDone.as_view()(request)
    assert response.status_code == 503
    assert not Location.objects.filter(code=LOCATION["code"]).exists()
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["k" * 256, "k" * 255 + "-another-request", "clé-1", "key\twith-a-tab"])
def test_a_key_that_cannot_be_kept_whole_is_refused_and_creates_nothing(erp, key):
    """Kept cut to its column, a long key would answer a different request as the replay
    of the first one that shares its first 255 characters."""
    first = post(erp, LOCATION, key="k" * 255)
    assert first.status_code == 201
    response = post(erp, LOCATION2, key=key)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "idempotency_key_invalid"
    assert not Location.objects.filter(code="rennes").exists()
    assert IdempotencyRecord.objects.count() == 1


@pytest.mark.django_db
def test_a_key_of_255_characters_is_kept_whole(erp):
    assert post(erp, LOCATION, key="a" * 255).status_code == 201
    replay = post(erp, LOCATION, key="a" * 255)
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
