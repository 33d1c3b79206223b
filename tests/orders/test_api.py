"""The contract's Carts and Orders sections, over HTTP with real tokens."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.models import StockMovement
from omni.models import Message
from omni.sms import MemorySmsBackend
from orders.models import Order, OrderStatusChange, Return

from .conftest import ADDRESS

pytestmark = pytest.mark.django_db


def pickup_body(store, customer=None, **extra):
    body = {
        "lines": [{"sku": "CAP-1", "quantity": 2}, {"sku": "TEE-1", "quantity": 1}],
        "fulfilment": "click_and_collect",
        "pickup_location": store.code,
        "payment": "paid",
    }
    if customer is not None:
        body["customer"] = str(customer.pk)
    body.update(extra)
    return body


def test_click_and_collect_journey(web, pos, catalogue, store, customer, level, django_capture_on_commit_callbacks):
    created = web.post("/api/v1/orders/", pickup_body(store, customer))
    assert created.status_code == 201, created.json()
    order = created.json()
    assert order["status"] == "placed" and order["channel"] == "web"
    assert order["number"].startswith("OM-") and len(order["number"]) == 9
    assert len(order["pickup_code"]) == 6 and order["pickup_code"].isdigit()
    assert order["subtotal"] == "64.80" and order["total"] == "64.80" and order["currency"] == "EUR"
    assert level("CAP-1", store) == (10, 2)
    number, code = order["number"], order["pickup_code"]

    # Nobody else sees the code, not even the same client later.
    assert "pickup_code" not in web.get(f"/api/v1/orders/{number}/").json()
    assert "pickup_code" not in pos.get(f"/api/v1/orders/{number}/").json()

    with django_capture_on_commit_callbacks(execute=True):
        ready = pos.post(f"/api/v1/orders/{number}/ready/")
    assert ready.status_code == 200, ready.json()
    assert ready.json()["status"] == "ready_for_pickup"
    assert [n["channel"] for n in ready.json()["notifications"]] == ["sms"]
    assert ready.json()["notifications"][0]["kind"] == "pickup_ready"
    sms = MemorySmsBackend.outbox[-1]
    assert code in sms.body and store.address in sms.body and store.opening_hours in sms.body

    wrong = pos.post(f"/api/v1/orders/{number}/collect/", {"pickup_code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 409 and wrong.json()["code"] == "invalid_pickup_code"
    assert level("CAP-1", store) == (10, 2)

    collected = pos.post(f"/api/v1/orders/{number}/collect/", {"pickup_code": code})
    assert collected.status_code == 200, collected.json()
    body = collected.json()
    assert body["status"] == "collected"
    assert [h["status"] for h in body["history"]] == ["placed", "ready_for_pickup", "collected"]
    assert [h["channel"] for h in body["history"]] == ["web", "store", "store"]
    assert all(h["actor"] and h["at"] for h in body["history"])
    assert level("CAP-1", store) == (8, 0)

    again = pos.post(f"/api/v1/orders/{number}/collect/", {"pickup_code": code})
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"


def test_pickup_at_a_location_without_click_and_collect(web, catalogue, store, level):
    store.click_and_collect = False
    store.save()
    response = web.post("/api/v1/orders/", pickup_body(store))
    assert response.status_code == 409 and response.json()["code"] == "pickup_not_available"
    assert level("CAP-1", store) == (10, 0)
    assert not Order.objects.exists()


def test_insufficient_stock_reserves_nothing(web, catalogue, store, level):
    body = pickup_body(store, lines=[{"sku": "CAP-1", "quantity": 2}, {"sku": "TEE-1", "quantity": 11}])
    response = web.post("/api/v1/orders/", body)
    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_stock"
    assert response.json()["sku"] == "TEE-1" and response.json()["available"] == 10
    assert level("CAP-1", store) == (10, 0) and level("TEE-1", store) == (10, 0)
    assert not Order.objects.exists()


def test_in_store_sale_is_completed_at_once(pos, catalogue, store, level):
    response = pos.post(
        "/api/v1/orders/", {"lines": [{"sku": "JKT-1", "quantity": 1}], "fulfilment": "in_store", "payment": "paid"}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "completed" and response.json()["channel"] == "store"
    assert response.json()["fulfilment_location"] == store.code
    assert level("JKT-1", store) == (9, 0)


def test_in_store_by_a_website_is_forbidden(web, catalogue):
    response = web.post("/api/v1/orders/", {"lines": [{"sku": "JKT-1", "quantity": 1}], "fulfilment": "in_store"})
    assert response.status_code == 403


def test_delivery_ships_from_the_warehouse_then_from_a_store(web, catalogue, warehouse, store, other_store, level):
    store.ship_from_store = True
    store.save()
    first = web.post(
        "/api/v1/orders/",
        {
            "lines": [{"sku": "JKT-1", "quantity": 20}],
            "fulfilment": "delivery",
            "shipping_address": ADDRESS,
            "payment": "paid",
        },
    )
    assert first.status_code == 201, first.json()
    assert first.json()["fulfilment_location"] == warehouse.code
    second = web.post(
        "/api/v1/orders/",
        {"lines": [{"sku": "JKT-1", "quantity": 3}], "fulfilment": "delivery", "shipping_address": ADDRESS},
    )
    assert second.status_code == 201, second.json()
    assert second.json()["fulfilment_location"] == store.code
    assert level("JKT-1", store) == (10, 3)
    # Lyon does not ship from store: 11 more cannot be promised anywhere.
    third = web.post(
        "/api/v1/orders/",
        {"lines": [{"sku": "JKT-1", "quantity": 8}], "fulfilment": "delivery", "shipping_address": ADDRESS},
    )
    assert third.status_code == 409 and third.json()["code"] == "insufficient_stock"


def test_delivery_flow_and_forbidden_transitions(web, api_as, catalogue, warehouse, level):
    number = web.post(
        "/api/v1/orders/",
        {"lines": [{"sku": "TEE-1", "quantity": 2}], "fulfilment": "delivery", "shipping_address": ADDRESS},
    ).json()["number"]
    erp = api_as("integration")
    assert erp.post(f"/api/v1/orders/{number}/deliver/").json()["code"] == "invalid_transition"
    # A delivery has no pickup step: the status flow refuses it, whoever asks.
    not_a_pickup = erp.post(f"/api/v1/orders/{number}/ready/")
    assert not_a_pickup.status_code == 409 and not_a_pickup.json()["code"] == "invalid_transition"
    shipped = erp.post(f"/api/v1/orders/{number}/ship/")
    assert shipped.status_code == 200 and shipped.json()["status"] == "shipped"
    assert level("TEE-1", warehouse) == (18, 0)
    assert web.post(f"/api/v1/orders/{number}/cancel/").json()["code"] == "invalid_transition"
    delivered = erp.post(f"/api/v1/orders/{number}/deliver/")
    assert delivered.json()["status"] == "delivered"
    assert web.post(f"/api/v1/orders/{number}/ship/").status_code == 403


def test_cancel_releases_stock(web, catalogue, store, level):
    number = web.post("/api/v1/orders/", pickup_body(store)).json()["number"]
    assert level("CAP-1", store) == (10, 2)
    cancelled = web.post(f"/api/v1/orders/{number}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert level("CAP-1", store) == (10, 0)
    assert web.post(f"/api/v1/orders/{number}/cancel/").json()["code"] == "invalid_transition"


def test_another_stores_pos_is_refused(web, other_pos, pos, catalogue, store, level):
    number = web.post("/api/v1/orders/", pickup_body(store)).json()["number"]
    assert other_pos.post(f"/api/v1/orders/{number}/ready/").status_code == 403
    assert other_pos.post(f"/api/v1/orders/{number}/collect/", {"pickup_code": "123456"}).status_code == 403
    assert other_pos.post(f"/api/v1/orders/{number}/cancel/").status_code == 403
    assert web.post(f"/api/v1/orders/{number}/ready/").status_code == 403
    assert Order.objects.get(number=number).status == "placed"
    assert OrderStatusChange.objects.count() == 1


def test_scoped_lists(web, pos, other_pos, api_as, catalogue, store, other_store, customer):
    web.post("/api/v1/orders/", pickup_body(store, customer))
    web.post("/api/v1/orders/", pickup_body(other_store))
    assert pos.get("/api/v1/orders/").json()["count"] == 1
    assert other_pos.get("/api/v1/orders/").json()["count"] == 1
    assert web.get("/api/v1/orders/").json()["count"] == 2
    assert api_as("app").get("/api/v1/orders/").json()["count"] == 0
    assert web.get("/api/v1/orders/", {"pickup_location": store.code}).json()["count"] == 1
    assert web.get("/api/v1/orders/", {"customer": str(customer.pk)}).json()["count"] == 1
    assert web.get("/api/v1/orders/", {"status": "placed", "channel": "web"}).json()["count"] == 2
    assert web.get("/api/v1/orders/", {"status": "nonsense"}).status_code == 400


def test_list_costs_constant_queries(web, pos, catalogue, store):
    for _ in range(2):
        web.post("/api/v1/orders/", pickup_body(store))
    with CaptureQueriesContext(connection) as few:
        web.get("/api/v1/orders/")
    for _ in range(6):
        body = pickup_body(store, lines=[{"sku": "JKT-1", "quantity": 1}])
        number = web.post("/api/v1/orders/", body).json()["number"]
        pos.post(f"/api/v1/orders/{number}/ready/")
    with CaptureQueriesContext(connection) as many:
        assert web.get("/api/v1/orders/").json()["count"] == 8
    assert len(many.captured_queries) == len(few.captured_queries) <= 12


def test_detail_and_place_cost_bounded_queries(web, catalogue, store, django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        number = web.post("/api/v1/orders/", pickup_body(store)).json()["number"]
    with django_assert_max_num_queries(10):
        assert web.get(f"/api/v1/orders/{number}/").status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lines": [{"sku": "NOPE", "quantity": 1}], "fulfilment": "delivery", "shipping_address": ADDRESS}, "lines"),
        ({"lines": [{"sku": "CAP-1", "quantity": 0}], "fulfilment": "delivery", "shipping_address": ADDRESS}, "lines"),
        ({"lines": [], "fulfilment": "delivery", "shipping_address": ADDRESS}, "lines"),
        ({"lines": [{"sku": "CAP-1", "quantity": 1}], "fulfilment": "teleport"}, "fulfilment"),
        (
            {
                "lines": [{"sku": "CAP-1", "quantity": 1}],
                "fulfilment": "click_and_collect",
                "pickup_location": "atlantis",
            },
            "pickup_location",
        ),
        ({"lines": [{"sku": "CAP-1", "quantity": 1}], "fulfilment": "click_and_collect"}, "pickup_location"),
        ({"lines": [{"sku": "CAP-1", "quantity": 1}], "fulfilment": "delivery"}, "shipping_address"),
        (
            {
                "lines": [{"sku": "CAP-1", "quantity": 1}],
                "fulfilment": "delivery",
                "shipping_address": ADDRESS,
                "payment": "pay_at_pickup",
            },
            "payment",
        ),
        (
            {
                "lines": [{"sku": "CAP-1", "quantity": 1}],
                "fulfilment": "delivery",
                "shipping_address": ADDRESS,
                "customer": "00000000-0000-0000-0000-000000000000",
            },
            "customer",
        ),
        (
            {
                "lines": [{"sku": "CAP-1", "quantity": 1}],
                "fulfilment": "delivery",
                "shipping_address": ADDRESS,
                "customer": "not-a-uuid",
            },
            "customer",
        ),
        ({"lines": "CAP-1", "fulfilment": "delivery", "shipping_address": ADDRESS}, "lines"),
        (
            {"lines": [{"sku": "CAP-1", "quantity": "a lot"}], "fulfilment": "delivery", "shipping_address": ADDRESS},
            "lines",
        ),
    ],
)
def test_bad_input_names_the_field(web, catalogue, body, field):
    response = web.post("/api/v1/orders/", body)
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert not Order.objects.exists()


def test_unknown_order_is_404_and_no_credentials_401(web, client, catalogue):
    assert web.get("/api/v1/orders/OM-NOPE00/").status_code == 404
    assert web.post("/api/v1/orders/OM-NOPE00/ready/").status_code == 404
    assert client.get("/api/v1/orders/").status_code == 401


def test_idempotent_replay(web, catalogue, store, level):
    headers = {"Idempotency-Key": "order-42"}
    first = web.post("/api/v1/orders/", pickup_body(store), headers=headers)
    replay = web.post("/api/v1/orders/", pickup_body(store), headers=headers)
    assert first.status_code == replay.status_code == 201
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()  # pickup code included
    assert len(first.json()["pickup_code"]) == 6
    # ...though the record keeps no pickup code: the replay derives it from the order again.
    from omni.models import IdempotencyRecord

    stored = IdempotencyRecord.objects.get(key="order-42").response_body
    assert "pickup_code" not in stored
    assert Order.objects.count() == 1 and level("CAP-1", store) == (10, 2)
    other = web.post("/api/v1/orders/", pickup_body(store, lines=[{"sku": "JKT-1", "quantity": 1}]), headers=headers)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert Order.objects.count() == 1


def test_idempotent_refusal_is_replayed(web, catalogue, store, level):
    headers = {"Idempotency-Key": "too-many"}
    body = pickup_body(store, lines=[{"sku": "CAP-1", "quantity": 50}])
    assert web.post("/api/v1/orders/", body, headers=headers).status_code == 409
    replay = web.post("/api/v1/orders/", body, headers=headers)
    assert replay.status_code == 409 and replay.headers["Idempotent-Replayed"] == "true"


def test_returns_anywhere(web, pos, other_pos, catalogue, store, other_store, level):
    order = web.post("/api/v1/orders/", pickup_body(store)).json()
    number = order["number"]
    early = other_pos.post(
        f"/api/v1/orders/{number}/returns/", {"location": other_store.code, "lines": [{"sku": "CAP-1", "quantity": 1}]}
    )
    assert early.status_code == 409 and early.json()["code"] == "invalid_transition"
    pos.post(f"/api/v1/orders/{number}/ready/")
    pos.post(f"/api/v1/orders/{number}/collect/", {"pickup_code": order["pickup_code"]})

    response = other_pos.post(
        f"/api/v1/orders/{number}/returns/", {"location": other_store.code, "lines": [{"sku": "CAP-1", "quantity": 1}]}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["refund_amount"] == "19.90"
    assert response.json()["lines"] == [
        {"sku": "CAP-1", "quantity": 1, "condition": "resellable", "refund_amount": "19.90"}
    ]
    assert level("CAP-1", other_store) == (6, 0)
    assert StockMovement.objects.filter(kind="return", location=other_store).count() == 1

    too_many = other_pos.post(
        f"/api/v1/orders/{number}/returns/", {"location": other_store.code, "lines": [{"sku": "CAP-1", "quantity": 2}]}
    )
    assert too_many.status_code == 409 and too_many.json()["code"] == "return_exceeds_order"
    not_bought = other_pos.post(
        f"/api/v1/orders/{number}/returns/", {"location": other_store.code, "lines": [{"sku": "JKT-1", "quantity": 1}]}
    )
    assert not_bought.status_code == 409 and not_bought.json()["code"] == "return_exceeds_order"
    elsewhere = other_pos.post(
        f"/api/v1/orders/{number}/returns/", {"location": store.code, "lines": [{"sku": "CAP-1", "quantity": 1}]}
    )
    assert elsewhere.status_code == 403
    assert (
        web.post(
            f"/api/v1/orders/{number}/returns/", {"location": store.code, "lines": [{"sku": "CAP-1", "quantity": 1}]}
        ).status_code
        == 403
    )
    unknown = other_pos.post(
        f"/api/v1/orders/{number}/returns/", {"location": "atlantis", "lines": [{"sku": "CAP-1", "quantity": 1}]}
    )
    assert unknown.status_code == 400 and "location" in unknown.json()
    assert Return.objects.count() == 1 and level("CAP-1", other_store) == (6, 0)

    rest = pos.post(
        f"/api/v1/orders/{number}/returns/",
        {"location": store.code, "lines": [{"sku": "CAP-1", "quantity": 1}, {"sku": "TEE-1", "quantity": 1}]},
    )
    assert rest.status_code == 201 and rest.json()["refund_amount"] == "44.90"
    detail = web.get(f"/api/v1/orders/{number}/").json()
    assert sum(Decimal(r["refund_amount"]) for r in detail["returns"]) == Decimal(detail["total"])


def test_ready_notifies_by_email_without_sms_consent(web, pos, catalogue, store, customer):
    customer.sms_consent, customer.email_consent = False, True
    customer.save()
    number = web.post("/api/v1/orders/", pickup_body(store, customer)).json()["number"]
    body = pos.post(f"/api/v1/orders/{number}/ready/").json()
    assert [n["channel"] for n in body["notifications"]] == ["email"]
    assert Message.objects.get().recipient == customer.email


def test_anonymous_order_sends_nothing(web, pos, catalogue, store):
    number = web.post("/api/v1/orders/", pickup_body(store)).json()["number"]
    assert pos.post(f"/api/v1/orders/{number}/ready/").json()["notifications"] == []


def test_merged_customer_ids_stand_for_the_target_and_erased_ones_are_refused(web, catalogue, store, customer):
    from tests.factories.customers import CustomerFactory

    duplicate = CustomerFactory(merged_into=customer)
    created = web.post("/api/v1/orders/", pickup_body(store, duplicate))
    assert created.status_code == 201 and created.json()["customer"] == str(customer.pk)
    erased = CustomerFactory(is_erased=True)
    refused = web.post("/api/v1/orders/", pickup_body(store, erased))
    assert refused.status_code == 400 and "customer" in refused.json()


def test_a_quote_a_cart_and_an_order_refuse_the_same_quantity_with_the_same_answer(web, catalogue, store):
    """One cap for a line's units: a quote never prices what an order or a cart refuses."""
    from promotions.pricing import MAX_LINE_QUANTITY

    too_many = [{"sku": "CAP-1", "quantity": MAX_LINE_QUANTITY + 1}]
    quote = web.post("/api/v1/pricing/quote/", {"lines": too_many})
    order = web.post("/api/v1/orders/", {**pickup_body(store), "lines": too_many})
    cart = web.post("/api/v1/carts/", {}).json()["id"]
    line = web.post(f"/api/v1/carts/{cart}/lines/", too_many[0])
    answers = [quote, order, line]
    assert [answer.status_code for answer in answers] == [400, 400, 400]
    # DRF writes a list serializer's errors by index ({"0": ...}); the quote's line list its own way.
    quote_error, order_error = quote.json()["lines"][0], order.json()["lines"]["0"]
    assert quote_error == order_error == {"quantity": line.json()["quantity"]}
    most = [{"sku": "CAP-1", "quantity": MAX_LINE_QUANTITY}]
    assert web.post("/api/v1/pricing/quote/", {"lines": most}).status_code == 200
    assert not Order.objects.exists()
