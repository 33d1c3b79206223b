"""Keep stored journeys equal to the journey rule applied to all touchpoints.

Incremental: new touchpoints at or after ``since`` can only change journeys that end
less than 30 days before ``since``; those are deleted and rebuilt from the start of the
earliest of them, which is a journey boundary (see ``journeys.journeys``). Everything
earlier is left alone, so the cost follows the new events, not the history. A batch of
customers is rebuilt in a constant number of queries.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, Min, OuterRef
from django.utils import timezone

from ..journeys import INACTIVITY, Step, split_into_journeys
from ..models import NOT_A_STEP_TYPES, Journey, JourneyChannel, Touchpoint

STEP_FIELDS = ("customer_id", "occurred_at", "id", "channel", "type", "location_id")


def _store(journeys_by_customer: dict) -> int:
    rows = [
        Journey(
            customer_id=customer_id,
            started_at=data.started_at,
            ended_at=data.ended_at,
            first_touchpoint_id=data.first_step_id,
            channels=data.channels,
            channel_count=len(data.channels),
            touchpoint_count=data.touchpoints,
            converted=data.converted,
            purchase_channel=data.purchase_channel,
            purchase_location_id=data.purchase_location_id,
        )
        for customer_id, journeys in journeys_by_customer.items()
        for data in journeys
    ]
    created = Journey.objects.bulk_create(rows, batch_size=2000)
    JourneyChannel.objects.bulk_create(
        (
            JourneyChannel(
                journey=journey,
                customer_id=journey.customer_id,
                channel=channel,
                started_at=journey.started_at,
                ended_at=journey.ended_at,
                converted=journey.converted,
                purchase_channel=journey.purchase_channel,
            )
            for journey in created
            for channel in journey.channels
        ),
        batch_size=2000,
    )
    return len(created)


def _split_stream(rows: Iterable[tuple[Any, ...]]) -> dict[Any, Any]:
    """Rows of (customer, at, channel, type, location) ordered by customer then time."""
    steps_by_customer: dict[Any, list[Step]] = defaultdict(list)
    for customer_id, at, step_id, channel, kind, location_id in rows:
        steps_by_customer[customer_id].append(
            Step(at=at, channel=channel, type=kind, location_id=location_id, id=step_id)
        )
    return {customer_id: split_into_journeys(steps) for customer_id, steps in steps_by_customer.items()}


@transaction.atomic
def journeys_recompute_many(*, customer_ids: list, since: datetime | None = None) -> int:
    """Rebuild these customers' journeys from ``since`` on (everything when None).

    One ``since`` for the whole batch: starting earlier than a customer needs is still
    correct (``since`` is a boundary when no journey ends within 30 days before it),
    only a little more work, and it keeps the batch at a constant number of queries."""
    if not customer_ids:
        return 0
    journeys = Journey.objects.filter(customer_id__in=customer_ids)
    touchpoints = Touchpoint.objects.filter(customer_id__in=customer_ids).exclude(type__in=NOT_A_STEP_TYPES)
    start_of: dict[Any, tuple[datetime, Any]] = {}
    if since is not None:
        journeys = journeys.filter(ended_at__gte=since - INACTIVITY)
        # Each customer's earliest affected journey, by (time, first touchpoint id).
        for customer_id, started_at, first_id in journeys.order_by(
            "customer_id", "-started_at", "-first_touchpoint_id"
        ).values_list("customer_id", "started_at", "first_touchpoint_id"):
            start_of[customer_id] = (started_at, first_id)
        touchpoints = touchpoints.filter(occurred_at__gte=min([since, *(at for at, _id in start_of.values())]))
    journeys.delete()
    rows: Iterable[tuple[Any, ...]] = touchpoints.order_by("customer_id", "occurred_at", "id").values_list(
        *STEP_FIELDS
    )
    if since is not None:
        rows = (row for row in rows if _at_or_after(row, start_of.get(row[0]), since))
    return _store(_split_stream(rows))


def _at_or_after(row: tuple[Any, ...], journey_start: tuple[datetime, Any] | None, since: datetime) -> bool:
    """Is this touchpoint in the part being rebuilt? Touchpoints sharing the instant
    where a kept journey ends belong to that journey, hence the id tie-break."""
    at, touchpoint_id = row[1], row[2]
    if journey_start is None or since <= journey_start[0]:
        return bool(at >= since)
    start_at, start_id = journey_start
    return at > start_at or (at == start_at and (start_id is None or _uuid(touchpoint_id) >= _uuid(start_id)))


def _uuid(value: object) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def journeys_recompute(*, customer_id: Any, since: datetime | None = None) -> int:
    return journeys_recompute_many(customer_ids=[customer_id], since=since)


@transaction.atomic
def journeys_recompute_all() -> int:
    """Rebuild every journey from every touchpoint, one customer chunk at a time."""
    Journey.objects.all().delete()
    customer_ids = list(
        Touchpoint.objects.filter(customer__isnull=False).order_by().values_list("customer_id", flat=True).distinct()
    )
    total = 0
    for start in range(0, len(customer_ids), 2000):
        chunk = customer_ids[start : start + 2000]
        rows = (
            Touchpoint.objects.filter(customer_id__in=chunk)
            .exclude(type__in=NOT_A_STEP_TYPES)
            .order_by("customer_id", "occurred_at", "id")
            .values_list(*STEP_FIELDS)
        )
        total += _store(_split_stream(rows.iterator(chunk_size=5000)))
    return total


# Touchpoints received this recently and covered by no journey are rebuilt by the catch-up.
CATCH_UP_WINDOW = timedelta(minutes=15)


def journeys_catch_up(*, now: datetime | None = None) -> int:
    """Rebuild the journeys of customers whose recent touchpoints no journey covers: their
    recomputation was never queued (the broker was down after the commit) or its worker
    died. Run by beat every few minutes; a customer already up to date is not touched."""
    now = now or timezone.now()
    covered = Journey.objects.filter(
        customer_id=OuterRef("customer_id"), started_at__lte=OuterRef("occurred_at"),
        ended_at__gte=OuterRef("occurred_at"),
    )
    stale = dict(
        Touchpoint.objects.filter(received_at__gte=now - CATCH_UP_WINDOW, customer__isnull=False)
        .exclude(type__in=NOT_A_STEP_TYPES)
        .exclude(Exists(covered))
        .order_by()
        .values("customer_id")
        .annotate(since=Min("occurred_at"))
        .values_list("customer_id", "since")
    )
    if not stale:
        return 0
    journeys_recompute_many(customer_ids=list(stale), since=min(stale.values()))
    return len(stale)
