"""More contract cases: who may do what, transitions, the root, carts idle, the ledger."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inventory.selectors import ledger_mismatches
from orders import services, tasks
from orders.models import Cart, Order
from tests.factories.orders import place_delivery, place_pickup

pytestmark = pytest.mark.django_db


def body(store):
    return {"lines": [{"sku": "CAP-1", "quantity": 1}], "fulfilment": "click_and_collect",
            "pickup_location": store.code}


def test_transitions_refused_from_the_wrong_status(web, pos, api_as, catalogue, store, warehouse):
    number = web.post("/api/v1/orders/", body(store)).json()["number"]
    early = pos.post(f"/api/v1/orders/{number}/collect/", {"pickup_code": "123456"})
    assert early.status_code == 409 and early.json()["code"] == "invalid_transition"
    assert pos.post(f"/api/v1/orders/{number}/ship/").status_code in (403, 409)
    assert pos.post(f"/api/v1/orders/{number}/ready/").status_code == 200
    again = pos.post(f"/api/v1/orders/{number}/ready/")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    missing_code = pos.post(f"/api/v1/orders/{number}/collect/", {})
    assert missing_code.status_code == 400 and "pickup_code" in missing_code.json()
    delivery = place_delivery(lines={"TEE-1": 1})
    erp = api_as("integration")
    wrong = erp.post(f"/api/v1/orders/{delivery.number}/ready/")
    assert wrong.status_code == 409 and wrong.json()["code"] == "invalid_transition"


def test_staff_session_works_on_the_api(staff_client, web, catalogue, store, other_store):
    number = web.post("/api/v1/orders/", body(store)).json()["number"]
    mine = staff_client("store_staff", locations=[store])
    theirs = staff_client("store_staff", locations=[other_store])
    assert theirs.post(f"/api/v1/orders/{number}/ready/", content_type="application/json").status_code == 403
    assert mine.post(f"/api/v1/orders/{number}/ready/", content_type="application/json").status_code == 200
    marketing = staff_client("marketing")
    assert marketing.get(f"/api/v1/orders/{number}/").status_code == 200
    refused = marketing.post("/api/v1/orders/", body(store), content_type="application/json")
    assert refused.status_code == 403
    admin = staff_client("admin")
    assert admin.post(f"/api/v1/orders/{number}/cancel/", content_type="application/json").json()["status"] == \
        "cancelled"


def test_numbers_are_case_insensitive_in_urls(web, catalogue, store):
    number = web.post("/api/v1/orders/", body(store)).json()["number"]
    assert web.get(f"/api/v1/orders/{number.lower()}/").json()["number"] == number


def test_api_root_lists_carts_and_orders(web):
    root = web.get("/api/v1/").json()
    assert root["orders"].endswith("/api/v1/orders/") and root["carts"].endswith("/api/v1/carts/")


def test_idle_carts_are_abandoned(web, catalogue):
    cart_id = web.post("/api/v1/carts/", {}).json()["id"]
    Cart.objects.filter(pk=cart_id).update(updated_at=timezone.now() - timedelta(days=31))
    assert tasks.expire_pickups()["abandoned_carts"] == 1
    assert Cart.objects.get(pk=cart_id).status == "abandoned"
    late = web.post(f"/api/v1/carts/{cart_id}/lines/", {"sku": "CAP-1", "quantity": 1})
    assert late.status_code == 409 and late.json()["code"] == "cart_not_open"


def test_the_ledger_stays_consistent_through_every_flow(web, pos, other_pos, catalogue, store, other_store):
    first = place_pickup(location=store, lines={"CAP-1": 2, "TEE-1": 1})
    services.order_mark_ready(order=first, actor=_actor(pos))
    services.order_collect(order=first, pickup_code=services.pickup_code_for(first), actor=_actor(pos))
    services.return_create(order=first, location=other_store, lines={"CAP-1": 1}, actor=_actor(other_pos))
    cancelled = place_pickup(location=store, lines={"JKT-1": 1})
    services.order_cancel(order=cancelled, actor=_actor(pos))
    place_pickup(location=store, lines={"JKT-1": 2})
    services.orders_expire(now=timezone.now() + timedelta(days=30))
    delivery = place_delivery(lines={"TEE-1": 3})
    erp = _actor_of_kind("integration")
    services.order_ship(order=delivery, actor=erp)
    services.order_deliver(order=delivery, actor=erp)
    assert ledger_mismatches() == []
    assert set(Order.objects.values_list("status", flat=True)) == {"collected", "cancelled", "expired", "delivered"}


def _actor(api):
    from omni.actor import Actor

    return Actor.for_client(api.api_client)


def _actor_of_kind(kind):
    from omni.actor import Actor
    from tests.factories.omni import make_api_client

    return Actor.for_client(make_api_client(kind)[0])
