"""Races with real threads and real connections, on PostgreSQL and file-backed SQLite."""

from decimal import Decimal

import pytest

from inventory.models import Reservation, StockLevel
from inventory.selectors import ledger_mismatches
from orders.models import Order
from promotions.models import DiscountCode, Redemption
from tests.concurrency import race
from tests.conftest import ApiTestClient
from tests.factories.inventory import ProductFactory, stock
from tests.factories.omni import LocationFactory, make_api_client
from tests.factories.promotions import DiscountCodeFactory, PromotionFactory

THREADS = 30
UNITS = 10




def outcome_of(response):
    body = response.json()
    return "created" if response.status_code == 201 else f"{response.status_code} {body.get('code')}"


@pytest.mark.django_db(transaction=True)
def test_thirty_orders_for_ten_units():
    location = LocationFactory(code="race-store", click_and_collect=True)
    stock(ProductFactory(sku="RACE-CAP", price=Decimal("19.90")), location, UNITS)
    _client, token = make_api_client("web")
    body = {"lines": [{"sku": "RACE-CAP", "quantity": 1}], "fulfilment": "click_and_collect",
            "pickup_location": location.code}

    outcomes = race(THREADS, lambda n: outcome_of(ApiTestClient(token).post("/api/v1/orders/", body)))

    assert outcomes.count("created") == UNITS, outcomes
    assert outcomes.count("409 insufficient_stock") == THREADS - UNITS, outcomes
    level = StockLevel.objects.get(product__sku="RACE-CAP", location=location)
    assert (level.on_hand, level.reserved) == (UNITS, UNITS)
    assert Order.objects.count() == UNITS
    assert Reservation.objects.filter(status="active").count() == UNITS
    assert ledger_mismatches() == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_create_one_order():
    location = LocationFactory(code="retry-store", click_and_collect=True)
    stock(ProductFactory(sku="RETRY-CAP", price=Decimal("19.90")), location, 50)
    _client, token = make_api_client("web")
    body = {"lines": [{"sku": "RETRY-CAP", "quantity": 1}], "fulfilment": "click_and_collect",
            "pickup_location": location.code}

    def retry(n):
        response = ApiTestClient(token).post("/api/v1/orders/", body, headers={"Idempotency-Key": "same-key"})
        return outcome_of(response)

    outcomes = race(8, retry)
    assert Order.objects.count() == 1
    assert outcomes.count("created") >= 1, outcomes
    assert set(outcomes) <= {"created", "409 idempotency_key_in_use"}, outcomes
    assert StockLevel.objects.get(product__sku="RETRY-CAP").reserved == 1


@pytest.mark.django_db(transaction=True)
def test_one_single_use_code_used_concurrently():
    location = LocationFactory(code="code-store", click_and_collect=True)
    stock(ProductFactory(sku="CODE-CAP", price=Decimal("19.90")), location, 50)
    DiscountCodeFactory(code="ONCE", promotion=PromotionFactory(kind="amount", value=Decimal("5"),
                                                                requires_code=True))
    _client, token = make_api_client("web")
    body = {"lines": [{"sku": "CODE-CAP", "quantity": 1}], "fulfilment": "click_and_collect",
            "pickup_location": location.code, "codes": ["ONCE"]}

    outcomes = race(10, lambda n: outcome_of(ApiTestClient(token).post("/api/v1/orders/", body)))

    assert outcomes.count("created") == 1, outcomes
    assert set(outcomes) == {"created", "409 code_used"}, outcomes
    assert Order.objects.get().total == Decimal("14.90")
    assert Redemption.objects.filter(released_at__isnull=True).count() == 1
    assert DiscountCode.objects.get(code="ONCE").state == "redeemed"
    assert StockLevel.objects.get(product__sku="CODE-CAP").reserved == 1


