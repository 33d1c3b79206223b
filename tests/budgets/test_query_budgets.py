"""Query budgets per API endpoint: the number of SQL queries of one request, whatever the
size of what it reads (1 vs 10 cart or order lines, 1 vs 20 locations, 10 vs 1,000
promotions).

Each request goes through the Django test client with a real API token (``api_as``), after
one warm-up request of the same kind, so that process-wide caches (content types) do not
count. Reads aim at 3 queries or fewer (authentication, then the rows); an endpoint that
costs more today has its present count as its budget, so that it cannot grow unnoticed.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories.customers import CustomerFactory
from tests.factories.inventory import ProductFactory, stock
from tests.factories.omni import LocationFactory
from tests.factories.orders import place_pickup
from tests.factories.promotions import PromotionFactory

SIZES = {"lines": (1, 10), "locations": (1, 20), "promotions": (10, 1000)}

# endpoint -> (what grows, the budget in queries, the caller). Counts measured on SQLite
# and PostgreSQL alike (2026-11-23); every one is the same at both sizes.
# "over 3" marks a read that costs more than 3 today: its present count is its budget.
BUDGETS: dict[str, tuple[str, int, str]] = {
    "GET /locations/": ("locations", 3, "web"),
    "GET /products/": ("lines", 4, "web"),  # over 3: token, count, rows, channel prices
    "GET /products/{sku}/": ("locations", 3, "web"),
    "GET /stock/{sku}/": ("locations", 3, "web"),
    "GET /stock/?skus=": ("locations", 3, "web"),
    "GET /customers/{id}/": ("lines", 4, "call_centre"),  # over 3: token, customer, channels, segments
    "GET /customers/{id}/timeline/": ("lines", 9, "call_centre"),  # over 3: customer (3) + one per entry kind
    "POST /pricing/quote/ (lines)": ("lines", 5, "web"),  # over 3: token, products, prices, segments, promotions
    "POST /pricing/quote/ (promotions)": ("promotions", 5, "web"),
    "GET /carts/{id}/ (lines)": ("lines", 7, "web"),  # over 3: cart, lines, then the quote
    "GET /carts/{id}/ (promotions)": ("promotions", 7, "web"),
    "GET /orders/{number}/": ("lines", 6, "web"),  # over 3: token, order, lines, history, returns, messages
    "GET /orders/": ("lines", 7, "web"),  # over 3: token, count, rows, then the same four reads
    "GET /promotions/": ("promotions", 4, "integration"),  # over 3: token, count, rows, segments
    # Writes: their present count.
    "POST /stock/movements/": ("locations", 10, "integration"),
    "POST /carts/{id}/lines/": ("lines", 20, "web"),
    "POST /orders/": ("lines", 27, "web"),
    "POST /carts/{id}/checkout/": ("lines", 33, "web"),  # the issue asks <= 25
}

def _products(n: int, location) -> list[str]:
    skus = []
    for _ in range(n):
        product = ProductFactory(price=Decimal("20.00"))
        stock(product, location, 1000)
        skus.append(product.sku)
    return skus


def _promotions(n: int) -> None:
    """``n`` running promotions, most targeting SKUs nobody buys, one on every line."""
    from promotions.models import Promotion

    PromotionFactory(name="Everything -10%", value=Decimal("10"))
    Promotion.objects.bulk_create(
        [
            Promotion(name=f"Promo {i}", kind="percent", value=Decimal("5"), channels=[], skus=[f"OTHER-{i}"],
                      categories=[], is_active=True, stackable=bool(i % 2), priority=i % 7)
            for i in range(n - 1)
        ]
    )


def _cart(api, skus: list[str]) -> str:
    cart = api.post("/api/v1/carts/", {}).json()["id"]
    for sku in skus:
        assert api.post(f"/api/v1/carts/{cart}/lines/", {"sku": sku, "quantity": 1}).status_code == 200
    return cart


@pytest.fixture
def scenario(api_as, store, warehouse):
    """``scenario(endpoint, size)`` -> (caller, make_request); each ``make_request()``
    prepares what it needs (outside the count) and returns ``(method, path, body, status)``."""

    def build(endpoint: str, size: int):
        dimension, _budget, kind = BUDGETS[endpoint]
        api = api_as(kind, location=store if kind == "pos" else None)
        n_lines = size if dimension == "lines" else 1
        if dimension == "locations":
            for i in range(size - 1):
                LocationFactory(code=f"extra-{i}")
        skus = _products(n_lines, store)
        if dimension == "promotions":
            _promotions(size)
        sku = skus[0]
        lines = [{"sku": s, "quantity": 1} for s in skus]

        if endpoint == "GET /locations/":
            return api, lambda: ("GET", "/api/v1/locations/?page_size=200", None, 200)
        if endpoint == "GET /products/":
            return api, lambda: ("GET", "/api/v1/products/?page_size=200", None, 200)
        if endpoint == "GET /products/{sku}/":
            return api, lambda: ("GET", f"/api/v1/products/{sku}/", None, 200)
        if endpoint == "GET /stock/{sku}/":
            return api, lambda: ("GET", f"/api/v1/stock/{sku}/", None, 200)
        if endpoint == "GET /stock/?skus=":
            from omni.models import Location

            for location in Location.objects.all():
                stock(ProductFactory._meta.model.objects.get(sku=sku), location, 5)
            return api, lambda: ("GET", f"/api/v1/stock/?skus={sku}", None, 200)
        if endpoint == "POST /stock/movements/":
            return api, lambda: ("POST", "/api/v1/stock/movements/",
                                 {"sku": sku, "location": store.code, "kind": "receipt", "quantity": 2}, 201)
        if endpoint in ("GET /customers/{id}/", "GET /customers/{id}/timeline/"):
            customer = CustomerFactory(channels=["web", "store"])
            for _ in range(size):
                place_pickup(location=store, lines={s: 1 for s in skus}, customer=customer)
            suffix = "timeline/" if "timeline" in endpoint else ""
            return api, lambda: ("GET", f"/api/v1/customers/{customer.pk}/{suffix}", None, 200)
        if endpoint.startswith("POST /pricing/quote/"):
            return api, lambda: ("POST", "/api/v1/pricing/quote/", {"lines": lines}, 200)
        if endpoint.startswith("GET /carts/{id}/"):
            cart = _cart(api, skus)
            return api, lambda: ("GET", f"/api/v1/carts/{cart}/", None, 200)
        if endpoint == "POST /carts/{id}/lines/":
            cart = _cart(api, skus)
            extra = _products(1, store)[0]
            return api, lambda: ("POST", f"/api/v1/carts/{cart}/lines/", {"sku": extra, "quantity": 1}, 200)
        if endpoint == "POST /carts/{id}/checkout/":
            return api, lambda: ("POST", f"/api/v1/carts/{_cart(api, skus)}/checkout/",
                                 {"fulfilment": "click_and_collect", "pickup_location": store.code,
                                  "payment": "paid"}, 201)
        if endpoint == "POST /orders/":
            return api, lambda: ("POST", "/api/v1/orders/",
                                 {"lines": lines, "fulfilment": "click_and_collect",
                                  "pickup_location": store.code, "payment": "paid"}, 201)
        if endpoint == "GET /orders/{number}/":
            order = place_pickup(location=store, lines={s: 1 for s in skus}, actor=None)
            return api, lambda: ("GET", f"/api/v1/orders/{order.number}/", None, 200)
        if endpoint == "GET /orders/":
            for _ in range(size):
                place_pickup(location=store, lines={s: 1 for s in skus})
            return api, lambda: ("GET", "/api/v1/orders/?page_size=200", None, 200)
        if endpoint == "GET /promotions/":
            return api, lambda: ("GET", "/api/v1/promotions/", None, 200)
        raise AssertionError(endpoint)

    return build


def send(api, method, path, body):
    return api.get(path) if method == "GET" else api.post(path, body)


CASES = [(endpoint, size) for endpoint, (dimension, _b, _k) in BUDGETS.items() for size in SIZES[dimension]]


@pytest.mark.parametrize(("endpoint", "size"), CASES, ids=[f"{e} x{s}" for e, s in CASES])
def test_query_budget(endpoint, size, scenario, django_assert_max_num_queries):
    api, make_request = scenario(endpoint, size)
    method, path, body, expected = make_request()
    warm = send(api, method, path, body)
    assert warm.status_code == expected, warm.content[:400]
    method, path, body, expected = make_request()
    with django_assert_max_num_queries(BUDGETS[endpoint][1]):
        response = send(api, method, path, body)
    assert response.status_code == expected, response.content[:400]
