"""The contract's Pricing and Promotions endpoints over HTTP with real tokens."""

from decimal import Decimal as D

import pytest

from promotions.models import DiscountCode, Promotion
from tests.factories.customers import CustomerFactory, SegmentFactory
from tests.factories.promotions import DiscountCodeFactory, PromotionFactory, add_members

pytestmark = pytest.mark.django_db

QUOTE = "/api/v1/pricing/quote/"
PROMOTIONS = "/api/v1/promotions/"


def test_quote_prices_per_channel(api_as, catalogue):
    PromotionFactory(name="Caps -20%", categories=["caps"])
    body = {"lines": [{"sku": "CAP-NY", "quantity": 2}, {"sku": "TEE-01", "quantity": 1}]}
    web = api_as("web").post(QUOTE, body)
    assert web.status_code == 200, web.content
    data = web.json()
    assert data["subtotal"] == "59.00" and data["discount_total"] == "8.80" and data["total"] == "50.20"
    assert data["currency"] == "EUR" and data["codes"] == []
    assert data["lines"][0] == {
        "sku": "CAP-NY", "name": "Casquette NY", "quantity": 2, "unit_price": "22.00", "discount": "8.80",
        "total": "35.20",
    }
    assert data["discounts"][0]["name"] == "Caps -20%" and data["discounts"][0]["amount"] == "8.80"
    # an explicit channel: the store price
    store = api_as("web").post(QUOTE, {**body, "channel": "store"}).json()
    assert store["total"] == "55.00"


def test_quote_with_customer_segment_and_code(api_as, catalogue):
    vip = SegmentFactory(slug="vip")
    customer = CustomerFactory()
    add_members(vip, customer)
    PromotionFactory(name="VIP", value="10", segments=[vip], stackable=True, priority=2)
    DiscountCodeFactory(code="SMS-ABCD", promotion=PromotionFactory(name="SMS", kind="amount", value="5",
                                                                   requires_code=True, stackable=True))
    response = api_as("app").post(
        QUOTE, {"customer": str(customer.pk), "lines": [{"sku": "TEE-01", "quantity": 2}], "codes": ["sms-abcd"]}
    )
    data = response.json()
    assert response.status_code == 200, data
    # 30.00 -10% = 3.00, then 5.00 off the 27.00 left
    assert data["discount_total"] == "8.00" and data["total"] == "22.00" and data["codes"] == ["SMS-ABCD"]
    assert [(d["name"], d["amount"], d["code"]) for d in data["discounts"]] == [
        ("VIP", "3.00", None), ("SMS", "5.00", "SMS-ABCD")]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"lines": [{"sku": "NOPE", "quantity": 1}]}, "lines"),
        ({"lines": [{"sku": "TEE-01", "quantity": 0}]}, "lines"),
        ({"lines": [{"sku": "TEE-01", "quantity": "x"}]}, "lines"),
        ({"lines": "nope"}, "lines"),
        ({"lines": [None]}, "lines"),
        ({}, "lines"),
        ({"lines": [], "customer": "00000000-0000-0000-0000-000000000000"}, "customer"),
        ({"lines": [], "customer": "not-a-uuid"}, "customer"),
        ({"lines": [], "channel": "moon"}, "channel"),
        ({"lines": [], "codes": "ABC"}, "codes"),
        ({"lines": [], "codes": [{"a": 1}]}, "codes"),
    ],
)
def test_quote_bad_input_is_400_naming_the_field(api_as, catalogue, body, field):
    response = api_as("web").post(QUOTE, body)
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_quote_unknown_sku_names_the_line(api_as, catalogue):
    response = api_as("web").post(QUOTE, {"lines": [{"sku": "TEE-01", "quantity": 1}, {"sku": "NOPE", "quantity": 1}]})
    assert response.status_code == 400
    assert response.json()["lines"][0] == {} and "sku" in response.json()["lines"][1]


