"""Authorization matrix: every API endpoint of the contract x every API client kind and
staff role (and no credentials) x an object of another store -> the expected status.

Store A is ``paris`` (the POS, the store manager and the store staff work there), store B
is ``lyon``. The expectations come from ``/work/shared/api-contract.md`` and the Roles of
``DESIGN.md``; where both are silent the current, sensible behaviour is written down.

Each row runs every caller against the same world, each request inside a savepoint that
is rolled back, so that one caller's change (a cancelled order, a used code) never
decides the next caller's answer.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from omni.actor import Actor
from omni.models import ApiClient
from orders import services as order_services
from orders.tracking import tracking_token
from tests.conftest import ApiTestClient
from tests.factories.customers import CustomerFactory
from tests.factories.inventory import ProductFactory, stock
from tests.factories.omni import StaffFactory, make_api_client
from tests.factories.orders import place_delivery, place_pickup, sell_in_store
from tests.factories.promotions import PromotionFactory

# The columns of the matrix, in this order.
CALLERS = ("anon", "web", "app", "pos_a", "call_centre", "integration", "admin", "manager_a", "staff_a", "marketing")
API_KINDS = {"web": "web", "app": "app", "pos_a": "pos", "call_centre": "call_centre", "integration": "integration"}
STAFF_ROLES = {"admin": "admin", "manager_a": "store_manager", "staff_a": "store_staff", "marketing": "marketing"}

# --- the requests ----------------------------------------------------------------------------
# name -> (method, path, body); ``{...}`` are filled from the world (see ``world``).
# Objects: ``pickup_a`` / ``pickup_b`` click & collect orders (placed on the website) to be
# picked up at store A / store B; ``ready_a`` / ``ready_b`` the same, ready for pickup (the
# right pickup code is sent); ``delivery`` placed, ``shipped`` shipped, both fulfilled by
# the warehouse; ``sale_b`` a completed sale made by the POS of store B. ``track`` the
# tracking token of ``ready_a``'s ready SMS, ``forged`` the same with another order's number.
REQUESTS: dict[str, tuple[str, str, dict | None]] = {
    "locations list": ("GET", "/api/v1/locations/", None),
    "locations create": ("POST", "/api/v1/locations/", {"code": "nantes", "name": "Nantes", "kind": "store",
                                                         "city": "Nantes"}),
    "products list": ("GET", "/api/v1/products/", None),
    "products create": ("POST", "/api/v1/products/", {"sku": "NEW-1", "name": "Bonnet", "price": "12.00"}),
    "product detail": ("GET", "/api/v1/products/{sku}/", None),
    "product update": ("PATCH", "/api/v1/products/{sku}/", {"name": "Casquette renommée"}),
    "stock of a sku": ("GET", "/api/v1/stock/{sku}/", None),
    "stock batch": ("GET", "/api/v1/stock/?skus={sku}&location=lyon", None),
    "movement at A": ("POST", "/api/v1/stock/movements/", {"sku": "{sku}", "location": "paris", "kind": "receipt",
                                                            "quantity": 3}),
    "movement at B": ("POST", "/api/v1/stock/movements/", {"sku": "{sku}", "location": "lyon", "kind": "receipt",
                                                            "quantity": 3}),
    "transfer A->B": ("POST", "/api/v1/stock/transfers/", {"sku": "{sku}", "from_location": "paris",
                                                            "to_location": "lyon", "quantity": 1}),
    "transfer B->A": ("POST", "/api/v1/stock/transfers/", {"sku": "{sku}", "from_location": "lyon",
                                                            "to_location": "paris", "quantity": 1}),
    "customers list": ("GET", "/api/v1/customers/?search=Martin", None),
    "customers create": ("POST", "/api/v1/customers/", {"email": "new.customer@example.fr"}),
    "customer detail": ("GET", "/api/v1/customers/{customer}/", None),
    "customer update": ("PATCH", "/api/v1/customers/{customer}/", {"first_name": "Jeanne"}),
    "customer timeline": ("GET", "/api/v1/customers/{customer}/timeline/", None),
    "customer contact": ("POST", "/api/v1/customers/{customer}/contacts/", {"kind": "call", "note": "Asked"}),
    "customer export": ("GET", "/api/v1/customers/{customer}/export/", None),
    "customer erase": ("POST", "/api/v1/customers/{customer}/erase/", {}),
    "customer journeys": ("GET", "/api/v1/customers/{customer}/journeys/", None),
    "carts create": ("POST", "/api/v1/carts/", {"customer": "{customer}"}),
    "carts list": ("GET", "/api/v1/carts/?customer={customer}&status=open", None),
    "cart detail": ("GET", "/api/v1/carts/{cart}/", None),
    "cart line add": ("POST", "/api/v1/carts/{cart}/lines/", {"sku": "{sku}", "quantity": 1}),
    "cart line set": ("PATCH", "/api/v1/carts/{cart}/lines/{sku}/", {"quantity": 3}),
    "cart line remove": ("DELETE", "/api/v1/carts/{cart}/lines/{sku}/", None),
    "cart code": ("POST", "/api/v1/carts/{cart}/codes/", {"code": "WELCOME10"}),
    "cart checkout": ("POST", "/api/v1/carts/{cart}/checkout/", {"fulfilment": "click_and_collect",
                                                                  "pickup_location": "paris", "payment": "paid"}),
    "pricing quote": ("POST", "/api/v1/pricing/quote/", {"lines": [{"sku": "{sku}", "quantity": 2}]}),
    "order delivery": ("POST", "/api/v1/orders/", {"lines": [{"sku": "{sku}", "quantity": 1}],
                                                   "fulfilment": "delivery", "payment": "paid",
                                                   "shipping_address": {"line1": "1 rue", "city": "Paris"}}),
    "order in store": ("POST", "/api/v1/orders/", {"lines": [{"sku": "{sku}", "quantity": 1}],
                                                   "fulfilment": "in_store", "payment": "paid"}),
    "orders list": ("GET", "/api/v1/orders/", None),
    "orders of a customer": ("GET", "/api/v1/orders/?customer={customer}", None),
    "order B detail": ("GET", "/api/v1/orders/{pickup_b}/", None),
    "store sale detail": ("GET", "/api/v1/orders/{sale_b}/", None),
    "order tracking": ("GET", "/api/v1/orders/track/{track}/", None),
    "order tracking forged": ("GET", "/api/v1/orders/track/{forged}/", None),
    "ready A": ("POST", "/api/v1/orders/{pickup_a}/ready/", {}),
    "ready B": ("POST", "/api/v1/orders/{pickup_b}/ready/", {}),
    "collect A": ("POST", "/api/v1/orders/{ready_a}/collect/", {"pickup_code": "{ready_a_code}"}),
    "collect B": ("POST", "/api/v1/orders/{ready_b}/collect/", {"pickup_code": "{ready_b_code}"}),
    "ship": ("POST", "/api/v1/orders/{delivery}/ship/", {}),
    "deliver": ("POST", "/api/v1/orders/{shipped}/deliver/", {}),
    "cancel B pickup": ("POST", "/api/v1/orders/{pickup_b}/cancel/", {}),
    "returns list": ("GET", "/api/v1/orders/{sale_b}/returns/", None),
    "return at A": ("POST", "/api/v1/orders/{sale_b}/returns/", {"location": "paris",
                                                                 "lines": [{"sku": "{sku}", "quantity": 1}]}),
    "return at B": ("POST", "/api/v1/orders/{sale_b}/returns/", {"location": "lyon",
                                                                 "lines": [{"sku": "{sku}", "quantity": 1}]}),
    "promotions list": ("GET", "/api/v1/promotions/", None),
    "promotions create": ("POST", "/api/v1/promotions/", {"name": "Soldes", "kind": "percent", "value": "10",
                                                          "requires_code": False, "active": True}),
    "promotion detail": ("GET", "/api/v1/promotions/{promotion}/", None),
    "promotion update": ("PATCH", "/api/v1/promotions/{promotion}/", {"name": "Soldes d'hiver"}),
    "promotion codes": ("POST", "/api/v1/promotions/{promotion}/codes/", {"count": 3}),
    "events": ("POST", "/api/v1/events/", {"events": [{"id": "6f1c1f0e-8d7c-4c55-9f57-3f1f7f2f0a01",
                                                       "type": "page_view", "occurred_at": "2026-01-05T10:00:00+01:00",
                                                       "customer": "{customer}"}]}),
    "journeys summary": ("GET", "/api/v1/journeys/summary/", None),
}

# --- the expected statuses -------------------------------------------------------------------
# 401 no credentials; 403 outside the caller's scope; 404 an unknown order. The website,
# the app and the call centre see any order they name (number or customer), whatever its
# channel (contract: "Following an order from any channel"); seeing is not acting (403).
# fmt: off
#                      anon  web  app  pos_a  cc  integ admin mgr_a staff_a mkt
MATRIX: dict[str, tuple[int, ...]] = {
    # Locations and products: ``integration`` (and administrators) write, everyone reads.
    "locations list":     (401, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "locations create":   (401, 403, 403, 403, 403, 201, 201, 403, 403, 403),
    "products list":      (401, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "products create":    (401, 403, 403, 403, 403, 201, 201, 403, 403, 403),
    "product detail":     (401, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "product update":     (401, 403, 403, 403, 403, 200, 200, 403, 403, 403),
    # Stock: read anywhere by everyone; moved by the ERP anywhere, a POS and store staff at
    # their own location; web, app, call centre and marketing never.
    "stock of a sku":     (401, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "stock batch":        (401, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "movement at A":      (401, 403, 403, 201, 403, 201, 201, 201, 201, 403),
    # NOTE manager_a 201: inventory deliberately lets a store manager bound to store A move
    # stock anywhere (inventory/permissions.py, asserted by tests/inventory); DESIGN.md
    # says bound staff act on their own locations' stock. Left as is, see the report.
    "movement at B":      (401, 403, 403, 403, 403, 201, 201, 201, 403, 403),
    "transfer A->B":      (401, 403, 403, 201, 403, 201, 201, 201, 201, 403),
    "transfer B->A":      (401, 403, 403, 403, 403, 201, 201, 201, 403, 403),
    # Customers: everyone looks up; marketing only reads; GDPR export/erase for
    # administrators and the ERP; journeys for staff, the ERP and the call centre.
    "customers list":     (401, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "customers create":   (401, 201, 201, 201, 201, 201, 201, 201, 201, 403),
    "customer detail":    (401, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "customer update":    (401, 200, 200, 200, 200, 200, 200, 200, 200, 403),
    "customer timeline":  (401, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "customer contact":   (401, 201, 201, 201, 201, 201, 201, 201, 201, 403),
    "customer export":    (401, 403, 403, 403, 403, 200, 200, 403, 403, 403),
    "customer erase":     (401, 403, 403, 403, 403, 200, 200, 403, 403, 403),
    "customer journeys":  (401, 403, 403, 403, 200, 200, 200, 200, 200, 200),
    # Carts: every selling caller, any cart it can name (continued on any channel);
    # marketing makes no order changes.
    "carts create":       (401, 201, 201, 201, 201, 201, 201, 201, 201, 403),
    "carts list":         (401, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "cart detail":        (401, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "cart line add":      (401, 200, 200, 200, 200, 200, 200, 200, 200, 403),
    "cart line set":      (401, 200, 200, 200, 200, 200, 200, 200, 200, 403),
    "cart line remove":   (401, 200, 200, 200, 200, 200, 200, 200, 200, 403),
    "cart code":          (401, 200, 200, 200, 200, 200, 200, 200, 200, 403),
    "cart checkout":      (401, 201, 201, 201, 201, 201, 201, 201, 201, 403),
    "pricing quote":      (401, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    # Orders. An in-store sale needs a store: the POS's own, or the only store of the
    # staff member (an administrator without a store must name one: 400).
    "order delivery":     (401, 201, 201, 201, 201, 201, 201, 201, 201, 403),
    "order in store":     (401, 403, 403, 201, 403, 403, 400, 201, 201, 403),
    "orders list":        (401, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    # A customer's orders of every channel for the website, the app and the call centre;
    # store B's stay out of store A's lists (test_order_lists_of_store_a_show_nothing_of_store_b).
    "orders of a customer": (401, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    # Any store terminal or staff member opens any order (returns are taken anywhere), the
    # website and the app any order they name: a web pickup, a store sale.
    "order B detail":     (401, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "store sale detail":  (401, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    # The tracking JSON is public: the signed token is the key; a forged one is a 404.
    "order tracking":     (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "order tracking forged": (404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    # Pickups: staff or POS of the pickup location (plus administrators and the ERP).
    "ready A":            (401, 403, 403, 200, 403, 200, 200, 200, 200, 403),
    "ready B":            (401, 403, 403, 403, 403, 200, 200, 403, 403, 403),
    "collect A":          (401, 403, 403, 200, 403, 200, 200, 200, 200, 403),
    "collect B":          (401, 403, 403, 403, 403, 200, 200, 403, 403, 403),
    # Shipping belongs to the fulfilling location (the warehouse) and the ERP.
    "ship":               (401, 403, 403, 403, 403, 200, 200, 403, 403, 403),
    "deliver":            (401, 403, 403, 403, 403, 200, 200, 403, 403, 403),
    # Cancel: the pickup store, the placing channel (website), the call centre, the ERP.
    "cancel B pickup":    (401, 200, 403, 403, 200, 200, 200, 403, 403, 403),
    # Returns anywhere, each store through its own staff or POS.
    "returns list":       (401, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "return at A":        (401, 403, 403, 201, 403, 403, 201, 201, 201, 403),
    "return at B":        (401, 403, 403, 403, 403, 403, 201, 403, 403, 403),
    # Promotions: marketing, administrators and the ERP.
    "promotions list":    (401, 403, 403, 403, 403, 200, 200, 403, 403, 200),
    "promotions create":  (401, 403, 403, 403, 403, 201, 201, 403, 403, 201),
    "promotion detail":   (401, 403, 403, 403, 403, 200, 200, 403, 403, 200),
    "promotion update":   (401, 403, 403, 403, 403, 200, 200, 403, 403, 200),
    "promotion codes":    (401, 403, 403, 403, 403, 201, 201, 403, 403, 201),
    # Journeys: events from every caller with a channel (the ERP has none); analytics for
    # marketing, administrators and the ERP.
    "events":             (401, 202, 202, 202, 202, 403, 202, 202, 202, 202),
    "journeys summary":   (401, 403, 403, 403, 403, 200, 200, 403, 403, 200),
}
# fmt: on


def test_matrix_covers_every_request_and_caller():
    assert set(MATRIX) == set(REQUESTS)
    assert all(len(row) == len(CALLERS) for row in MATRIX.values())


# --- the world -------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Staff are logged in with ``force_login``; hashing their passwords would dominate."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(store, other_store, warehouse):
    product = ProductFactory(sku="CAP-MATRIX", price="20.00")
    for location in (store, other_store, warehouse):
        stock(product, location, 50)
    customer = CustomerFactory(last_name="Martin")
    admin = Actor.for_user(StaffFactory(role="admin", password="pw"))
    lines = {product.sku: 1}
    pickup_a = place_pickup(location=store, lines=lines, customer=customer)
    pickup_b = place_pickup(location=other_store, lines=lines, customer=customer)
    ready_a = place_pickup(location=store, lines=lines, customer=customer)
    ready_b = place_pickup(location=other_store, lines=lines, customer=customer)
    for order in (ready_a, ready_b):
        order_services.order_mark_ready(order=order, actor=admin)
    delivery = place_delivery(lines=lines, customer=customer)
    shipped = place_delivery(lines=lines, customer=customer)
    order_services.order_ship(order=shipped, actor=admin)
    sale_b = sell_in_store(location=other_store, lines={product.sku: 2}, customer=customer)
    assert delivery.fulfilment_location == warehouse
    web = Actor.for_client(make_api_client("web")[0])
    cart = order_services.cart_create(actor=web, customer=customer)
    order_services.cart_line_add(cart=cart, sku=product.sku, quantity=2, actor=web)
    PromotionFactory(name="Welcome", requires_code=True, code="WELCOME10")
    promotion = PromotionFactory(name="Soldes", requires_code=True)
    track = tracking_token(number=ready_a.number, via="sms", language="en")
    forged = ready_b.number.removeprefix("OM-") + track[len(ready_a.number) - 3:]
    return {
        "sku": product.sku, "customer": str(customer.pk), "cart": str(cart.pk), "promotion": str(promotion.pk),
        "pickup_a": pickup_a.number, "pickup_b": pickup_b.number, "ready_a": ready_a.number,
        "ready_b": ready_b.number,
        "ready_a_code": order_services.pickup_code_for(ready_a),
        "ready_b_code": order_services.pickup_code_for(ready_b),
        "delivery": delivery.number, "shipped": shipped.number, "sale_b": sale_b.number,
        "track": track, "forged": forged,
        "store": store, "other_store": other_store,
    }


def make_callers(world) -> dict[str, ApiTestClient]:
    callers = {"anon": ApiTestClient()}
    for name, kind in API_KINDS.items():
        client, token = make_api_client(kind, location=world["store"] if kind == ApiClient.Kind.POS else None)
        callers[name] = ApiTestClient(token)
    for name, role in STAFF_ROLES.items():
        locations = [world["store"]] if name.endswith("_a") else []
        user = StaffFactory(role=role, locations=locations, password="pw")
        caller = ApiTestClient()
        caller.force_login(user)
        caller.user = user
        callers[name] = caller
    return callers


def fill(value, world):
    if isinstance(value, str):
        return value.format(**world)
    if isinstance(value, dict):
        return {key: fill(item, world) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, world) for item in value]
    return value


def send(caller: ApiTestClient, method: str, path: str, body):
    if method == "GET":
        return caller.get(path)
    return getattr(caller, method.lower())(path, body)


@pytest.mark.parametrize("name", list(REQUESTS))
def test_authorization_matrix(name, world):
    method, path, body = REQUESTS[name]
    path, body = fill(path, world), fill(body, world)
    callers = make_callers(world)
    got = {}
    for caller_name in CALLERS:
        with transaction.atomic():
            response = send(callers[caller_name], method, path, body)
            got[caller_name] = response.status_code
            assert response.status_code != 500, (caller_name, response.content[:300])
            transaction.set_rollback(True)
    expected = dict(zip(CALLERS, MATRIX[name], strict=True))
    wrong = {caller: f"expected {expected[caller]}, got {got[caller]}" for caller in CALLERS
             if got[caller] != expected[caller]}
    assert not wrong, f"{method} {path}: {wrong}"


# --- nothing of another store in any list ----------------------------------------------------
def _listed_numbers(caller: ApiTestClient, query: str = "") -> set[str]:
    response = caller.get(f"/api/v1/orders/?page_size=200{query}")
    assert response.status_code == 200
    return {order["number"] for order in response.json()["results"]}


@pytest.mark.parametrize("caller_name", ["pos_a", "manager_a", "staff_a"])
def test_order_lists_of_store_a_show_nothing_of_store_b(caller_name, world):
    caller = make_callers(world)[caller_name]
    of_store_b = {world["pickup_b"], world["ready_b"], world["sale_b"]}
    of_store_a = {world["pickup_a"], world["ready_a"]}
    listed = _listed_numbers(caller)
    assert of_store_a <= listed
    assert not listed & of_store_b
    assert not _listed_numbers(caller, "&pickup_location=lyon")
    assert not _listed_numbers(caller, f"&customer={world['customer']}") & of_store_b
    assert not _listed_numbers(caller, "&status=ready_for_pickup") & of_store_b


def test_an_unbound_manager_and_an_administrator_list_every_store(world):
    for role in ("admin", "store_manager"):
        caller = ApiTestClient()
        caller.force_login(StaffFactory(role=role, password="pw"))
        assert {world["pickup_a"], world["pickup_b"], world["sale_b"]} <= _listed_numbers(caller)


def test_a_store_b_pickup_stays_out_of_the_pickup_board_of_store_a(world):
    """The staff pages read the same selectors: the board of store A shows A's pickups."""
    caller = make_callers(world)["staff_a"]
    html = caller.get("/orders/pickups/").content.decode()
    assert world["pickup_a"] in html
    assert world["pickup_b"] not in html
    page = caller.get("/orders/").content.decode()
    assert world["pickup_a"] in page
    assert world["pickup_b"] not in page



