"""Query budgets per API endpoint: the number of SQL queries of one request, whatever the
size of what it reads (1 vs 10 cart or order lines, 1 vs 20 locations, 10 vs 1,000
promotions).

Each request goes through the Django test client with a real API token (``api_as``), after
one warm-up request of the same kind, so that process-wide caches (content types) do not
count. Reads aim at 3 queries or fewer; an endpoint that costs more today has its present
count as its budget, so that it cannot grow unnoticed. Counts are those production runs:
see ``production_count``.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories.customers import CustomerFactory
from tests.factories.inventory import ProductFactory, stock
from tests.factories.omni import LocationFactory
from tests.factories.orders import place_pickup
from tests.factories.promotions import DiscountCodeFactory, PromotionFactory

SIZES = {"lines": (1, 10), "locations": (1, 20), "promotions": (10, 1000), "orders": (1, 8)}

# endpoint -> (what grows, the budget in queries, the caller). Counts measured on SQLite
# and PostgreSQL alike (2026-11-23); every one is the same at both sizes. The API client
# behind a token is cached (omni.authentication), so a request's queries are its own work,
# and list pages carry their total in the page's query (omni.pagination).
# "over 3" marks a read that costs more than 3: its present count is its budget.
BUDGETS: dict[str, tuple[str, int, str]] = {
    "GET /locations/": ("locations", 1, "web"),
    # The products, then their channel prices (one prefetch, inventory.selectors).
    "GET /products/": ("lines", 2, "web"),
    "GET /products/{sku}/": ("locations", 2, "web"),
    # The active locations (saying whether the product exists), then its levels: two
    # prepared statements.
    "GET /stock/{sku}/": ("locations", 2, "web"),
    "GET /stock/?skus=": ("locations", 2, "web"),
    # The known SKUs (saying whether the location exists), then their levels there.
    "GET /stock/?skus=&location=": ("lines", 2, "web"),
    "GET /customers/{id}/": ("lines", 3, "call_centre"),  # customer, channels, segments
    # Over 3: the customer, then one read per kind of entry (contacts, messages, consents,
    # orders, returns, points, touchpoints), each from the app that owns it (customers.timeline's registry).
    "GET /customers/{id}/timeline/": ("lines", 8, "call_centre"),
    "POST /pricing/quote/ (lines)": ("lines", 3, "web"),  # products, their channel prices, promotions
    "POST /pricing/quote/ (promotions)": ("promotions", 3, "web"),
    "GET /carts/{id}/ (lines)": ("lines", 4, "web"),  # cart, lines with products, their prices, promotions
    "GET /carts/{id}/ (promotions)": ("promotions", 4, "web"),
    # Over 3: the orders, then one prefetch each for their lines, history, messages and
    # returns (the returns' lines only when some order has returns).
    "GET /orders/{number}/": ("lines", 5, "web"),
    "GET /orders/": ("lines", 5, "web"),
    # The app follows a customer's orders of every channel, however many: the customer (a
    # merged duplicate stands for its target), then the orders as above.
    "GET /orders/?customer=": ("orders", 6, "app"),
    # Public: the order with its lines, history and returns (not its messages), and the
    # visit recorded for journeys.
    "GET /orders/track/{token}/": ("lines", 5, "app"),
    "GET /promotions/": ("promotions", 2, "integration"),  # rows, segments
    # Writes: their present count.
    "POST /stock/movements/": ("locations", 7, "integration"),
    "POST /carts/{id}/lines/": ("lines", 14, "web"),
    # A new order's answer is read back like any other (its lines, history, messages and
    # returns: four prefetches on the order in memory), not assembled from what placing it wrote.
    "POST /orders/": ("lines", 19, "web"),
    # Actions on an order: the service reads it under its lock, the answer with its details.
    "POST /orders/{number}/ready/": ("lines", 10, "pos"),
    # A customer's order with a single-use code: the code and its promotion are checked
    # again under the promotion's lock, and the redemption is a touchpoint of its own; the
    # loyalty programme is read for the points the customer earns.
    "POST /orders/ (code)": ("lines", 38, "web"),
    # With a customer, a promotion that applies and an Idempotency-Key, as the web shop sends it.
    # The cart's row, then under its lock the cart and its lines again; the answer as above.
    "POST /carts/{id}/checkout/": ("lines", 29, "web"),  # with the programme read, as above
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
        if endpoint == "GET /stock/?skus=&location=":
            return api, lambda: ("GET", f"/api/v1/stock/?skus={','.join(skus)}&location={store.code}", None, 200)
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
            # As the web shop checks out: a known customer, a promotion that applies, a retry key.
            customer = CustomerFactory(channels=["web"])
            PromotionFactory(name="Web week -10%", value=Decimal("10"))

            def checkout():
                cart = _cart(api, skus)
                assert api.patch(f"/api/v1/carts/{cart}/", {"customer": str(customer.pk)}).status_code == 200
                return ("POST", f"/api/v1/carts/{cart}/checkout/",
                        {"fulfilment": "click_and_collect", "pickup_location": store.code, "payment": "paid"}, 201,
                        {"Idempotency-Key": uuid.uuid4().hex})

            return api, checkout
        if endpoint == "POST /orders/":
            return api, lambda: ("POST", "/api/v1/orders/",
                                 {"lines": lines, "fulfilment": "click_and_collect",
                                  "pickup_location": store.code, "payment": "paid"}, 201)
        if endpoint == "POST /orders/ (code)":
            customer = CustomerFactory(channels=["web"])
            promotion = PromotionFactory(name="Newsletter -5 EUR", kind="amount", value=Decimal("5"),
                                         requires_code=True)

            def order_with_code():
                code = DiscountCodeFactory(promotion=promotion).code
                return ("POST", "/api/v1/orders/",
                        {"lines": lines, "fulfilment": "click_and_collect", "pickup_location": store.code,
                         "customer": str(customer.pk), "codes": [code]}, 201,
                        {"Idempotency-Key": uuid.uuid4().hex})

            return api, order_with_code
        if endpoint == "POST /orders/{number}/ready/":
            customer = CustomerFactory(channels=["web"], sms_consent=True, phone="+33612345678")
            return api, lambda: ("POST", f"/api/v1/orders/"
                                 f"{place_pickup(location=store, lines={s: 1 for s in skus}, customer=customer).number}"
                                 "/ready/", {}, 200)
        if endpoint == "GET /orders/{number}/":
            order = place_pickup(location=store, lines={s: 1 for s in skus}, actor=None)
            return api, lambda: ("GET", f"/api/v1/orders/{order.number}/", None, 200)
        if endpoint == "GET /orders/":
            for _ in range(size):
                place_pickup(location=store, lines={s: 1 for s in skus})
            return api, lambda: ("GET", "/api/v1/orders/?page_size=200", None, 200)
        if endpoint == "GET /orders/?customer=":
            customer = CustomerFactory(channels=["web", "store"])
            for _ in range(size):
                place_pickup(location=store, lines={s: 1 for s in skus}, customer=customer)
            return api, lambda: ("GET", f"/api/v1/orders/?customer={customer.pk}&page_size=200", None, 200)
        if endpoint == "GET /orders/track/{token}/":
            from orders.tracking import tracking_token

            order = place_pickup(location=store, lines={s: 1 for s in skus}, customer=CustomerFactory())
            token = tracking_token(number=order.number, via="sms", language="en")
            return api, lambda: ("GET", f"/api/v1/orders/track/{token}/", None, 200)
        if endpoint == "GET /promotions/":
            return api, lambda: ("GET", "/api/v1/promotions/", None, 200)
        raise AssertionError(endpoint)

    return build


def send(api, method, path, body, headers=None):
    return api.get(path, headers=headers) if method == "GET" else api.post(path, body, headers=headers)


CASES = [(endpoint, size) for endpoint, (dimension, _b, _k) in BUDGETS.items() for size in SIZES[dimension]]


@pytest.mark.parametrize(("endpoint", "size"), CASES, ids=[f"{e} x{s}" for e, s in CASES])
def test_query_budget(endpoint, size, scenario):
    api, make_request = scenario(endpoint, size)
    method, path, body, expected, *headers = make_request()
    warm = send(api, method, path, body, *headers)
    assert warm.status_code == expected, warm.content[:400]
    method, path, body, expected, *headers = make_request()
    with CaptureQueriesContext(connection) as captured:
        response = send(api, method, path, body, *headers)
    assert response.status_code == expected, response.content[:400]
    statements = [query["sql"] for query in captured.captured_queries]
    count = production_count(statements)
    assert count <= BUDGETS[endpoint][1], f"{count} queries:\n" + "\n".join(s[:160] for s in statements)


def production_count(statements: list[str]) -> int:
    """The statements of a request as production runs them. Inside the test's transaction,
    the request's own transactions are savepoints (two statements each) where production
    runs BEGIN and COMMIT, which Django's cursor does not see: those outermost savepoints
    are left out. Savepoints nested inside a request's transaction are real and count."""
    depth, outermost = 0, 0
    for sql in statements:
        if sql.startswith("SAVEPOINT "):
            depth += 1
            outermost += depth == 1
        elif sql.startswith(("RELEASE SAVEPOINT ", "ROLLBACK TO SAVEPOINT ")):
            outermost += depth == 1
            depth -= sql.startswith("RELEASE")
    return len(statements) - outermost


def test_production_count_leaves_out_only_the_outermost_savepoints():
    statements = ['SAVEPOINT "a"', "SELECT 1", 'SAVEPOINT "b"', "INSERT", 'RELEASE SAVEPOINT "b"',
                  'RELEASE SAVEPOINT "a"', 'SAVEPOINT "c"', "UPDATE", 'RELEASE SAVEPOINT "c"']
    assert production_count(statements) == 5
