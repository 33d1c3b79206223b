"""Services: expiry and reminders (time moved, not waited), the timeline, signals, merges."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from customers.signals import customers_merged
from customers.timeline import customer_timeline
from omni.actor import Actor
from omni.errors import InvalidTransition
from omni.models import Message
from orders import services
from orders.models import Order
from orders.signals import order_placed, order_status_changed
from tests.factories.customers import CustomerFactory
from tests.factories.orders import place_pickup, pos_actor
from tests.factories.promotions import PromotionFactory

pytestmark = pytest.mark.django_db


def test_expiry_releases_stock_and_reminds_first(catalogue, store, customer, level, settings):
    settings.OMNI_PICKUP_HOLD_DAYS = 7
    order = place_pickup(location=store, lines={"CAP-1": 3}, customer=customer)
    services.order_mark_ready(order=order, actor=pos_actor(store))
    ready_at = Order.objects.get(pk=order.pk).hold_until - timedelta(days=7)

    assert services.orders_expire(now=ready_at + timedelta(days=5)) == {"expired": 0, "reminded": 0}
    assert services.orders_expire(now=ready_at + timedelta(days=6, hours=1)) == {"expired": 0, "reminded": 1}
    assert services.orders_expire(now=ready_at + timedelta(days=6, hours=2)) == {"expired": 0, "reminded": 0}
    assert list(Message.objects.order_by("created_at").values_list("kind", flat=True)) == [
        "pickup_ready",
        "pickup_reminder",
    ]
    assert level("CAP-1", store) == (10, 3)

    assert services.orders_expire(now=ready_at + timedelta(days=7, minutes=1)) == {"expired": 1, "reminded": 0}
    order.refresh_from_db()
    assert order.status == "expired"
    assert level("CAP-1", store) == (10, 0)
    assert order.history.last().actor_label == "system"
    assert services.orders_expire(now=ready_at + timedelta(days=8)) == {"expired": 0, "reminded": 0}
    with pytest.raises(InvalidTransition):
        services.order_collect(order=order, pickup_code=services.pickup_code_for(order), actor=pos_actor(store))


def test_unprepared_pickup_expires_too(catalogue, store, level):
    order = place_pickup(location=store, lines={"TEE-1": 1})
    services.orders_expire(now=timezone.now() + timedelta(days=8))
    order.refresh_from_db()
    assert order.status == "expired" and level("TEE-1", store) == (10, 0)


def test_orders_on_the_customer_timeline(catalogue, store, customer):
    order = place_pickup(location=store, lines={"CAP-1": 1}, customer=customer)
    entries = [entry for entry in customer_timeline(customer) if entry["kind"] == "order"]
    assert entries[0]["reference"] == order.number and entries[0]["channel"] == "web"


def test_signals_fire_inside_the_transaction(catalogue, store):
    placed, changed = [], []

    def on_placed(sender, order, actor, **kwargs):
        placed.append(order.number)

    def on_changed(sender, order, from_status, to_status, actor, **kwargs):
        changed.append((from_status, to_status))

    order_placed.connect(on_placed)
    order_status_changed.connect(on_changed)
    try:
        order = place_pickup(location=store, lines={"CAP-1": 1})
        services.order_mark_ready(order=order, actor=pos_actor(store))
    finally:
        order_placed.disconnect(on_placed)
        order_status_changed.disconnect(on_changed)
    assert placed == [order.number] and changed == [("placed", "ready_for_pickup")]


def test_merged_customers_keep_their_orders(catalogue, store, customer):
    duplicate = CustomerFactory()
    order = place_pickup(location=store, lines={"CAP-1": 1}, customer=duplicate)
    customers_merged.send(sender=None, source_id=duplicate.pk, target_id=customer.pk, actor=Actor.system())
    order.refresh_from_db()
    assert order.customer_id == customer.pk


def test_merged_customers_keep_their_carts(customer):
    duplicate = CustomerFactory()
    cart = services.cart_create(actor=Actor.system(), customer=duplicate)
    customers_merged.send(sender=None, source_id=duplicate.pk, target_id=customer.pk, actor=Actor.system())
    cart.refresh_from_db()
    assert cart.customer_id == customer.pk


def test_guessing_the_pickup_code_is_slowed_down(catalogue, store, level):
    from orders.errors import InvalidPickupCode, PickupCodeLocked

    order = place_pickup(location=store, lines={"CAP-1": 1})
    pos = pos_actor(store)
    services.order_mark_ready(order=order, actor=pos)
    right = services.pickup_code_for(order)
    wrong = "000000" if right != "000000" else "111111"
    now = timezone.now()
    for attempt in range(5):
        with pytest.raises(InvalidPickupCode) as refused:
            services.order_collect(order=order, pickup_code=wrong, actor=pos, now=now)
        assert refused.value.extra["attempts_left"] == 4 - attempt
    with pytest.raises(PickupCodeLocked):
        services.order_collect(order=order, pickup_code=right, actor=pos, now=now + timedelta(minutes=5))
    assert level("CAP-1", store) == (10, 1)
    collected = services.order_collect(order=order, pickup_code=right, actor=pos, now=now + timedelta(minutes=16))
    assert collected.status == "collected" and level("CAP-1", store) == (9, 0)


def test_erasing_a_customer_keeps_the_order_but_not_the_address(catalogue, warehouse, customer):
    from customers.signals import customer_erased
    from tests.factories.orders import place_delivery

    order = place_delivery(lines={"TEE-1": 1}, customer=customer)
    customer_erased.send(sender=None, customer_id=customer.pk, actor=Actor.system())
    order.refresh_from_db()
    assert order.shipping_address == {"erased": True} and order.total == Decimal("25.00")


def test_a_sku_given_twice_is_one_line_with_both_quantities(catalogue, store, level):
    order = services.order_place(
        lines=[{"sku": "CAP-1", "quantity": 2}, {"sku": "TEE-1", "quantity": 1}, {"sku": "CAP-1", "quantity": 3}],
        fulfilment="click_and_collect",
        pickup_location=store,
        actor=Actor.system(),
    )
    assert sorted(order.lines.values_list("sku", "quantity")) == [("CAP-1", 5), ("TEE-1", 1)]
    assert level("CAP-1", store) == (10, 5)


def test_a_code_typed_with_spaces_or_twice_is_kept_once_and_a_blank_one_not_at_all(catalogue, store, customer):
    from tests.factories.promotions import DiscountCodeFactory

    DiscountCodeFactory(
        code="WELCOME5", promotion=PromotionFactory(kind="amount", value=Decimal("5"), requires_code=True)
    )
    order = place_pickup(location=store, lines={"TEE-1": 1}, customer=customer, codes=[" WELCOME5 ", "WELCOME5", ""])
    assert order.codes == ["WELCOME5"]
    assert (order.discount_total, order.total) == (Decimal("5.00"), Decimal("20.00"))
    assert place_pickup(location=store, lines={"TEE-1": 1}, codes=["", "  "]).codes == []


def test_a_number_clash_draws_again(catalogue, store, monkeypatch):
    from orders.services import placing

    first = place_pickup(location=store, lines={"CAP-1": 1})
    numbers = iter([first.number, "OM-NEW234"])
    monkeypatch.setattr(placing, "new_order_number", lambda: next(numbers))
    second = place_pickup(location=store, lines={"CAP-1": 1})
    assert second.number == "OM-NEW234"
    assert Order.objects.count() == 2
