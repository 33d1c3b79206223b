"""The status flow through the API and the services: transitions refused from the wrong
status, and the stock ledger consistent after every flow an order can take."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inventory.selectors import ledger_mismatches
from orders import services
from orders.models import Order
from tests.factories.orders import place_delivery, place_pickup

pytestmark = pytest.mark.django_db


def body(store):
    return {
        "lines": [{"sku": "CAP-1", "quantity": 1}],
        "fulfilment": "click_and_collect",
        "pickup_location": store.code,
    }


def test_transitions_refused_from_the_wrong_status(web, pos, api_as, catalogue, store, warehouse):
    number = web.post("/api/v1/orders/", body(store)).json()["number"]
    early = pos.post(f"/api/v1/orders/{number}/collect/", {"pickup_code": "123456"})
    assert early.status_code == 409 and early.json()["code"] == "invalid_transition"
    # The pickup store's POS may act on this order, but a pickup is never shipped: the
    # status flow refuses it.
    not_a_delivery = pos.post(f"/api/v1/orders/{number}/ship/")
    assert not_a_delivery.status_code == 409 and not_a_delivery.json()["code"] == "invalid_transition"
    assert pos.post(f"/api/v1/orders/{number}/ready/").status_code == 200
    again = pos.post(f"/api/v1/orders/{number}/ready/")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    missing_code = pos.post(f"/api/v1/orders/{number}/collect/", {})
    assert missing_code.status_code == 400 and "pickup_code" in missing_code.json()
    delivery = place_delivery(lines={"TEE-1": 1})
    erp = api_as("integration")
    wrong = erp.post(f"/api/v1/orders/{delivery.number}/ready/")
    assert wrong.status_code == 409 and wrong.json()["code"] == "invalid_transition"


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
    statuses = set(Order.objects.values_list("status", flat=True))
    assert statuses == {"partially_returned", "cancelled", "expired", "delivered"}


def _actor(api):
    from omni.actor import Actor

    return Actor.for_client(api.api_client)


def _actor_of_kind(kind):
    from omni.actor import Actor
    from tests.factories.omni import make_api_client

    return Actor.for_client(make_api_client(kind)[0])
