"""Whatever a client sends, the stock and product endpoints answer 2xx/4xx, never 500; a
movement or a transfer answers exactly what the contract says of that body."""

import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from inventory.models import StockLevel
from tests.factories.inventory import ProductFactory, stock

pytestmark = pytest.mark.django_db

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.text(max_size=30)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=6,
)
field_values = st.one_of(
    json_values, st.sampled_from(["FUZZ-1", "paris", "lyon", "receipt", "adjustment", "count", 3, -2])
)


LOCATIONS = ("paris", "lyon")  # a tuple: a body may hold lists, which a set cannot hash
ASCII_INTEGER = re.compile(r"\s*[+-]?[0-9]+(\.0*)?\s*", re.ASCII)


def whole_number(value) -> int | None:
    """The quantity a body's value stands for, as the contract reads it (``12``, ``12.0``,
    ``"12"``), or None when it is not a whole number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 1e16 else None
    if isinstance(value, str) and ASCII_INTEGER.fullmatch(value):
        return int(float(value.strip()))
    return None


def is_text(value, max_length: int = 200) -> bool:
    """A free-text field's value: text, or a number DRF writes as text."""
    return isinstance(value, (str, int, float)) and not isinstance(value, bool) and len(str(value)) <= max_length


def paris_level() -> StockLevel:
    return StockLevel.objects.get(product__sku="FUZZ-1", location__code="paris")


def movement_answer(body: dict, available: dict[str, int]) -> tuple[int, str | None]:
    """(status, error code) the contract gives this movement; ``available`` by location."""
    quantity = whole_number(body.get("quantity"))
    kind = body.get("kind")
    valid = (
        body.get("sku") == "FUZZ-1"
        and body.get("location") in LOCATIONS
        and kind in ("receipt", "adjustment", "count")
        and quantity is not None
        and abs(quantity) <= 1_000_000
        and ("reason" not in body or is_text(body["reason"]))
    )
    if not valid or (kind == "receipt" and quantity <= 0) or (kind == "adjustment" and quantity == 0):
        return 400, None
    if kind == "count" and quantity < 0:
        return 400, None
    if kind == "adjustment" and available[body["location"]] + quantity < 0:
        return 409, "insufficient_stock"
    return 201, None


def transfer_answer(body: dict, available: dict[str, int]) -> tuple[int, str | None]:
    quantity = whole_number(body.get("quantity"))
    source, target = body.get("from_location"), body.get("to_location")
    valid = (
        body.get("sku") == "FUZZ-1"
        and source in LOCATIONS
        and target in LOCATIONS
        and source != target
        and quantity is not None
        and 1 <= quantity <= 1_000_000
    )
    if not valid:
        return 400, None
    if available[source] < quantity:
        return 409, "insufficient_stock"
    return 201, None


def available_now() -> dict[str, int]:
    levels = StockLevel.objects.filter(product__sku="FUZZ-1").select_related("location")
    return {code: 0 for code in LOCATIONS} | {level.location.code: level.available for level in levels}


def assert_answer(response, expected: tuple[int, str | None], body: dict) -> None:
    status, code = expected
    assert response.status_code == status, (body, response.content)
    if code is not None:
        assert response.json()["code"] == code, (body, response.content)


@pytest.fixture
def erp(api_as, store, other_store):
    stock(ProductFactory(sku="FUZZ-1"), store, 5)
    return api_as("integration")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.fixed_dictionaries(
        {},
        optional={
            "sku": field_values,
            "location": field_values,
            "kind": field_values,
            "quantity": field_values,
            "reason": field_values,
        },
    )
)
@example(body={"sku": "FUZZ-1", "location": "paris", "kind": "receipt", "quantity": "3"})
@example(body={"sku": "FUZZ-1", "location": "paris", "kind": "adjustment", "quantity": -2.0, "reason": 7})
@example(body={"sku": "FUZZ-1", "location": "lyon", "kind": "adjustment", "quantity": -1})
@example(body={"sku": "FUZZ-1", "location": "paris", "kind": "count", "quantity": 0})
@example(body={"sku": "FUZZ-1", "location": "paris", "kind": "receipt", "quantity": 0})
@example(body={"sku": "FUZZ-1", "location": "paris", "kind": "count", "quantity": "１２"})
def test_movements_answer_what_the_contract_says(erp, body):
    expected = movement_answer(body, available_now())
    response = erp.post("/api/v1/stock/movements/", body)
    assert_answer(response, expected, body)
    level = paris_level()
    assert 0 <= level.reserved <= level.on_hand


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.fixed_dictionaries(
        {},
        optional={
            "sku": field_values,
            "from_location": field_values,
            "to_location": field_values,
            "quantity": field_values,
        },
    )
)
@example(body={"sku": "FUZZ-1", "from_location": "paris", "to_location": "lyon", "quantity": 2})
@example(body={"sku": "FUZZ-1", "from_location": "paris", "to_location": "lyon", "quantity": 1_000_000})
@example(body={"sku": "FUZZ-1", "from_location": "lyon", "to_location": "lyon", "quantity": 1})
def test_transfers_answer_what_the_contract_says(erp, body):
    expected = transfer_answer(body, available_now())
    response = erp.post("/api/v1/stock/transfers/", body)
    assert_answer(response, expected, body)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.fixed_dictionaries(
        {},
        optional={
            "sku": field_values,
            "barcode": field_values,
            "name": field_values,
            "category": field_values,
            "price": st.one_of(json_values, st.sampled_from(["12.50", "0", "-1", "1e5"])),
            "channel_prices": json_values,
            "attributes": json_values,
        },
    )
)
def test_product_creation_never_500(erp, body):
    response = erp.post("/api/v1/products/", body)
    assert response.status_code in (201, 400, 409), (body, response.content)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(skus=st.text(max_size=60), location=st.text(max_size=20), page=st.text(max_size=5))
def test_stock_queries_never_500(erp, skus, location, page):
    response = erp.get("/api/v1/stock/", {"skus": skus, "location": location, "page": page})
    assert response.status_code in (200, 400, 404), response.content
