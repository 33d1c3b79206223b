import pytest
from django.core.management import call_command

from omni.actor import Actor
from tests.factories.inventory import ProductFactory
from tests.factories.omni import make_api_client


@pytest.fixture
def erp_actor(db):
    client, _token = make_api_client("integration")
    return Actor.for_client(client)


@pytest.fixture
def system_actor():
    return Actor.system()


@pytest.fixture
def product(db):
    return ProductFactory(sku="CAP-TRK-NOIR-M", barcode="3760000000017", name="Casquette trucker noire", price="24.90")


@pytest.fixture
def audit():
    """Run ``inventory_audit``; returns its exit code (0 when the ledger agrees)."""

    def run() -> int:
        try:
            call_command("inventory_audit")
        except SystemExit as exc:
            return exc.code
        return 0

    return run
