"""Whatever a client sends, the stock and product endpoints answer exactly what the
contract says of that request (never a 500): each test computes the expected status from
the body on its own, and compares."""

import re
from decimal import Decimal, InvalidOperation

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from inventory.models import Product, StockLevel, is_valid_ean13
from omni.channels import Channel
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


def as_text(value, *, max_length: int, blank: bool = False, null: bool = False) -> str | None | bool:
    """A text field's value as the contract reads it: numbers are written as text, spaces
    around it are dropped; False when the value is refused."""
    if value is None:
        return None if null else False
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return False
    text = str(value).strip()
    if "\x00" in text or len(text) > max_length or (not text and not blank):
        return False
    return text


def as_money(value, *, null: bool = False) -> Decimal | None | bool:
    """An amount written with at most two decimals and ten whole digits, not negative;
    False when refused."""
    if value is None:
        return None if null else False
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return False
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return False
    if not amount.is_finite() or amount < 0:
        return False
    _sign, digits, exponent = amount.as_tuple()
    places = -exponent if exponent < 0 else 0
    return amount if places <= 2 and len(digits) + exponent <= 10 else False


SKU = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*")
SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def product_answer(body: dict) -> int:
    """The status the contract gives this new product's body."""
    sku = as_text(body.get("sku"), max_length=64)
    name = as_text(body.get("name"), max_length=200)
    if not (isinstance(sku, str) and SKU.fullmatch(sku)) or Product.objects.filter(sku=sku).exists():
        return 400
    if not isinstance(name, str) or as_money(body.get("price")) is False:
        return 400
    if "barcode" in body:
        barcode = as_text(body["barcode"], max_length=13, blank=True, null=True)
        if barcode is False:
            return 400
        if barcode and (not is_valid_ean13(barcode) or Product.objects.filter(barcode=barcode).exists()):
            return 400
    if "category" in body:
        category = as_text(body["category"], max_length=40, blank=True)
        if category is False or (category and not SLUG.fullmatch(category)):
            return 400
    if "channel_prices" in body:
        prices = body["channel_prices"]
        if not isinstance(prices, dict) or not set(prices) <= set(Channel.values):
            return 400
        if any(as_money(price, null=True) is False for price in prices.values()):
            return 400
    if "attributes" in body and (not isinstance(body["attributes"], dict) or len(str(body["attributes"])) > 2000):
        return 400
    return 201


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.fixed_dictionaries(
        {},
        optional={
            "sku": st.one_of(field_values, st.sampled_from(["NEW-1", " NEW-2 ", "3.5", "-X", "a b"])),
            "barcode": st.one_of(json_values, st.sampled_from(["4006381333931", "4006381333932", "", " "])),
            "name": field_values,
            "category": st.one_of(json_values, st.sampled_from(["caps", "bad slug", ""])),
            "price": st.one_of(json_values, st.sampled_from(["12.50", "0", "-1", "1e5", "9999999999.99", "1e10"])),
            "channel_prices": st.one_of(json_values, st.sampled_from([{"web": "9.90"}, {"moon": "1"}, {"app": None}])),
            "attributes": json_values,
        },
    )
)
@example(body={"sku": "NEW-1", "name": "Cap", "price": "12.50"})
@example(body={"sku": " NEW-2 ", "name": 7, "price": 3, "barcode": "4006381333931", "category": ""})
@example(body={"sku": "FUZZ-1", "name": "Cap", "price": "12.50"})
@example(body={"sku": "NEW-3", "name": "Cap", "price": "12.505"})
@example(body={"sku": "NEW-5", "name": "Cap", "price": "99999999999"})
@example(body={"sku": "NEW-4", "name": "Cap", "price": "1", "channel_prices": {"web": "-1"}})
def test_product_creation_answers_what_the_contract_says(erp, body):
    expected = product_answer(body)
    response = erp.post("/api/v1/products/", body)
    assert response.status_code == expected, (body, response.content)


def stock_query_answer(skus: str, location: str, page: str) -> int:
    """``GET /stock/?skus=&location=&page=`` with FUZZ-1 held at paris only; an empty
    parameter is an absent one."""
    asked = skus.strip()
    if not asked or "\x00" in asked or not any(part.strip() for part in asked.split(",")):
        return 400
    if location and location not in LOCATIONS:
        return 400
    if not page or page == "last":
        return 200
    try:
        number = int(page)  # what a page number is: Python's reading of an integer
    except ValueError:
        return 404
    return 200 if number == 1 else 404  # a single page, whatever the SKUs


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    skus=st.one_of(st.text(max_size=60), st.sampled_from(["FUZZ-1", " FUZZ-1 , NOPE", ",", " , ", "FUZZ-1\x00"])),
    location=st.one_of(st.text(max_size=20), st.sampled_from(["paris", "lyon", "PARIS", "atlantis"])),
    page=st.one_of(st.text(max_size=5), st.sampled_from(["1", "2", "0", "-1", " 1", "last", "1.0"])),
)
@example(skus="FUZZ-1", location="", page="")
@example(skus="FUZZ-1", location="lyon", page="2")
def test_stock_queries_answer_what_the_contract_says(erp, skus, location, page):
    response = erp.get("/api/v1/stock/", {"skus": skus, "location": location, "page": page})
    assert response.status_code == stock_query_answer(skus, location, page), response.content
    if response.status_code == 200:
        rows = response.json()["results"]
        held = any(part.strip() == "FUZZ-1" for part in skus.split(","))
        if not held:
            assert rows == []
        elif location == "lyon":
            assert [(row["location"], row["available"]) for row in rows] == [("lyon", 0)]
        else:
            assert [(row["location"], row["available"]) for row in rows] == [("paris", 5)]
