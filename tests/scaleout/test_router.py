"""The primary/replica router, alone and with a real replica alias in a ``manage.py`` process.

The replica in the process test is the test database again, opened read-only
(``default_transaction_read_only``), as a hot standby would be: a write routed to it fails.
"""

import json
import subprocess
import sys

import pytest
from django.contrib.sessions.models import Session
from django.db import connections, transaction
from django_celery_beat.models import PeriodicTask

from inventory.models import Product, StockLevel
from omni.db_routers import PrimaryReplicaRouter
from omni.models import IdempotencyRecord, Location
from orders.models import Order
from tests.factories.inventory import ProductFactory, stock
from tests.factories.omni import LocationFactory, make_api_client
from tests.scaleout.conftest import BASE_DIR, base_environment, database_url

router = PrimaryReplicaRouter()


@pytest.mark.django_db(transaction=True)
def test_reads_outside_a_transaction_go_to_the_replica():
    assert not connections["default"].in_atomic_block
    assert router.db_for_read(Product) == "replica"
    assert router.db_for_read(Location, instance=None) == "replica"


@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_transaction_stay_on_the_primary():
    with transaction.atomic():
        assert router.db_for_read(Product) == "default"
        with transaction.atomic():  # a savepoint too
            assert router.db_for_read(StockLevel) == "default"
    assert router.db_for_read(Product) == "replica"


@pytest.mark.django_db(transaction=True)
def test_coordination_tables_are_read_on_the_primary_even_outside_a_transaction():
    for model in (Session, IdempotencyRecord, PeriodicTask):
        assert router.db_for_read(model) == "default", model
    from axes.models import AccessAttempt

    assert router.db_for_read(AccessAttempt) == "default"


def test_writes_go_to_the_primary():
    for model in (Product, Order, IdempotencyRecord):
        assert router.db_for_write(model) == "default"


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate("default", "inventory", model_name="product")
    assert not router.allow_migrate("replica", "inventory", model_name="product")
    assert not router.allow_migrate("replica", "sessions")
    assert router.allow_relation(Product(), Location())


REPLICA_SCRIPT = r"""
import json, os
from django.conf import settings
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

replica = settings.DATABASES["replica"]
out = {
    "aliases": sorted(settings.DATABASES),
    "routers": settings.DATABASE_ROUTERS,
    "mirror": replica["TEST"]["MIRROR"],
    "same_database": [replica[k] for k in ("NAME", "HOST", "PORT")]
    == [settings.DATABASES["default"][k] for k in ("NAME", "HOST", "PORT")],
    "replica_options": replica["OPTIONS"]["options"],
    "separate_pools": replica["OPTIONS"].get("pool") is not settings.DATABASES["default"]["OPTIONS"].get("pool"),
}
with connections["replica"].cursor() as cursor:
    cursor.execute("SHOW default_transaction_read_only")
    out["replica_read_only"] = cursor.fetchone()[0]
    cursor.execute("SHOW lock_timeout")
    out["replica_lock_timeout"] = cursor.fetchone()[0]

client = Client(headers={"Authorization": "Token " + os.environ["SCALE_TOKEN"]})
with CaptureQueriesContext(connections["default"]) as primary, \
        CaptureQueriesContext(connections["replica"]) as replica_queries:
    listed = client.get("/api/v1/products/")
out["get_status"] = listed.status_code
out["get_skus"] = [row["sku"] for row in listed.json()["results"]]
out["get_primary_sql"] = [q["sql"] for q in primary.captured_queries]
out["get_replica_sql"] = [q["sql"] for q in replica_queries.captured_queries]

body = {"lines": [{"sku": "REPLICA-CAP", "quantity": 1}], "fulfilment": "click_and_collect",
        "pickup_location": "replica-store"}
headers = {"Idempotency-Key": "replica-1"}
first = client.post("/api/v1/orders/", body, content_type="application/json", headers=headers)
again = client.post("/api/v1/orders/", body, content_type="application/json", headers=headers)
out["post"] = [first.status_code, again.status_code, again.headers.get("Idempotent-Replayed")]
out["post_numbers"] = [first.json().get("number"), again.json().get("number")]
print(json.dumps(out))
"""


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_replica_alias_mirrors_the_database_and_serves_the_api_reads():
    store = LocationFactory(code="replica-store", click_and_collect=True)
    stock(ProductFactory(sku="REPLICA-CAP"), store, 5)
    _client, token = make_api_client("web")
    url = database_url()
    environment = base_environment(
        DATABASE_URL=url,
        DATABASE_REPLICA_URL=f"{url}?options=-c%20default_transaction_read_only%3Don",
        DATABASE_LOCK_TIMEOUT_MS="1500",
        DATABASE_POOL_MIN="1",
        DATABASE_POOL_MAX="2",
        SCALE_TOKEN=token,
    )
    run = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", REPLICA_SCRIPT],
        cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=60, check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])

    assert out["aliases"] == ["default", "replica"]
    assert out["routers"] == ["omni.db_routers.PrimaryReplicaRouter"]
    assert out["mirror"] == "default" and out["same_database"]
    assert out["separate_pools"]
    # The replica keeps its own server options and gets the primary's timeouts.
    assert out["replica_options"].startswith("-c default_transaction_read_only=on -c lock_timeout=1500")
    assert (out["replica_read_only"], out["replica_lock_timeout"]) == ("on", "1500ms")

    assert out["get_status"] == 200 and out["get_skus"] == ["REPLICA-CAP"]
    assert any("inventory_product" in sql for sql in out["get_replica_sql"]), out["get_replica_sql"]
    assert not any("inventory_product" in sql for sql in out["get_primary_sql"]), out["get_primary_sql"]

    # Writes, and the reads of the write transaction, went to the primary: the read-only
    # replica would have refused any of them. The retry found its idempotency record.
    assert out["post"] == [201, 201, "true"], out
    assert out["post_numbers"][0] == out["post_numbers"][1]
    assert Order.objects.count() == 1
    assert StockLevel.objects.get(product__sku="REPLICA-CAP").reserved == 1
