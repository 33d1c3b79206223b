"""Returns that respect promotions (api-contract.md): the refund is what was paid minus
what the kept lines cost priced again, with the order's own promotions and codes as they
stood at placement; reasons, item conditions, refund methods and the order's status."""

from decimal import Decimal

import pytest

from customers.timeline import customer_timeline
from inventory.models import StockMovement
from orders import services
from orders.models import Order, Return
from orders.services import ReturnItem
from promotions.models import Promotion
from tests.factories.inventory import ProductFactory, stock
from tests.factories.orders import pos_actor, sell_in_store
from tests.factories.promotions import DiscountCodeFactory, PromotionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bags(store):
    """A bag at 119.45, sold "buy 2, get the 3rd free"."""
    bag = ProductFactory(sku="BAG-1", name="Sac cabas", category="bags", price=Decimal("119.45"))
    stock(bag, store, 10)
    PromotionFactory(name="3 for 2", kind="buy_x_get_y", value=None, buy_quantity=2, get_quantity=1, skus=["BAG-1"])
    return bag


def _return(order, location, lines, **kwargs):
    return services.return_create(order=order, location=location, lines=lines, actor=pos_actor(location), **kwargs)


def test_a_free_unit_kept_is_no_longer_free(bags, store, other_store):
    order = sell_in_store(location=store, lines={"BAG-1": 3})
    assert order.total == Decimal("238.90")

    first = _return(order, other_store, {"BAG-1": 2})
    # The one bag kept costs its full price: what was paid less that is refunded.
    assert first.refund_amount == Decimal("119.45")
    last = _return(order, other_store, {"BAG-1": 1})
    assert last.refund_amount == Decimal("119.45")
    assert first.refund_amount + last.refund_amount == order.total


def test_returning_the_free_unit_refunds_nothing(bags, store):
    order = sell_in_store(location=store, lines={"BAG-1": 3})
    assert _return(order, store, {"BAG-1": 1}).refund_amount == Decimal("0.00")
    assert _return(order, store, {"BAG-1": 2}).refund_amount == Decimal("238.90")


def test_a_minimum_no_longer_reached_takes_its_discount_back(catalogue, store):
    PromotionFactory(name="10 % from 100 €", kind="percent", value=Decimal("10"), min_subtotal=Decimal("100"))
    order = sell_in_store(location=store, lines={"JKT-1": 1, "TEE-1": 1})  # 114.00 - 11.40
    assert order.total == Decimal("102.60")
    # The jacket kept alone (89.00) is under the minimum: it costs its full price.
    assert _return(order, store, {"TEE-1": 1}).refund_amount == Decimal("13.60")
    assert _return(order, store, {"JKT-1": 1}).refund_amount == Decimal("89.00")


def test_todays_promotions_change_nothing(bags, store):
    order = sell_in_store(location=store, lines={"BAG-1": 3})
    Promotion.objects.update(is_active=False)
    PromotionFactory(name="Everything half price", kind="percent", value=Decimal("50"))
    assert _return(order, store, {"BAG-1": 2}).refund_amount == Decimal("119.45")


def test_a_code_counts_as_it_did_at_placement(catalogue, store):
    code = DiscountCodeFactory(promotion__kind="amount", promotion__value=Decimal("15"), single_use=True)
    order = services.order_place(
        lines=[{"sku": "TEE-1", "quantity": 2}], fulfilment="in_store", codes=[code.code], actor=pos_actor(store)
    )
    assert order.total == Decimal("35.00")  # the code is used up now
    # The tee kept still has the code's 15.00 off: 10.00 kept, 25.00 back.
    assert _return(order, store, {"TEE-1": 1}).refund_amount == Decimal("25.00")
    assert _return(order, store, {"TEE-1": 1}).refund_amount == Decimal("10.00")


def test_over_all_returns_exactly_what_was_paid(catalogue, store):
    PromotionFactory(kind="amount", value=Decimal("10"))  # 10 € off, spread over the lines
    order = sell_in_store(location=store, lines={"CAP-1": 3, "JKT-1": 1})
    refunds = [_return(order, store, {"CAP-1": 1}).refund_amount for _ in range(3)]
    refunds.append(_return(order, store, {"JKT-1": 1}).refund_amount)
    # Each cap back while the jacket stays: the jacket keeps the whole 10 € off.
    assert refunds == [Decimal("19.90")] * 3 + [Decimal("79.00")]
    assert sum(refunds) == order.total


def test_orders_placed_before_the_basis_refund_each_lines_share(catalogue, store):
    PromotionFactory(kind="amount", value=Decimal("10"))
    order = sell_in_store(location=store, lines={"CAP-1": 3, "JKT-1": 1})
    Order.objects.filter(pk=order.pk).update(pricing_basis=None)
    cap = order.lines.get(sku="CAP-1")
    refunds = [_return(order, store, {"CAP-1": 1}).refund_amount for _ in range(3)]
    assert sum(refunds) == cap.total and max(refunds) - min(refunds) <= Decimal("0.01")


