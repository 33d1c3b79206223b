from decimal import Decimal

import pytest

from inventory.models import StockLevel
from tests.factories.customers import CustomerFactory
from tests.factories.inventory import ProductFactory, stock

ADDRESS = {"name": "Jérémy Petit", "line1": "4 rue des Lilas", "postcode": "69003", "city": "Lyon", "country": "FR"}


@pytest.fixture
def catalogue(store, other_store, warehouse):
    """Three products; 10 of each at the store, 5 at the other store, 20 in the warehouse."""
    products = {
        "CAP-1": ProductFactory(sku="CAP-1", name="Casquette trucker", category="caps", price=Decimal("19.90")),
        "TEE-1": ProductFactory(sku="TEE-1", name="T-shirt logo", category="tees", price=Decimal("25.00")),
        "JKT-1": ProductFactory(sku="JKT-1", name="Veste coupe-vent", category="jackets", price=Decimal("89.00")),
    }
    for product in products.values():
        stock(product, store, 10)
        stock(product, other_store, 5)
        stock(product, warehouse, 20)
    return products


@pytest.fixture
def customer(db):
    return CustomerFactory(first_name="Jérémy", sms_consent=True, email_consent=False)


@pytest.fixture
def level():
    def get(sku, location):
        item = StockLevel.objects.get(product__sku=sku, location=location)
        return item.on_hand, item.reserved

    return get


@pytest.fixture
def web(api_as):
    return api_as("web")


@pytest.fixture
def pos(api_as, store):
    return api_as("pos", location=store)


@pytest.fixture
def other_pos(api_as, other_store):
    return api_as("pos", location=other_store)
