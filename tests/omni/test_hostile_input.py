"""Input no real client sends, as a hostile integrator sent it: a clear 4xx in JSON that
names the problem, nothing changed, never a 500."""

import pytest

from journeys.models import Touchpoint
from orders.models import Order
from promotions.models import Promotion

pytestmark = pytest.mark.django_db


def nested(depth: int, leaf):
    value = leaf
    for _level in range(depth):
        value = [value]
    return value


def nested_dict(depth: int):
    value: dict = {"line1": "1 rue de la Paix"}
    for _level in range(depth):
        value = {"line1": value}
    return value


@pytest.mark.parametrize(
    "body",
    [
        {"lines": nested(100, {"sku": "CAP-1", "quantity": 1}), "fulfilment": "delivery"},
        {"lines": [{"sku": "CAP-1", "quantity": 1}], "fulfilment": "delivery", "shipping_address": nested_dict(500)},
        {"lines": [{"sku": "CAP-1", "quantity": 1}], "fulfilment": "delivery", "shipping_address": nested_dict(25)},
    ],
    ids=["lines-100-deep", "address-500-deep", "address-25-deep"],
)
def test_json_nested_beyond_reason_is_a_400(api_as, body):
    response = api_as("web").post("/api/v1/orders/", body)
    assert response.status_code == 400, response.content[:200]
    assert response.json()["code"] == "parse_error"
    assert "nested deeper than 20 levels" in response.json()["detail"]
    assert not Order.objects.exists()


@pytest.mark.parametrize("depth", [1000, 5000])
def test_json_thousands_of_levels_deep_is_a_400(api_as, depth):
    """Deeper than the decoder's own recursion: sent as text (encoding it would overflow here)."""
    api = api_as("web")
    text = '{"fulfilment": "delivery", "lines": ' + "[" * depth + '{"sku": "CAP-1", "quantity": 1}' + "]" * depth + "}"
    response = api.generic("POST", "/api/v1/orders/", text, content_type="application/json",
                           headers={"Authorization": f"Token {api.token}"})
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


OUT_OF_RANGE = ["0001-01-01T00:00:00", "9999-12-31T23:59:59", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59+00:00",
                "1969-12-31T23:59:59Z", "3000-01-01T00:00:00Z"]


@pytest.mark.parametrize("when", OUT_OF_RANGE)
def test_an_event_at_an_impossible_time_is_a_400(api_as, when):
    event = {"id": "8d7a3c1e-0b6f-4c55-9a51-2f0d1c0d6a11", "type": "page_view", "occurred_at": when,
             "anonymous_id": "a-1"}
    response = api_as("web").post("/api/v1/events/", {"events": [event]})
    assert response.status_code == 400, response.content
    assert "between 1970 and 2999" in str(response.json())
    assert not Touchpoint.objects.exists()


@pytest.mark.parametrize("when", OUT_OF_RANGE)
def test_a_promotion_starting_at_an_impossible_time_is_a_400(api_as, when):
    body = {"name": "Far", "kind": "percent", "value": "10", "starts_at": when, "channels": [],
            "requires_code": False, "active": True}
    response = api_as("integration").post("/api/v1/promotions/", body)
    assert response.status_code == 400, response.content
    assert "starts_at" in response.json()
    assert not Promotion.objects.exists()


@pytest.mark.parametrize("when", OUT_OF_RANGE)
def test_a_journeys_period_at_an_impossible_time_is_a_400(api_as, when):
    response = api_as("integration").get("/api/v1/journeys/summary/", {"since": when})
    assert response.status_code == 400, response.content
    assert "since" in response.json()


@pytest.mark.parametrize("when", ["1970-01-01T00:00:00Z", "2999-12-31T23:59:59Z", "2026-12-03T10:00:00"])
def test_every_date_in_range_comes_back_as_iso_8601_with_an_offset(api_as, when):
    from datetime import datetime

    body = {"name": "Near", "kind": "percent", "value": "10", "starts_at": when, "channels": [],
            "requires_code": False, "active": True}
    response = api_as("integration").post("/api/v1/promotions/", body)
    assert response.status_code == 201, response.content
    returned = response.json()["starts_at"]
    assert datetime.fromisoformat(returned).utcoffset() is not None


def test_a_body_over_the_limit_is_a_json_413(api_as, settings):
    api = api_as("web")
    body = '{"lines": [], "padding": "' + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) + '"}'
    response = api.generic("POST", "/api/v1/orders/", body, content_type="application/json",
                           headers={"Authorization": f"Token {api.token}"})
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "request_too_large"


def test_an_unknown_api_url_is_a_json_404(api_as):
    response = api_as("web").get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def _broken_view(request):
    raise RuntimeError("a bug, as one day there will be")


# This module is also the URLconf of the test below: Omni's, plus a broken view, with the
# error handler Omni's URLconf declares.
from omni.urls import handler500  # noqa: E402, F401

urlpatterns = None


def test_an_uncaught_error_on_the_api_is_a_json_500_not_an_html_page(settings, client):
    from django.urls import include, path

    global urlpatterns
    urlpatterns = [path("api/v1/broken/", _broken_view), path("", include("omni.urls"))]
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    response = client.get("/api/v1/broken/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "server_error"


def test_swagger_ui_keeps_the_same_origin_opener_policy(staff_client):
    response = staff_client("admin").get("/api/docs/")
    assert response.status_code == 200
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize("quantity", ["２", "١", "１０", "2\u00a0"])
def test_quantities_are_written_with_ascii_digits(api_as, quantity, store):
    from tests.factories.inventory import ProductFactory, stock

    stock(ProductFactory(sku="CAP-1"), store, 5)
    body = {"lines": [{"sku": "CAP-1", "quantity": quantity}], "fulfilment": "click_and_collect",
            "pickup_location": store.code}
    response = api_as("web").post("/api/v1/orders/", body)
    assert response.status_code == 400, response.content
    assert "quantity" in str(response.json())
    assert not Order.objects.exists()
