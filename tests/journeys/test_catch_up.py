"""Journeys a broker outage left behind are rebuilt by the catch-up, and only those."""

from datetime import timedelta

from django.utils import timezone

from journeys.models import Journey, Touchpoint
from journeys.services import journeys_catch_up
from tests.factories.customers import CustomerFactory


def _touchpoint(customer, minutes_ago: int, **fields) -> Touchpoint:
    # Written directly, as a commit whose recompute_journeys was never published leaves it.
    now = timezone.now()
    return Touchpoint.objects.create(type="page_view", channel="web", customer=customer,
                                     occurred_at=now - timedelta(minutes=minutes_ago), received_at=now, **fields)


def test_uncovered_recent_touchpoints_get_their_journeys(db):
    left_behind, up_to_date = CustomerFactory(), CustomerFactory()
    _touchpoint(left_behind, 20)
    _touchpoint(left_behind, 5)
    assert not Journey.objects.filter(customer=left_behind).exists()

    assert journeys_catch_up() == 1
    journey = Journey.objects.get(customer=left_behind)
    assert journey.touchpoint_count == 2
    assert not Journey.objects.filter(customer=up_to_date).exists()
    assert journeys_catch_up() == 0  # nothing left: a second run touches nobody


def test_touchpoints_received_long_ago_are_not_scanned(db):
    customer = CustomerFactory()
    old = _touchpoint(customer, 60)
    Touchpoint.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(hours=2))
    assert journeys_catch_up() == 0
