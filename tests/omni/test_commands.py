from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from omni.models import ApiClient, Location, User
from tests.conftest import ApiTestClient

pytestmark = pytest.mark.django_db


def run(*args) -> list[str]:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip().splitlines()


def test_create_api_client_prints_the_token_alone_on_the_last_line(store):
    lines = run("create_api_client", "Paris till 1", "--kind", "pos", "--location", store.code)
    token = lines[-1]
    client = ApiClient.objects.get(name="Paris till 1")
    assert client.location == store and client.channel == "store"
    assert token not in (client.token_hash, "") and client.token_hash == ApiClient.hash_token(token)

    pos = ApiTestClient(token)
    assert pos.get("/api/v1/locations/").status_code == 200
    refused = pos.post("/api/v1/locations/", {"code": "x", "name": "X", "kind": "store"})
    assert refused.status_code == 403
    assert not Location.objects.filter(code="x").exists()


def test_a_pos_client_needs_a_location():
    with pytest.raises(CommandError):
        run("create_api_client", "Till", "--kind", "pos")
    with pytest.raises(CommandError):
        run("create_api_client", "Till", "--kind", "pos", "--location", "nowhere")
    assert not ApiClient.objects.exists()


def test_a_revoked_client_gets_401(store):
    token = run("create_api_client", "Website", "--kind", "web")[-1]
    ApiClient.objects.update(is_active=False)
    assert ApiTestClient(token).get("/api/v1/locations/").status_code == 401


def test_create_staff_with_role_and_locations(store, other_store):
    run("create_staff", "claire", "--role", "store_manager", "--location", store.code,
        "--location", other_store.code, "--password", "s3cret-pass!")
    user = User.objects.get(username="claire")
    assert user.role == "store_manager" and user.check_password("s3cret-pass!")
    assert set(user.locations.values_list("code", flat=True)) == {store.code, other_store.code}
    with pytest.raises(CommandError):
        run("create_staff", "bob", "--role", "store_staff", "--location", "atlantis", "--password", "x")
    assert not User.objects.filter(username="bob").exists()


def test_seed_demo_is_idempotent():
    run("seed_demo")
    counts = (Location.objects.count(), User.objects.count(), ApiClient.objects.count())
    run("seed_demo")
    assert (Location.objects.count(), User.objects.count(), ApiClient.objects.count()) == counts
    assert Location.objects.filter(kind="store").count() == 6
    assert Location.objects.filter(kind="warehouse").count() == 1
    assert set(User.objects.values_list("role", flat=True)) == {"admin", "store_manager", "store_staff", "marketing"}


def test_a_revoked_token_stops_working_at_once_although_clients_are_cached(db, api_as):
    """Authentication keeps clients in the cache; revoking one through the ORM (the admin's
    way) must drop it, or a stolen till's token would work for another minute."""
    from omni.models import ApiClient

    api = api_as("web")
    assert api.get("/api/v1/locations/").status_code == 200  # now cached
    client = ApiClient.objects.get(pk=api.api_client.pk)
    client.is_active = False
    client.save()
    assert api.get("/api/v1/locations/").status_code == 401


def test_a_cached_client_costs_no_query(db, api_as, django_assert_num_queries):
    api = api_as("web")
    assert api.get("/api/v1/locations/?page_size=1").status_code == 200
    with django_assert_num_queries(1):  # the locations page (window-counted), nothing for the token
        assert api.get("/api/v1/locations/?page_size=1").status_code == 200
