"""Odd input never makes a 500."""

import pytest

from omni.actor import Actor
from tests.factories.promotions import PromotionFactory

pytestmark = pytest.mark.django_db

ODD = [None, "", "x", "a\x00b", ["a\x00"], 0, -1, 10**30, 1e308, [], {}, ["x"], [{"a": 1}], True, "NaN", "Infinity",
       "1e400", "é" * 300]


@pytest.mark.parametrize("field", ["name", "kind", "value", "buy_quantity", "channels", "starts_at", "ends_at",
                                   "skus", "categories", "min_subtotal", "segments", "requires_code", "code",
                                   "usage_limit", "priority", "stackable", "active"])
def test_promotion_fields(api_as, catalogue, field):
    client = api_as("integration")
    promotion = PromotionFactory()
    for value in ODD:
        body = {"name": "x", "kind": "percent", "value": "10", field: value}
        assert client.post("/api/v1/promotions/", body).status_code < 500, (field, value)
        assert client.patch(f"/api/v1/promotions/{promotion.pk}/", {field: value}).status_code < 500, (field, value)


@pytest.mark.parametrize("field", ["customer", "lines", "codes", "channel"])
def test_quote_fields(api_as, catalogue, field):
    client = api_as("web")
    for value in ODD + [[{"sku": ["x"], "quantity": 1}], [{"sku": "TEE-01", "quantity": 10**9}], ["   "]]:
        body = {"lines": [{"sku": "TEE-01", "quantity": 1}], field: value}
        assert client.post("/api/v1/pricing/quote/", body).status_code < 500, (field, value)


def test_non_object_bodies(api_as, catalogue):
    client = api_as("integration")
    promotion = PromotionFactory()
    for path in ("/api/v1/promotions/", "/api/v1/pricing/quote/", f"/api/v1/promotions/{promotion.pk}/codes/"):
        for body in ([], "text", 3):
            assert client.post(path, body).status_code < 500
    raw = client.generic("POST", "/api/v1/pricing/quote/", "{not json", content_type="application/json",
                         headers={"Authorization": f"Token {client.token}"})
    assert raw.status_code == 400


def test_query_strings(api_as, marketing_client, catalogue):
    client = api_as("integration")
    for params in ({"search": "a\x00b"}, {"channel": "\x00"}, {"status": "\x00"}, {"page": "x"}, {"page_size": "-1"}):
        assert client.get("/api/v1/promotions/", params).status_code < 500, params
        assert marketing_client.get("/promotions/", params).status_code < 500, params
    from promotions.hooks import exact_code, search_promotions

    actor = Actor.for_user(marketing_client.user)
    assert search_promotions("ab\x00c", actor, 5).hits == [] and exact_code("ab\x00c", actor) is None


@pytest.fixture
def marketing_client(staff_client):
    return staff_client("marketing")


def test_marketing_forms(marketing_client, catalogue):
    for field in ("skus", "categories", "name", "code", "value", "segments", "channels", "starts_at"):
        body = {"name": "x", "kind": "percent", "value": "10", "priority": "0", field: "a\x00b"}
        assert marketing_client.post("/promotions/new/", body).status_code < 500, field
        assert marketing_client.post("/promotions/preview/", body).status_code < 500, field
    for body in ({"promotion": "a\x00", "segment": "x"}, {"sms_text": "\x00{code}"}):
        assert marketing_client.post("/promotions/campaigns/new/", {"name": "n", **body}).status_code < 500
    # A NUL character is refused before any view (omni.middleware).
    assert marketing_client.get("/promotions/campaigns/new/", {"promotion": "zz\x00"}).status_code == 400
