"""Carts: any channel, continued on any other, priced by the promotions engine, codes."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders import tasks
from orders.models import Cart, Order
from promotions.models import DiscountCode
from tests.factories.promotions import DiscountCodeFactory, PromotionFactory

pytestmark = pytest.mark.django_db


def test_web_cart_is_finished_at_the_store_terminal(web, pos, catalogue, store, customer, level):
    cart = web.post("/api/v1/carts/", {"customer": str(customer.pk)})
    assert cart.status_code == 201, cart.json()
    cart_id = cart.json()["id"]
    assert cart.json()["channel"] == "web" and cart.json()["lines"] == [] and cart.json()["total"] == "0.00"
    added = web.post(f"/api/v1/carts/{cart_id}/lines/", {"sku": "CAP-1", "quantity": 1})
    assert added.status_code == 200 and added.json()["lines"][0]["quantity"] == 1
    added = web.post(f"/api/v1/carts/{cart_id}/lines/", {"sku": "CAP-1", "quantity": 2})
    assert added.json()["lines"][0] == {
        "sku": "CAP-1",
        "name": "Casquette trucker",
        "quantity": 3,
        "unit_price": "19.90",
        "discount": "0.00",
        "total": "59.70",
    }
    web.post(f"/api/v1/carts/{cart_id}/lines/", {"sku": "TEE-1", "quantity": 1})
    patched = web.patch(f"/api/v1/carts/{cart_id}/lines/CAP-1/", {"quantity": 1})
    assert patched.status_code == 200 and patched.json()["subtotal"] == "44.90"
    removed = web.delete(f"/api/v1/carts/{cart_id}/lines/TEE-1/")
    assert removed.status_code == 200 and [line["sku"] for line in removed.json()["lines"]] == ["CAP-1"]
    assert web.delete(f"/api/v1/carts/{cart_id}/lines/TEE-1/").status_code == 404

    # The store terminal finds the customer's open cart and checks it out in store.
    found = pos.get("/api/v1/carts/", {"customer": str(customer.pk), "status": "open"}).json()
    assert [c["id"] for c in found["results"]] == [cart_id]
    checkout = pos.post(f"/api/v1/carts/{cart_id}/checkout/", {"fulfilment": "in_store", "payment": "paid"})
    assert checkout.status_code == 201, checkout.json()
    assert checkout.json()["channel"] == "store" and checkout.json()["status"] == "completed"
    assert checkout.json()["total"] == "19.90" and checkout.json()["customer"] == str(customer.pk)
    assert level("CAP-1", store) == (9, 0)
    assert Cart.objects.get(pk=cart_id).status == "converted"
    assert pos.get("/api/v1/carts/", {"customer": str(customer.pk), "status": "open"}).json()["count"] == 0
    again = web.post(f"/api/v1/carts/{cart_id}/checkout/", {"fulfilment": "in_store"})
    assert again.status_code == 409 and again.json()["code"] == "cart_not_open"
    late = web.post(f"/api/v1/carts/{cart_id}/lines/", {"sku": "CAP-1", "quantity": 1})
    assert late.status_code == 409 and late.json()["code"] == "cart_not_open"


def test_cart_checkout_click_and_collect(web, catalogue, store):
    cart_id = web.post("/api/v1/carts/", {}).json()["id"]
    web.post(f"/api/v1/carts/{cart_id}/lines/", {"sku": "JKT-1", "quantity": 1})
    checkout = web.post(
        f"/api/v1/carts/{cart_id}/checkout/",
        {"fulfilment": "click_and_collect", "pickup_location": store.code, "payment": "pay_at_pickup"},
        headers={"Idempotency-Key": "co-1"},
    )
    assert checkout.status_code == 201
    assert checkout.json()["payment"] == "pay_at_pickup" and len(checkout.json()["pickup_code"]) == 6
    replay = web.post(
        f"/api/v1/carts/{cart_id}/checkout/",
        {"fulfilment": "click_and_collect", "pickup_location": store.code, "payment": "pay_at_pickup"},
        headers={"Idempotency-Key": "co-1"},
    )
    assert replay.json() == checkout.json() and Order.objects.count() == 1


def test_empty_cart_cannot_check_out(web, catalogue, store):
    cart_id = web.post("/api/v1/carts/", {}).json()["id"]
    response = web.post(
        f"/api/v1/carts/{cart_id}/checkout/", {"fulfilment": "click_and_collect", "pickup_location": store.code}
    )
    assert response.status_code == 409 and response.json()["code"] == "cart_empty"


def test_cart_bad_input(web, catalogue):
    unknown_customer = web.post("/api/v1/carts/", {"customer": "00000000-0000-0000-0000-000000000000"})
    assert unknown_customer.status_code == 400 and unknown_customer.json().keys() == {"customer"}
    cart_id = web.post("/api/v1/carts/", {}).json()["id"]
    unknown = web.post(f"/api/v1/carts/{cart_id}/lines/", {"sku": "NOPE", "quantity": 1})
    assert unknown.status_code == 400 and "sku" in unknown.json()
    assert web.post(f"/api/v1/carts/{cart_id}/lines/", {"sku": "CAP-1", "quantity": -1}).status_code == 400
    assert web.get("/api/v1/carts/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert web.get("/api/v1/carts/not-a-uuid/").status_code == 404


def test_codes_on_a_cart_and_the_same_totals_in_the_order(web, catalogue, store, customer):
    PromotionFactory(name="Caps -10%", kind="percent", value=Decimal("10"), categories=["caps"], stackable=True)
    code = DiscountCodeFactory(
        code="WELCOME5",
        promotion=PromotionFactory(
            name="Welcome 5 €", kind="amount", value=Decimal("5"), requires_code=True, stackable=True, priority=-1
        ),
    )
    cart_id = web.post("/api/v1/carts/", {"customer": str(customer.pk)}).json()["id"]
    web.post(f"/api/v1/carts/{cart_id}/lines/", {"sku": "CAP-1", "quantity": 2})
    priced = web.post(f"/api/v1/carts/{cart_id}/lines/", {"sku": "TEE-1", "quantity": 1}).json()
    assert priced["discount_total"] == "3.98"
    unknown = web.post(f"/api/v1/carts/{cart_id}/codes/", {"code": "NOPE"})
    assert unknown.status_code == 409 and unknown.json()["code"] == "code_unknown"
    with_code = web.post(f"/api/v1/carts/{cart_id}/codes/", {"code": "WELCOME5"})
    assert with_code.status_code == 200, with_code.json()
    cart = with_code.json()
    assert cart["codes"] == ["WELCOME5"] and cart["discount_total"] == "8.98" and cart["total"] == "55.82"
    assert {d["name"] for d in cart["discounts"]} == {"Caps -10%", "Welcome 5 €"}
    order = web.post(
        f"/api/v1/carts/{cart_id}/checkout/", {"fulfilment": "click_and_collect", "pickup_location": store.code}
    ).json()
    assert "number" in order, order
    assert (order["subtotal"], order["discount_total"], order["total"]) == ("64.80", "8.98", "55.82")
    assert sum(Decimal(line["discount"]) for line in order["lines"]) == Decimal("8.98")
    code.refresh_from_db()
    assert code.state == DiscountCode.State.REDEEMED

    # A second cart cannot use the single-use code; cancelling the order frees it.
    other = web.post("/api/v1/carts/", {}).json()["id"]
    web.post(f"/api/v1/carts/{other}/lines/", {"sku": "CAP-1", "quantity": 1})
    used = web.post(f"/api/v1/carts/{other}/codes/", {"code": "WELCOME5"})
    assert used.status_code == 409 and used.json()["code"] == "code_used"
    assert web.post(f"/api/v1/orders/{order['number']}/cancel/").status_code == 200
    code.refresh_from_db()
    assert code.state == DiscountCode.State.AVAILABLE
    assert web.post(f"/api/v1/carts/{other}/codes/", {"code": "WELCOME5"}).status_code == 200


def test_cart_reads_cost_constant_queries(web, catalogue, django_assert_max_num_queries):
    cart_id = web.post("/api/v1/carts/", {}).json()["id"]
    for sku in ("CAP-1", "TEE-1", "JKT-1"):
        web.post(f"/api/v1/carts/{cart_id}/lines/", {"sku": sku, "quantity": 1})
    with django_assert_max_num_queries(16):
        assert len(web.get(f"/api/v1/carts/{cart_id}/").json()["lines"]) == 3


def test_idle_carts_are_abandoned(web, catalogue):
    cart_id = web.post("/api/v1/carts/", {}).json()["id"]
    Cart.objects.filter(pk=cart_id).update(updated_at=timezone.now() - timedelta(days=31))
    assert tasks.expire_pickups()["abandoned_carts"] == 1
    assert Cart.objects.get(pk=cart_id).status == "abandoned"
    late = web.post(f"/api/v1/carts/{cart_id}/lines/", {"sku": "CAP-1", "quantity": 1})
    assert late.status_code == 409 and late.json()["code"] == "cart_not_open"