@pytest.mark.django_db(transaction=True)
def test_one_cart_checked_out_twice_at_once_makes_one_order():
    location = LocationFactory(code="cart-store", click_and_collect=True)
    stock(ProductFactory(sku="CART-CAP", price=Decimal("19.90")), location, 50)
    _web, web_token = make_api_client("web")
    _pos, pos_token = make_api_client("pos", location=location)
    web = ApiTestClient(web_token)
    cart_id = web.post("/api/v1/carts/", {}).json()["id"]
    web.post(f"/api/v1/carts/{cart_id}/lines/", {"sku": "CART-CAP", "quantity": 2})

    def checkout(n):
        if n % 2:
            response = ApiTestClient(pos_token).post(f"/api/v1/carts/{cart_id}/checkout/", {"fulfilment": "in_store"})
        else:
            response = ApiTestClient(web_token).post(
                f"/api/v1/carts/{cart_id}/checkout/",
                {"fulfilment": "click_and_collect", "pickup_location": location.code})
        return outcome_of(response)

    outcomes = race(6, checkout)
    assert outcomes.count("created") == 1, outcomes
    assert set(outcomes) - {"created"} <= {"409 cart_not_open"}, outcomes
    assert Order.objects.count() == 1
    assert ledger_mismatches() == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_returns_never_exceed_what_was_bought():
    from orders.models import OrderLine, Return
    from tests.factories.orders import sell_in_store

    store = LocationFactory(code="ret-store", click_and_collect=True)
    other = LocationFactory(code="ret-other", click_and_collect=True)
    stock(ProductFactory(sku="RET-CAP", price=Decimal("19.90")), store, 10)
    order = sell_in_store(location=store, lines={"RET-CAP": 3})
    tokens = [make_api_client("pos", location=place)[1] for place in (store, other)]
    body = {"lines": [{"sku": "RET-CAP", "quantity": 1}]}

    def give_back(n):
        place = (store, other)[n % 2]
        response = ApiTestClient(tokens[n % 2]).post(f"/api/v1/orders/{order.number}/returns/",
                                                     {**body, "location": place.code})
        return outcome_of(response)

    outcomes = race(8, give_back)
    assert outcomes.count("created") == 3, outcomes
    assert set(outcomes) == {"created", "409 return_exceeds_order"}, outcomes
    assert OrderLine.objects.get(order=order).returned_quantity == 3
    assert sum(r.refund_amount for r in Return.objects.all()) == Decimal("59.70")
    assert ledger_mismatches() == []


def _shared_code_order(token: str, location, code: str):
    body = {"lines": [{"sku": "SHARED-CAP", "quantity": 1}], "fulfilment": "click_and_collect",
            "pickup_location": location.code, "codes": [code]}
    return ApiTestClient(token).post("/api/v1/orders/", body)


@pytest.mark.django_db(transaction=True)
def test_a_shared_code_with_a_usage_limit_is_applied_or_refused_under_concurrency():
    """8 orders race for a shared code's one use: one gets it, every other one is refused
    with code_used; none is placed at full price carrying the code."""
    location = LocationFactory(code="shared-store", click_and_collect=True)
    stock(ProductFactory(sku="SHARED-CAP", price=Decimal("19.90")), location, 50)
    PromotionFactory(kind="amount", value=Decimal("5"), code="SHARED5", requires_code=True, usage_limit=1)
    _client, token = make_api_client("web")

    outcomes = race(8, lambda n: outcome_of(_shared_code_order(token, location, "SHARED5")))

    assert outcomes.count("created") == 1, outcomes
    assert outcomes.count("409 code_used") == 7, outcomes
    order = Order.objects.get()
    assert (order.total, order.codes) == (Decimal("14.90"), ["SHARED5"])
    assert Redemption.objects.filter(released_at__isnull=True).count() == 1
    assert StockLevel.objects.get(product__sku="SHARED-CAP").reserved == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_code_whose_last_use_goes_while_the_order_is_priced_is_refused():
    """The interleaving the race above only sometimes hits, made certain: right after the
    order's first read of the code's uses, another order takes the last one and commits.
    The order must then be refused (409 code_used), not placed at full price with the code."""
    import threading

    from django.db import connection

    from omni.actor import Actor
    from promotions.services import code_redeem

    location = LocationFactory(code="window-store", click_and_collect=True)
    stock(ProductFactory(sku="SHARED-CAP", price=Decimal("19.90")), location, 50)
    PromotionFactory(kind="amount", value=Decimal("5"), code="LAST1", requires_code=True, usage_limit=1)
    _client, token = make_api_client("web")
    taken = []

    def other_order():
        try:
            taken.append(code_redeem(code="LAST1", customer=None, order_reference="OTHER-ORDER", channel="store",
                                     actor=Actor.system()))
        finally:
            connection.close()

    def take_the_last_use_after_the_first_count(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not taken and "promotions_redemption" in sql and "COUNT" in sql.upper():
            other = threading.Thread(target=other_order)
            other.start()
            other.join(timeout=30)
        return result

    with connection.execute_wrapper(take_the_last_use_after_the_first_count):
        response = _shared_code_order(token, location, "LAST1")

    assert taken, "the other order did not run"
    assert response.status_code == 409, response.json()
    assert response.json()["code"] == "code_used"
    assert not Order.objects.exists()
    assert list(Redemption.objects.values_list("order_reference", flat=True)) == ["OTHER-ORDER"]
    assert StockLevel.objects.get(product__sku="SHARED-CAP").reserved == 0
