"""Never a 500: every orders endpoint fed with nonsense answers 4xx."""

import pytest

from orders import services
from tests.factories.orders import place_pickup, pos_actor, sell_in_store

pytestmark = pytest.mark.django_db

GARBAGE = [
    None,
    [],
    "x",
    0,
    {"lines": {"sku": 1}},
    {"quantity": "many", "sku": ["a"]},
    {"fulfilment": None},
    {"pickup_code": {"a": 1}},
    {"location": 12, "lines": [{"sku": None, "quantity": None}]},
    {"customer": {"id": 1}},
    {"code": ""},
    {"lines": [{"sku": "CAP-1", "quantity": 10**12}]},
    {"shipping_address": "a string", "fulfilment": "delivery", "lines": [{"sku": "CAP-1", "quantity": 1}]},
]


def test_nonsense_input_never_makes_a_server_error(web, pos, catalogue, store):
    cart_id = web.post("/api/v1/carts/", {}).json()["id"]
    web.post(f"/api/v1/carts/{cart_id}/lines/", {"sku": "CAP-1", "quantity": 1})
    order = place_pickup(location=store, lines={"CAP-1": 1})
    services.order_mark_ready(order=order, actor=pos_actor(store))
    sold = sell_in_store(location=store, lines={"TEE-1": 1})
    posts = [
        "/api/v1/carts/",
        f"/api/v1/carts/{cart_id}/lines/",
        f"/api/v1/carts/{cart_id}/codes/",
        f"/api/v1/carts/{cart_id}/checkout/",
        "/api/v1/orders/",
        f"/api/v1/orders/{order.number}/collect/",
        f"/api/v1/orders/{order.number}/cancel/",
        f"/api/v1/orders/{sold.number}/returns/",
    ]
    for path in posts:
        for body in GARBAGE:
            response = pos.post(path, body)
            assert response.status_code < 500, (path, body, response.status_code, response.content[:300])
    for body in GARBAGE:
        assert web.patch(f"/api/v1/carts/{cart_id}/lines/CAP-1/", body).status_code < 500
        assert web.patch(f"/api/v1/carts/{cart_id}/", body).status_code < 500
    for query in ({"status": "x"}, {"customer": "x"}, {"page": "x"}, {"page_size": "-1"}, {"pickup_location": "?"}):
        assert web.get("/api/v1/orders/", query).status_code < 500
        assert web.get("/api/v1/carts/", query).status_code < 500