@pytest.mark.parametrize(
    "code, expected", [("NOPE", "code_unknown"), ("USED", "code_used"), ("STORE", "code_not_applicable")]
)
def test_quote_code_errors_are_409(api_as, catalogue, code, expected):
    DiscountCodeFactory(code="USED", state=DiscountCode.State.REDEEMED)
    DiscountCodeFactory(code="STORE", promotion=PromotionFactory(requires_code=True, channels=["store"]))
    response = api_as("web").post(QUOTE, {"lines": [{"sku": "TEE-01", "quantity": 1}], "codes": [code]})
    assert response.status_code == 409
    assert response.json()["code"] == expected and response.json()["detail"]


def test_quote_query_count_is_constant(api_as, catalogue, django_assert_max_num_queries):
    for n in range(40):
        PromotionFactory(categories=["caps" if n % 2 else "bags"], stackable=bool(n % 3))
    client = api_as("web")
    body = {"lines": [{"sku": sku, "quantity": 2} for sku in ("CAP-NY", "CAP-LA", "TEE-01", "BAG-01")]}
    with django_assert_max_num_queries(12):
        assert client.post(QUOTE, body).status_code == 200


def test_quote_requires_authentication(client, catalogue):
    answer = client.post(QUOTE, {"lines": []}, content_type="application/json")
    assert answer.status_code == 401  # the contract: no credentials -> 401
    assert answer.json()["code"] == "not_authenticated"


NEW = {
    "name": "Caps -20%", "kind": "percent", "value": "20", "channels": [], "categories": ["caps"],
    "requires_code": False, "active": True,
}


@pytest.mark.parametrize("kind", ["integration"])
def test_create_read_update_promotion(api_as, catalogue, kind):
    SegmentFactory(slug="traditional")
    client = api_as(kind)
    response = client.post(PROMOTIONS, {**NEW, "segments": ["traditional"], "skus": ["CAP-NY"]},
                           headers={"Idempotency-Key": "k1"})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["value"] == "20.00" and data["segments"] == ["traditional"] and data["status"] == "running"
    replay = client.post(PROMOTIONS, {**NEW, "segments": ["traditional"], "skus": ["CAP-NY"]},
                         headers={"Idempotency-Key": "k1"})
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert Promotion.objects.count() == 1
    detail = f"{PROMOTIONS}{data['id']}/"
    assert client.get(detail).json()["name"] == "Caps -20%"
    patched = client.patch(detail, {"value": "25", "code": "caps25", "channels": ["web"]})
    assert patched.status_code == 200, patched.content
    assert patched.json()["code"] == "CAPS25" and patched.json()["requires_code"] is True
    assert client.get(PROMOTIONS).json()["count"] == 1


@pytest.mark.parametrize(
    "change, field",
    [
        ({"value": "101"}, "value"),
        ({"value": "-1"}, "value"),
        ({"kind": "bogus"}, "kind"),
        ({"kind": "buy_x_get_y", "value": None}, "buy_quantity"),
        ({"kind": "amount", "value": None}, "value"),
        ({"min_subtotal": "-5"}, "min_subtotal"),
        ({"usage_limit": 0}, "usage_limit"),
        ({"starts_at": "2026-06-02T00:00:00Z", "ends_at": "2026-06-01T00:00:00Z"}, "ends_at"),
        ({"channels": ["moon"]}, "channels"),
        ({"skus": ["NOPE"]}, "skus"),
        ({"segments": ["nobody"]}, "segments"),
        ({"code": "bad code!"}, "code"),
        ({"priority": 10**12}, "priority"),
        ({"value": "NaN"}, "value"),
        ({"name": ""}, "name"),
    ],
)
def test_promotion_validation_is_400(api_as, catalogue, change, field):
    response = api_as("integration").post(PROMOTIONS, {**NEW, **change})
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Promotion.objects.count() == 0


