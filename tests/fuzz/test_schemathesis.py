"""Schemathesis against the served OpenAPI schema (``/api/schema/``).

Every operation of the schema is fuzzed through the WSGI application with the real token
of an ``integration`` client and of a ``web`` client: no answer may be a 500, and every
answer must match what the schema documents (body and status code). Examples are bounded
and derandomised so that the run is the same every time and stays short in CI.

Driven through schemathesis' Python API from one plain pytest test per client kind
(rather than its pytest plugin) so that the database fixture, the tokens and the seed
data are ordinary pytest-django fixtures.
"""

import time

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from omni.services import api_client_create
from omni.wsgi import application
from orders.services.carts import cart_create, cart_line_add
from tests.factories.customers import CustomerFactory, SegmentFactory
from tests.factories.inventory import ProductFactory, stock
from tests.factories.omni import LocationFactory, WarehouseFactory
from tests.factories.orders import place_pickup, web_actor
from tests.factories.promotions import PromotionFactory

MAX_EXAMPLES = 15
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]

# Checks left out for one operation because the schema cannot express the contract rule.
# Keyed by (method, path); each entry says why.
EXCLUDED: dict[tuple[str, str], list] = {}


@pytest.fixture
def fuzz_data(transactional_db, settings):
    """A small world, so that the second pass reaches existing objects through their URLs."""
    # Hundreds of requests a second from one client are the point here, not fairness.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"actor": "100000/s"},
    }
    store = LocationFactory(code="paris", name="Paris Rivoli", city="Paris")
    warehouse = WarehouseFactory(code="eshop")
    product = ProductFactory(sku="FUZZ-1")
    stock(product, store, 50)
    stock(product, warehouse, 50)
    customer = CustomerFactory()
    segment = SegmentFactory()
    promotion = PromotionFactory()
    actor = web_actor()
    cart = cart_line_add(cart=cart_create(actor=actor, customer=customer), sku="FUZZ-1", quantity=1, actor=actor)
    order = place_pickup(location=store, lines={"FUZZ-1": 1}, customer=customer, actor=actor)
    return {
        "cart_id": str(cart.id),
        "sku": product.sku,
        "customer_id": str(customer.id),
        "code": store.code,
        "number": order.number,
        "promotion_id": str(promotion.id),
        "slug": segment.slug,
    }


def _fuzz_operation(operation, headers: dict[str, str], excluded: list, path_parameters: dict | None) -> int:
    calls = 0

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(path_parameters=path_parameters))
    def run(case):
        nonlocal calls
        calls += 1
        case.call_and_validate(headers=headers, checks=CHECKS, excluded_checks=excluded)

    run()
    return calls


def _fuzz(token: str, objects: dict[str, str]) -> tuple[int, list[str]]:
    """Two passes: every operation with generated URLs (mostly unknown objects), then the
    operations with path parameters again on the objects of ``fuzz_data``."""
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    headers = {"Authorization": f"Token {token}"}
    failures: list[str] = []
    calls = 0
    operations = [result.ok() for result in schema.get_all_operations()]
    passes = [(operation, None) for operation in operations]
    for operation in operations:
        names = [parameter.name for parameter in operation.path_parameters]
        if names:
            passes.append((operation, {name: objects[name] for name in names}))
    for operation, path_parameters in passes:
        key = (operation.method.upper(), operation.path)
        try:
            calls += _fuzz_operation(operation, headers, EXCLUDED.get(key, []), path_parameters)
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - one run reports every operation
            failures.append(f"{key[0]} {key[1]} {path_parameters or ''}: {exc}")
    return calls, failures


@pytest.mark.parametrize("kind", ["integration", "web"])
def test_schema_holds_under_fuzzing(fuzz_data, kind):
    _, token = api_client_create(name=f"fuzz-{kind}", kind=kind)
    started = time.monotonic()
    calls, failures = _fuzz(token, fuzz_data)
    elapsed = time.monotonic() - started
    print(f"schemathesis as {kind}: {calls} calls in {elapsed:.1f} s")
    assert not failures, "\n\n".join(failures)
