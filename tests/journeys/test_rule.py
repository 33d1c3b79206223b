"""The journey rule, and incremental recomputation equal to the full one."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeys.journeys import Step, split_into_journeys
from journeys.models import Journey, Touchpoint
from journeys.services import journeys_recompute, journeys_recompute_all
from tests.factories.customers import CustomerFactory

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


def test_a_purchase_ends_the_journey_and_channels_keep_their_order():
    steps = [
        Step(at(0), "web", "page_view"),
        Step(at(1), "app", "product_view"),
        Step(at(2), "store", "purchase"),
        Step(at(3), "web", "page_view"),
    ]
    first, second = split_into_journeys(steps)
    assert first.channels == ["web", "app", "store"] and first.converted and first.purchase_channel == "store"
    assert first.touchpoints == 3 and first.ended_at == at(2)
    assert second.channels == ["web"] and not second.converted


def test_thirty_days_of_inactivity_end_a_journey_but_thirty_do_not():
    exactly = split_into_journeys([Step(at(0), "web", "page_view"), Step(at(30), "store", "purchase")])
    assert len(exactly) == 1
    beyond = split_into_journeys([Step(at(0), "web", "page_view"), Step(at(30.01), "store", "purchase")])
    assert [journey.channels for journey in beyond] == [["web"], ["store"]]


def stored(customer) -> list[tuple]:
    return sorted(
        (j.started_at, j.ended_at, tuple(j.channels), j.touchpoint_count, j.converted, j.purchase_channel)
        for j in Journey.objects.filter(customer=customer)
    )


events = st.lists(
    st.tuples(
        st.one_of(st.integers(0, 90).map(float), st.floats(min_value=0, max_value=200, allow_nan=False)),
        st.sampled_from(["web", "app", "store", "call_centre"]),
        st.sampled_from(["page_view", "product_view", "purchase", "store_visit", "identify"]),
    ),
    min_size=1,
    max_size=25,
)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=st.lists(events, min_size=1, max_size=4))
def test_incremental_recomputation_equals_full_recomputation(batches):
    customer = CustomerFactory()
    for batch in batches:  # batches arrive in any order of time, like late events do
        Touchpoint.objects.bulk_create(
            Touchpoint(type=kind, channel=channel, occurred_at=at(day), customer=customer)
            for day, channel, kind in batch
        )
        journeys_recompute(customer_id=customer.pk, since=min(at(day) for day, _c, _k in batch))
    incremental = stored(customer)
    journeys_recompute_all()
    assert stored(customer) == incremental
    journeys_recompute(customer_id=customer.pk)
    assert stored(customer) == incremental
    Journey.objects.all().delete()
    Touchpoint.objects.all().delete()
