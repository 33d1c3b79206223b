from decimal import Decimal

import pytest

from omni.actor import Actor
from tests.factories.inventory import ChannelPriceFactory, ProductFactory


@pytest.fixture
def catalogue(db):
    """Two caps, a t-shirt and a bag; the web shop sells the first cap cheaper."""
    cap = ProductFactory(sku="CAP-NY", name="Casquette NY", category="caps", price=Decimal("25.00"))
    ChannelPriceFactory(product=cap, channel="web", price=Decimal("22.00"))
    return {
        "cap": cap,
        "cap2": ProductFactory(sku="CAP-LA", name="Casquette LA", category="caps", price=Decimal("30.00")),
        "tee": ProductFactory(sku="TEE-01", name="T-shirt logo", category="tshirts", price=Decimal("15.00")),
        "bag": ProductFactory(sku="BAG-01", name="Sac", category="bags", price=Decimal("9.86")),
    }


@pytest.fixture
def system():
    return Actor.system()


# Browser tests of the marketing pages reuse the e2e fixtures (Debian's Chromium).
from tests.e2e.conftest import browser_type_launch_args, logged_in_page  # noqa: E402, F401
