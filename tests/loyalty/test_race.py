"""Two tills spending one balance at once never take more than it holds (real threads,
real connections: PostgreSQL locks the customer's row, SQLite serialises its writers)."""

import pytest

from loyalty import services
from loyalty.errors import InsufficientPoints
from loyalty.models import LoyaltyProgram, PointsEntry
from loyalty.selectors import balance_of, ledger_mismatches
from omni.actor import Actor
from tests.concurrency import race
from tests.factories.customers import CustomerFactory

THREADS = 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_spending_never_overdraws_the_balance():
    LoyaltyProgram.objects.update_or_create(pk=1, defaults={"active": True})
    customer = CustomerFactory()
    for _ in range(3):
        services.points_adjust(customer=customer, points=100, note="race", actor=Actor.system(),
                               check_permission=False)

    def spend(n: int):
        return services.points_redeem(customer=customer, points=200, order=f"OM-RACE{n}", channel="store",
                                      actor=Actor.system())

    outcomes = race(THREADS, spend)
    spent = [o for o in outcomes if isinstance(o, PointsEntry)]
    refused = [o for o in outcomes if isinstance(o, InsufficientPoints)]
    assert len(spent) == 1 and len(refused) == THREADS - 1, outcomes
    assert balance_of(customer.pk).balance == 100
    assert ledger_mismatches() == []