def test_damaged_units_are_received_then_written_off(catalogue, store, other_store, level):
    order = sell_in_store(location=store, lines={"CAP-1": 3})
    on_hand_before = level("CAP-1", other_store)[0]
    order_return = _return(
        order, other_store, [ReturnItem("CAP-1", 2, "damaged"), ReturnItem("CAP-1", 1, "resellable")],
        reason="damaged",
    )
    assert level("CAP-1", other_store)[0] == on_hand_before + 1  # only the resellable one is back on sale
    movements = StockMovement.objects.filter(reference=order_return.number).order_by("pk")
    assert [(m.kind, m.on_hand_delta) for m in movements] == [("return", 3), ("write_off", -2)]
    assert sorted((line.condition, line.quantity) for line in order_return.lines.all()) == [
        ("damaged", 2), ("resellable", 1)
    ]
    assert sum(line.refund_amount for line in order_return.lines.all()) == order_return.refund_amount


def test_the_orders_status_and_history_follow(catalogue, store):
    order = sell_in_store(location=store, lines={"CAP-1": 2, "TEE-1": 1})
    first = _return(order, store, {"CAP-1": 1}, reason="wrong_size")
    assert first.number == f"{order.number}-R1" and first.reason == "wrong_size"
    order.refresh_from_db()
    assert order.status == "partially_returned"
    _return(order, store, {"CAP-1": 1})
    order.refresh_from_db()
    assert order.status == "partially_returned"
    third = _return(order, store, {"TEE-1": 1})
    assert third.number == f"{order.number}-R3"
    order.refresh_from_db()
    assert order.status == "returned"
    assert [change.status for change in order.history.all()] == ["completed", "partially_returned", "returned"]


def test_the_return_is_on_the_customers_timeline(catalogue, store, customer):
    order = sell_in_store(location=store, lines={"CAP-1": 1}, customer=customer)
    order_return = _return(order, store, {"CAP-1": 1}, reason="changed_mind", refund_method="original")
    entries = [entry for entry in customer_timeline(customer) if entry["kind"] == "return"]
    assert [entry["reference"] for entry in entries] == [order_return.number]
    assert "19.90" in entries[0]["summary"].replace(",", ".")


def test_the_api_takes_reason_condition_and_method(catalogue, store, pos, level):
    order = sell_in_store(location=store, lines={"CAP-1": 2})
    on_hand = level("CAP-1", store)[0]
    url = f"/api/v1/orders/{order.number}/returns/"
    response = pos.post(url, {
        "location": store.code, "reason": "not_as_described", "refund_method": "original",
        "lines": [{"sku": "CAP-1", "quantity": 1, "condition": "damaged"}],
    })
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"] == f"{order.number}-R1"
    assert body["reason"] == "not_as_described" and body["refund_method"] == "original"
    assert body["loyalty_points_reversed"] == 0
    assert body["lines"] == [{"sku": "CAP-1", "quantity": 1, "condition": "damaged", "refund_amount": "19.90"}]
    assert level("CAP-1", store)[0] == on_hand
    assert pos.get(f"/api/v1/orders/{order.number}/").json()["status"] == "partially_returned"


@pytest.mark.parametrize("change", [
    {"reason": "bored"},
    {"refund_method": "cash_in_hand"},
    {"lines": [{"sku": "CAP-1", "quantity": 1, "condition": "scratched"}]},
])
def test_unknown_reason_condition_or_method_is_400_and_changes_nothing(catalogue, store, pos, level, change):
    order = sell_in_store(location=store, lines={"CAP-1": 2})
    on_hand = level("CAP-1", store)[0]
    body = {"location": store.code, "lines": [{"sku": "CAP-1", "quantity": 1}], **change}
    response = pos.post(f"/api/v1/orders/{order.number}/returns/", body)
    assert response.status_code == 400
    assert set(response.json()) == set(change)
    assert Return.objects.count() == 0 and level("CAP-1", store)[0] == on_hand
    assert Order.objects.get(pk=order.pk).status == "completed"


def test_a_delivery_paid_on_delivery_is_paid_once_delivered(catalogue, web, api_as):
    body = {"lines": [{"sku": "TEE-1", "quantity": 1}], "fulfilment": "delivery", "payment": "pay_on_delivery",
            "shipping_address": {"line1": "4 rue des Lilas", "postcode": "69003", "city": "Lyon", "country": "FR"}}
    created = web.post("/api/v1/orders/", body)
    assert created.status_code == 201 and created.json()["payment"] == "pay_on_delivery"
    number = created.json()["number"]
    erp = api_as("integration")
    erp.post(f"/api/v1/orders/{number}/ship/")
    delivered = erp.post(f"/api/v1/orders/{number}/deliver/")
    assert delivered.json()["status"] == "delivered" and delivered.json()["payment"] == "paid"


def test_pay_on_delivery_is_for_home_delivery_only(catalogue, store, web):
    body = {"lines": [{"sku": "TEE-1", "quantity": 1}], "fulfilment": "click_and_collect",
            "pickup_location": store.code, "payment": "pay_on_delivery"}
    response = web.post("/api/v1/orders/", body)
    assert response.status_code == 400 and "payment" in response.json()
    assert not Order.objects.exists()
