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


@pytest.mark.django_db(transaction=True)
def test_crossing_transfers_reservations_and_sales_never_deadlock_or_drift(audit):
    """Transfers both ways between two locations, reservations, releases and sales of two
    SKUs at once: locks taken in one order mean no deadlock, and the ledger still adds up."""
    paris, lyon = LocationFactory(code="x-paris"), LocationFactory(code="x-lyon")
    cap, bag = ProductFactory(sku="X-CAP"), ProductFactory(sku="X-BAG")
    for product in (cap, bag):
        for location in (paris, lyon):
            stock(product, location, 20)
    erp = Actor.for_client(make_api_client("integration")[0])
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(12)

    def work(n: int) -> None:
        try:
            start.wait()
            here, there = (paris, lyon) if n % 2 else (lyon, paris)
            for step in range(5):
                try:
                    if n % 3 == 0:
                        services.stock_transfer(
                            sku="X-CAP", from_location=here, to_location=there, quantity=1, actor=erp
                        )
                    elif n % 3 == 1:
                        reference = f"R-{n}-{step}"
                        services.stock_reserve(
                            location=here, lines={"X-BAG": 1, "X-CAP": 1}, reference=reference, actor=erp
                        )
                        if step % 2:
                            services.stock_release(reference=reference, actor=erp)
                        else:
                            services.stock_consume(reference=reference, actor=erp)
                    else:
                        services.stock_sell(
                            location=here, lines={"X-CAP": 1, "X-BAG": 1}, reference=f"S-{n}-{step}", actor=erp
                        )
                except InsufficientStock:
                    pass
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            with lock:
                errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert audit() == 0
    total_caps = sum(StockLevel.objects.filter(product=cap).values_list("on_hand", flat=True))
    sold = 40 - total_caps
    assert sold == sum(-delta for delta in cap.movements.filter(kind="sale").values_list("on_hand_delta", flat=True))


@pytest.mark.django_db(transaction=True)
def test_first_movements_into_a_new_location_race_cleanly(audit):
    """Levels created on the fly by concurrent receipts and transfers: one row, no error."""
    warehouse, new_store = LocationFactory(code="n-warehouse"), LocationFactory(code="n-store")
    product = ProductFactory(sku="N-CAP")
    stock(product, warehouse, 100)
    erp = Actor.for_client(make_api_client("integration")[0])
    errors: list[str] = []
    start = threading.Barrier(10)

    def work(n: int) -> None:
        try:
            start.wait()
            if n % 2:
                services.stock_receive(sku="N-CAP", location=new_store, quantity=1, actor=erp)
            else:
                services.stock_transfer(
                    sku="N-CAP", from_location=warehouse, to_location=new_store, quantity=2, actor=erp
                )
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert StockLevel.objects.get(product=product, location=new_store).on_hand == 5 * 1 + 5 * 2
    assert audit() == 0
