"""PostgreSQL faults during a checkout: the request's backend terminated after it took its
row locks, and a stock row held by another transaction. Either way the API answers 503
with ``Retry-After`` and the contract's error body, nothing is left behind, and a retry
succeeds: with the same ``Idempotency-Key``, exactly one order."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from inventory.models import Reservation, StockLevel, StockMovement
from inventory.selectors import ledger_mismatches
from inventory.services import ledger as stock_ledger
from omni.models import IdempotencyRecord
from orders.models import Cart, Order
from tests.conftest import ApiTestClient
from tests.factories.inventory import ProductFactory, stock
from tests.factories.omni import LocationFactory, make_api_client
from tests.faults.conftest import side_connection, wait_for

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

SKU = "FAULT-CAP"


@pytest.fixture(autouse=True)
def _drop_a_dead_connection():
    """A test that fails after killing the backend must not break the database flush."""
    yield
    if connection.connection is not None and not connection.in_atomic_block and not connection.is_usable():
        connection.close()


@pytest.fixture
def shop():
    location = LocationFactory(code="fault-store", click_and_collect=True)
    stock(ProductFactory(sku=SKU, price=Decimal("19.90")), location, 5)
    _client, token = make_api_client("web")
    return location, ApiTestClient(token)


def left_behind() -> dict:
    """What a failed checkout must not leave: orders, holds, ledger rows beyond the setup."""
    level = StockLevel.objects.get(product__sku=SKU)
    return {
        "orders": Order.objects.count(),
        "reservations": Reservation.objects.count(),
        "movements": StockMovement.objects.exclude(reason="test setup").count(),
        "reserved": level.reserved,
        "on_hand": level.on_hand,
    }


NOTHING = {"orders": 0, "reservations": 0, "movements": 0, "reserved": 0, "on_hand": 5}


def assert_clean_503(response) -> None:
    assert response.status_code == 503, response.content
    assert int(response["Retry-After"]) >= 1
    body = response.json()
    assert body["code"] == "service_unavailable" and body["detail"], body


def waiting_on_a_lock(holder_pid: int) -> bool:
    """Whether a backend of the test database waits for a lock ``holder_pid`` holds."""
    with side_connection() as watcher:
        return bool(watcher.execute("SELECT count(*) FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
                                    [holder_pid]).fetchone()[0])


def checkout_call(kind: str, location, api: ApiTestClient):
    """A checkout as the contract offers it: a cart checked out, or an order placed."""
    if kind == "cart":
        cart_id = api.post("/api/v1/carts/", {}).json()["id"]
        assert api.post(f"/api/v1/carts/{cart_id}/lines/", {"sku": SKU, "quantity": 2}).status_code == 200
        path, body = f"/api/v1/carts/{cart_id}/checkout/", {}
    else:
        cart_id = None
        path, body = "/api/v1/orders/", {"lines": [{"sku": SKU, "quantity": 2}]}
    body.update(fulfilment="click_and_collect", pickup_location=location.code)
    return cart_id, (lambda: api.post(path, body, headers={"Idempotency-Key": f"fault-{kind}"}))


def terminate_this_backend() -> int:
    """Terminate the backend of Django's connection from a side connection, as an
    administrator, a failover or an OOM kill would; return when it is gone."""
    pid = connection.connection.info.backend_pid
    with side_connection() as side:
        assert side.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
        wait_for(lambda: not side.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone(),
                 timeout=10, what="the backend to end")
    return pid


@pytest.mark.parametrize("moment", ["after_row_lock", "before_answer"])
@pytest.mark.parametrize("kind", ["cart", "order"])
def test_backend_terminated_during_checkout(shop, monkeypatch, kind, moment):
    """``after_row_lock``: the stock rows are locked, nothing is written yet.
    ``before_answer``: the checkout service has returned (order, hold and ledger rows
    written), the answer is not yet recorded against the key."""
    from orders import services as order_services

    location, api = shop
    cart_id, checkout = checkout_call(kind, location, api)
    killed = []

    def then_lose_the_backend(real):
        def wrapper(*args, **kwargs):
            result = real(*args, **kwargs)
            if not killed:
                killed.append(terminate_this_backend())
            return result
        return wrapper

    if moment == "after_row_lock":
        monkeypatch.setattr(stock_ledger, "_select_for_update",
                            then_lose_the_backend(stock_ledger._select_for_update))
    else:
        name = "cart_checkout" if kind == "cart" else "order_place"
        monkeypatch.setattr(order_services, name, then_lose_the_backend(getattr(order_services, name)))

    assert_clean_503(checkout())
    assert killed, "the fault was not injected: the checkout never locked its stock"
    assert left_behind() == NOTHING
    assert not IdempotencyRecord.objects.exists()  # the failed attempt released its key
    if cart_id:
        assert Cart.objects.get(pk=cart_id).status == Cart.Status.OPEN

    retried = checkout()
    assert retried.status_code == 201, retried.content
    assert "Idempotent-Replayed" not in retried
    replayed = checkout()
    assert replayed.status_code == 201 and replayed["Idempotent-Replayed"] == "true"
    assert replayed.json()["number"] == retried.json()["number"]
    assert Order.objects.count() == 1
    assert StockLevel.objects.get(product__sku=SKU).reserved == 2
    assert ledger_mismatches() == []


def test_stock_row_held_by_another_transaction(shop, settings):
    location, api = shop
    cart_id, checkout = checkout_call("cart", location, api)
    level_id = StockLevel.objects.get(product__sku=SKU).pk
    lock_timeout_ms = int(settings.DATABASES["default"]["OPTIONS"]["options"].split("lock_timeout=")[1].split()[0])

    side = side_connection(autocommit=False)
    try:
        side.execute("SELECT 1 FROM inventory_stocklevel WHERE id = %s FOR UPDATE", [level_id])
        side_pid = side.info.backend_pid
        answer = {}

        def run():
            try:
                answer["response"] = checkout()
            finally:
                connection.close()

        request = threading.Thread(target=run, daemon=True)
        request.start()
        # The checkout waits on the held row (not refused for another reason) ...
        wait_for(lambda: waiting_on_a_lock(side_pid), timeout=15, what="a backend waiting on the held row")
        # ... until the lock timeout gives up for it: a clean 503, never a hang.
        request.join(timeout=lock_timeout_ms / 1000 + 10)
        assert not request.is_alive(), "the checkout hung on a held stock row"
        assert_clean_503(answer["response"])
        assert left_behind() == NOTHING
        assert Cart.objects.get(pk=cart_id).status == Cart.Status.OPEN
    finally:
        side.rollback()
        side.close()

    retried = checkout()
    assert retried.status_code == 201, retried.content
    assert Order.objects.count() == 1
    assert StockLevel.objects.get(product__sku=SKU).reserved == 2
    assert ledger_mismatches() == []


def terminate_every_backend_of_this_database() -> None:
    """A database restart as the pool sees it: every connection it holds dies at once."""
    pid = connection.connection.info.backend_pid
    with side_connection() as side:
        side.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                     " WHERE datname = current_database() AND pid <> pg_backend_pid()")
        wait_for(lambda: not side.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone(),
                 timeout=10, what="the backends to end")


def test_a_key_is_free_again_at_once_after_the_database_restarted(shop, monkeypatch):
    """Every pooled connection dies during the checkout: the answer is a 503, and the retry
    with the same key is served at once (the key was released on a live connection, not
    left "in use" until it goes stale)."""
    from orders import services as order_services

    location, api = shop
    for _warm in range(3):  # the pool holds several idle connections, all to be killed
        assert api.get("/api/v1/locations/").status_code == 200
    assert connection.pool.get_stats()["pool_available"] >= 1, connection.pool.get_stats()
    _cart, checkout = checkout_call("order", location, api)
    killed = []
    real = order_services.order_place

    def place_then_restart_the_database(*args, **kwargs):
        result = real(*args, **kwargs)
        if not killed:
            killed.append(terminate_every_backend_of_this_database())
        return result

    monkeypatch.setattr(order_services, "order_place", place_then_restart_the_database)
    assert_clean_503(checkout())
    assert killed
    assert not IdempotencyRecord.objects.exists()

    retried = checkout()
    assert retried.status_code == 201, retried.content
    assert Order.objects.count() == 1
