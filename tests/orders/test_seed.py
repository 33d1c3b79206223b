"""The demo seed: orders of every kind and status, through the services (ledger intact),
idempotent."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from inventory.selectors import ledger_mismatches
from omni.registry import Seeder, registry
from orders.models import Order
from orders.selectors import pickup_board

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.django_db
# Just after midnight in the shop's time zone the board's "collected today" starts empty:
# the demo must still show an order collected today.
@pytest.mark.parametrize(
    "clock",
    [datetime(2026, 12, 4, 14, 0, tzinfo=PARIS), datetime(2026, 12, 4, 0, 20, tzinfo=PARIS)],
    ids=["afternoon", "just-after-midnight"],
)
def test_seed_makes_every_kind_and_status_once(clock):
    with time_machine.travel(clock, tick=True):
        _seed_and_check()


def _seed_and_check():
    from omni.seed import seed_organisation

    seed_organisation()
    for seeder in registry.entries(Seeder):
        if seeder.name in ("inventory", "customers", "promotions", "orders"):
            seeder.seed(None)
    statuses = set(Order.objects.values_list("status", flat=True))
    assert statuses >= {
        "placed",
        "ready_for_pickup",
        "collected",
        "shipped",
        "delivered",
        "completed",
        "cancelled",
        "expired",
    }
    assert set(Order.objects.values_list("fulfilment", flat=True)) == {"delivery", "click_and_collect", "in_store"}
    paris = Order.objects.filter(pickup_location__code="paris-rivoli").values_list("pickup_location_id", flat=True)[0]
    board = pickup_board(location_ids=[paris])
    assert all(board[column] for column in ("to_prepare", "ready", "overdue", "collected")), board
    assert ledger_mismatches() == []
    count = Order.objects.count()
    orders_seeder = registry.get(Seeder, "orders")
    assert orders_seeder is not None
    orders_seeder.seed(None)
    assert Order.objects.count() == count
