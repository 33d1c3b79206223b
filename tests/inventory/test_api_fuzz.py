"""Whatever a client sends, the stock and product endpoints answer 2xx/4xx, never 500."""

import pytest
from hypothesis import HealthCheck, given, settings
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
def test_movements_never_500(erp, body):
    response = erp.post("/api/v1/stock/movements/", body)
    assert response.status_code in (201, 400, 403, 409), (body, response.content)
    level = StockLevel.objects.get(product__sku="FUZZ-1", location__code="paris")
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
def test_transfers_never_500(erp, body):
    response = erp.post("/api/v1/stock/transfers/", body)
    assert response.status_code in (201, 400, 403, 409), (body, response.content)


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