def test_patch_validation_merges_with_the_stored_promotion(api_as, catalogue):
    promotion = PromotionFactory(kind="percent", value="20")
    response = api_as("integration").patch(f"{PROMOTIONS}{promotion.pk}/", {"value": "150"})
    assert response.status_code == 400 and "value" in response.json()
    promotion.refresh_from_db()
    assert promotion.value == D("20")


def test_shared_code_cannot_be_taken_twice(api_as, catalogue):
    PromotionFactory(code="TAKEN", requires_code=True)
    response = api_as("integration").post(PROMOTIONS, {**NEW, "code": "taken"})
    assert response.status_code == 400 and "code" in response.json()


@pytest.mark.parametrize("kind", ["web", "app", "pos", "call_centre"])
def test_sales_clients_may_not_manage_promotions(api_as, store, kind, catalogue):
    promotion = PromotionFactory()
    client = api_as(kind, location=store if kind == "pos" else None)
    assert client.get(PROMOTIONS).status_code == 403
    assert client.post(PROMOTIONS, NEW).status_code == 403
    assert client.patch(f"{PROMOTIONS}{promotion.pk}/", {"value": "5"}).status_code == 403
    assert client.post(f"{PROMOTIONS}{promotion.pk}/codes/", {"count": 5}).status_code == 403
    assert Promotion.objects.count() == 1 and not DiscountCode.objects.exists()


@pytest.mark.parametrize("role, allowed", [("marketing", True), ("admin", True), ("store_staff", False),
                                           ("store_manager", False)])
def test_staff_session_access(staff_client, store, catalogue, role, allowed):
    client = staff_client(role, locations=[store] if "store" in role else [])
    response = client.get(PROMOTIONS)
    assert response.status_code == (200 if allowed else 403)


def test_generate_codes(api_as, catalogue, django_assert_max_num_queries):
    promotion = PromotionFactory()
    client = api_as("integration")
    response = client.post(f"{PROMOTIONS}{promotion.pk}/codes/", {"count": 25, "prefix": "sms"},
                           headers={"Idempotency-Key": "codes-1"})
    assert response.status_code == 201, response.content
    codes = response.json()["codes"]
    assert len(codes) == 25 and all(code.startswith("SMS-") for code in codes)
    again = client.post(f"{PROMOTIONS}{promotion.pk}/codes/", {"count": 25, "prefix": "sms"},
                        headers={"Idempotency-Key": "codes-1"})
    assert again.json()["codes"] == codes and DiscountCode.objects.count() == 25
    for body in ({"count": 0}, {"count": 10**6}, {"count": "x"}, {}, {"count": 2, "prefix": "bad prefix!"}):
        assert client.post(f"{PROMOTIONS}{promotion.pk}/codes/", body).status_code == 400
    assert client.post(f"{PROMOTIONS}00000000-0000-0000-0000-000000000000/codes/", {"count": 1}).status_code == 404
    with django_assert_max_num_queries(20):
        assert client.post(f"{PROMOTIONS}{promotion.pk}/codes/", {"count": 500}).status_code == 201


def test_promotion_list_query_count(api_as, catalogue, django_assert_max_num_queries):
    segment = SegmentFactory()
    for _ in range(30):
        PromotionFactory(segments=[segment])
    client = api_as("integration")
    with django_assert_max_num_queries(8):
        response = client.get(PROMOTIONS, {"page_size": 50})
    assert response.json()["count"] == 30
    assert client.get(PROMOTIONS, {"status": "running"}).json()["count"] == 30
    assert client.get(PROMOTIONS, {"status": "ended"}).json()["count"] == 0


def test_quote_follows_a_merged_customer(api_as, catalogue):
    vip = SegmentFactory(slug="vip")
    target = CustomerFactory()
    add_members(vip, target)
    duplicate = CustomerFactory(merged_into=target)
    PromotionFactory(value="10", segments=[vip])
    response = api_as("web").post(QUOTE, {"customer": str(duplicate.pk), "lines": [{"sku": "TEE-01", "quantity": 1}]})
    assert response.status_code == 200 and response.json()["discount_total"] == "1.50"
