"""Any sequence of stock operations keeps the invariants and the ledger in step."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inventory import services
from inventory.errors import InsufficientStock, InvalidQuantity, ReservationNotActive
from inventory.models import StockLevel
from inventory.selectors import ledger_mismatches, stock_for_product
from omni.actor import Actor
from tests.factories.inventory import ProductFactory
from tests.factories.omni import LocationFactory, make_api_client

pytestmark = pytest.mark.django_db

operations = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "receipt",
                "adjustment",
                "count",
                "reserve",
                "reserve_expired",
                "release",
                "consume",
                "sell",
                "return",
                "transfer",
                "expire",
            ]
        ),
        st.integers(min_value=-5, max_value=8),
        st.integers(min_value=0, max_value=3),
    ),
    max_size=25,
)


class Rollback(Exception):
    pass


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=operations)
def test_any_sequence_keeps_the_invariants(steps):
    try:
        with transaction.atomic():
            here, there = LocationFactory(code="inv-a"), LocationFactory(code="inv-b")
            product = ProductFactory(sku="INV-1")
            actor = Actor.for_client(make_api_client("integration")[0])
            for kind, quantity, ref in steps:
                reference = f"R{ref}"
                try:
                    if kind in ("receipt", "adjustment", "count"):
                        services.stock_move(sku="INV-1", location=here, kind=kind, quantity=quantity, actor=actor)
                    elif kind == "reserve":
                        services.stock_reserve(
                            location=here, lines={"INV-1": quantity}, reference=reference, actor=actor
                        )
                    elif kind == "reserve_expired":
                        services.stock_reserve(
                            location=here,
                            lines={"INV-1": quantity},
                            reference=reference,
                            actor=actor,
                            expires_at=timezone.now() - timedelta(seconds=1),
                        )
                    elif kind == "release":
                        services.stock_release(reference=reference, actor=actor)
                    elif kind == "consume":
                        services.stock_consume(reference=reference, actor=actor)
                    elif kind == "sell":
                        services.stock_sell(location=here, lines={"INV-1": quantity}, reference=reference, actor=actor)
                    elif kind == "return":
                        services.stock_return(
                            location=here, lines={"INV-1": quantity}, reference=reference, actor=actor
                        )
                    elif kind == "transfer":
                        services.stock_transfer(
                            sku="INV-1", from_location=here, to_location=there, quantity=quantity, actor=actor
                        )
                    else:
                        services.reservations_expire()
                except (InsufficientStock, InvalidQuantity, ReservationNotActive):
                    pass
                for level in StockLevel.objects.all():
                    assert 0 <= level.reserved <= level.on_hand
                for row in stock_for_product(product=product):
                    assert 0 <= row.reserved <= row.on_hand and row.available >= 0
            assert ledger_mismatches() == []
            raise Rollback
    except Rollback:
        pass
