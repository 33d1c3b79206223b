"""Concurrent reservations of the last units, with real threads and real connections."""

import threading

import pytest
from django.db import connection

from inventory import services
from inventory.errors import InsufficientStock
from inventory.models import Reservation, StockLevel
from omni.actor import Actor
from tests.factories.inventory import ProductFactory, stock
from tests.factories.omni import LocationFactory, make_api_client

THREADS = 30
UNITS = 10


@pytest.mark.django_db(transaction=True)
def test_thirty_buyers_ten_units(audit):
    location = LocationFactory(code="race-store")
    product = ProductFactory(sku="RACE-CAP")
    stock(product, location, UNITS)
    actor = Actor.for_client(make_api_client("web")[0])
    start = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def buy(n: int) -> None:
        try:
            start.wait()
            try:
                services.stock_reserve(location=location, lines={"RACE-CAP": 1}, reference=f"O-{n}", actor=actor)
                outcome = "ok"
            except InsufficientStock as exc:
                assert exc.code == "insufficient_stock"
                outcome = "insufficient_stock"
            except Exception as exc:  # noqa: BLE001 - reported below
                outcome = f"error: {exc!r}"
            with lock:
                outcomes.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=buy, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes).count("ok") == UNITS, outcomes
    assert outcomes.count("insufficient_stock") == THREADS - UNITS, outcomes
    level = StockLevel.objects.get(product=product, location=location)
    assert (level.on_hand, level.reserved) == (UNITS, UNITS)
    assert Reservation.objects.filter(status="active").count() == UNITS
    assert audit() == 0