def test_global_search_of_store_a_staff_lists_nothing_of_store_b(world):
    caller = make_callers(world)["staff_a"]
    hits = caller.get("/search/", {"q": "OM-"}, headers={"HX-Request": "true"}).content.decode()
    assert world["pickup_a"] in hits
    assert world["pickup_b"] not in hits
    # The exact number still opens an order of another store (returns are taken anywhere).
    opened = caller.get("/search/", {"q": world["sale_b"], "go": "1"})
    assert opened.url.endswith(f"/orders/{world['sale_b']}/")


@pytest.mark.parametrize("caller_name", ["pos_a", "manager_a", "staff_a"])
def test_cart_lists_of_store_a_show_nothing_of_store_b(caller_name, world):
    """A till lists the carts started at its store; another store's carts stay out unless
    the caller names their customer (that is how a store picks up a customer's cart)."""
    till_a = Actor.for_client(make_api_client("pos", location=world["store"])[0])
    till_b = Actor.for_client(make_api_client("pos", location=world["other_store"])[0])
    cart_a = order_services.cart_create(actor=till_a)
    customer_b = CustomerFactory()
    cart_b = order_services.cart_create(actor=till_b, customer=customer_b)
    caller = make_callers(world)[caller_name]

    listed = {cart["id"] for cart in caller.get("/api/v1/carts/?page_size=200").json()["results"]}
    assert str(cart_a.pk) in listed
    assert str(cart_b.pk) not in listed
    by_customer = caller.get(f"/api/v1/carts/?customer={customer_b.pk}").json()["results"]
    assert [cart["id"] for cart in by_customer] == [str(cart_b.pk)]


def test_no_caller_but_the_placing_one_ever_sees_a_pickup_code(world):
    """The website placed the pickups of the world: no caller (nor the website, later) reads
    their codes, whether it lists the customer's orders, opens one or follows its link."""
    codes = {world["ready_a_code"], world["ready_b_code"]}
    for name, caller in make_callers(world).items():
        for path in (f"/api/v1/orders/?customer={world['customer']}&page_size=200",
                     f"/api/v1/orders/{world['ready_a']}/", f"/api/v1/orders/track/{world['track']}/",
                     f"/t/{world['track']}/"):
            response = caller.get(path)
            if response.status_code != 200:
                assert name == "anon" and response.status_code == 401, (name, path, response.status_code)
                continue
            text = response.content.decode()
            assert "pickup_code" not in text and not any(code in text for code in codes), (name, path)
