import pytest

from omni.models import Location

pytestmark = pytest.mark.django_db

NEW_LOCATION = {
    "code": "nantes-commerce",
    "name": "Omni Nantes Commerce",
    "kind": "store",
    "city": "Nantes",
    "click_and_collect": True,
    "ship_from_store": False,
}


def test_anonymous_gets_401():
    from django.test import Client

    response = Client().get("/api/v1/locations/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_pos_lists_locations_and_may_not_create_one(api_as, store, warehouse):
    pos = api_as("pos", location=store)
    response = pos.get("/api/v1/locations/")
    assert response.status_code == 200
    codes = [row["code"] for row in response.json()["results"]]
    assert codes == ["paris", "warehouse"]
    contract_fields = {"code", "name", "kind", "city", "click_and_collect", "ship_from_store"}
    assert set(response.json()["results"][0]) >= contract_fields

    refused = pos.post("/api/v1/locations/", NEW_LOCATION)
    assert refused.status_code == 403
    assert not Location.objects.filter(code="nantes-commerce").exists()


def test_integration_creates_a_location(api_as):
    erp = api_as("integration")
    response = erp.post("/api/v1/locations/", NEW_LOCATION)
    assert response.status_code == 201, response.content
    assert response.json()["code"] == "nantes-commerce"
    assert Location.objects.get(code="nantes-commerce").click_and_collect is True


def test_bad_location_is_a_400_naming_the_field(api_as):
    erp = api_as("integration")
    response = erp.post("/api/v1/locations/", {**NEW_LOCATION, "kind": "spaceship"})
    assert response.status_code == 400
    assert "kind" in response.json()
    assert not Location.objects.exists()


def test_list_costs_constant_queries(api_as, django_assert_max_num_queries):
    from tests.factories.omni import LocationFactory

    web = api_as("web")
    LocationFactory.create_batch(3)
    with django_assert_max_num_queries(3):
        assert web.get("/api/v1/locations/").status_code == 200
    LocationFactory.create_batch(30)
    with django_assert_max_num_queries(3):
        assert web.get("/api/v1/locations/?page_size=200").json()["count"] == 33
