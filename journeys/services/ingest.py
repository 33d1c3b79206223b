"""Storing touchpoints: batches from the API and the ones Omni observes itself."""

from __future__ import annotations

import logging
import threading
import uuid
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from kombu.exceptions import OperationalError as BrokerError

from customers.models import Customer
from customers.services import customer_touch_channel, customers_touch_channel
from omni.actor import Actor
from omni.errors import Forbidden

from ..models import AnonymousLink, Touchpoint, TouchpointType
from ..tasks import recompute_journeys

logger = logging.getLogger(__name__)

# Names the one touchpoint of a tracking link's visits within an hour (uuid5 of this and them).
ORDER_TRACKED_NAMESPACE = uuid.UUID("5b0c3e2a-6f8e-4d4b-9a57-0d1e7c2f9a41")


_pending = threading.local()


def _queue_recompute(since_by_customer: dict) -> None:
    """After commit, rebuild the affected customers' journeys: one task for all the
    touchpoints of a transaction (an order spending points records two), not one each.
    Each call registers a flush; the first after the commit publishes what every call
    gathered and the others find nothing left. What a rolled-back transaction gathered is
    published with the next commit: one rebuild too many, of journeys rebuilt from the truth."""
    if not since_by_customer:
        return
    gathered = getattr(_pending, "since", None)
    if gathered is None:
        gathered = _pending.since = {}
    for customer_id, at in since_by_customer.items():
        gathered[str(customer_id)] = min(at, gathered.get(str(customer_id), at))
    transaction.on_commit(_flush_recompute)


def _flush_recompute() -> None:
    gathered, _pending.since = getattr(_pending, "since", None), {}
    if gathered:
        publish_recompute(list(gathered), min(gathered.values()).isoformat())


def publish_recompute(customer_ids: list[str], since: str | None) -> None:
    """Queue the rebuild of these customers' journeys, after a commit: a broker outage
    must not turn that success into an error. ``journeys_catch_up`` (beat) rebuilds what
    was missed."""
    try:
        recompute_journeys.delay(customer_ids, since)
    # A refused connection is an OSError; kombu raises OperationalError once its retries are spent.
    except (OSError, BrokerError):  # the touchpoints are the truth; the journeys follow later
        logger.warning("broker unavailable: journeys of %s customers left for the catch-up", len(customer_ids),
                       exc_info=True)


def _link_anonymous_ids(identify_events: list[dict], since_by_customer: dict) -> None:
    """``identify`` ties an anonymous id to a customer; its earlier anonymous touchpoints
    join the customer's journeys."""
    for event in identify_events:
        anonymous_id, customer_id = event["anonymous_id"], event["customer_id"]
        try:
            with transaction.atomic():
                AnonymousLink.objects.get_or_create(anonymous_id=anonymous_id, defaults={"customer_id": customer_id})
        except IntegrityError:
            pass  # a concurrent identify linked it first
        orphans = Touchpoint.objects.filter(anonymous_id=anonymous_id, customer__isnull=True)
        earliest = orphans.order_by("occurred_at").values_list("occurred_at", flat=True).first()
        if earliest is not None:
            orphans.update(customer_id=customer_id)
            _note(since_by_customer, customer_id, earliest)


def _note(since_by_customer: dict[Any, datetime], customer_id: Any, at: datetime) -> None:
    if customer_id not in since_by_customer or at < since_by_customer[customer_id]:
        since_by_customer[customer_id] = at


@transaction.atomic
def events_ingest(*, events: list[dict], actor: Actor) -> tuple[int, int]:
    """Store validated events (see ``api.EventInput``) and return (accepted, duplicates).

    Each event dict has id, type, occurred_at, and optionally customer_id, anonymous_id,
    sku, location_id, properties. Customers found by e-mail or phone arrive resolved.
    """
    channel = actor.channel
    if not channel:  # events carry the channel of their sender
        raise Forbidden()
    ids = [event["id"] for event in events]
    already = set(Touchpoint.objects.filter(pk__in=ids).values_list("pk", flat=True))
    fresh, seen = [], set(already)
    for event in events:
        if event["id"] in seen:
            continue
        seen.add(event["id"])
        fresh.append(event)

    # Anonymous ids already linked (or linked in this very batch) resolve to their customer.
    anonymous_ids = {event["anonymous_id"] for event in fresh if event.get("anonymous_id")}
    linked = dict(
        AnonymousLink.objects.filter(anonymous_id__in=anonymous_ids).values_list("anonymous_id", "customer_id")
    )
    identify_events = [
        event
        for event in fresh
        if event["type"] == TouchpointType.IDENTIFY and event.get("anonymous_id") and event.get("customer_id")
    ]
    for event in identify_events:
        linked.setdefault(event["anonymous_id"], event["customer_id"])

    rows: list[Touchpoint] = []
    since_by_customer: dict[Any, datetime] = {}
    for event in fresh:
        customer_id = event.get("customer_id") or linked.get(event.get("anonymous_id") or "")
        rows.append(
            Touchpoint(
                id=event["id"],
                type=event["type"],
                channel=channel,
                occurred_at=event["occurred_at"],
                customer_id=customer_id,
                anonymous_id=event.get("anonymous_id") or "",
                sku=event.get("sku") or "",
                location_id=event.get("location_id"),
                properties=event.get("properties") or {},
            )
        )
        if customer_id:
            _note(since_by_customer, customer_id, event["occurred_at"])
    # ignore_conflicts: a concurrent replay of the same batch stores each event once.
    Touchpoint.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    _link_anonymous_ids(identify_events, since_by_customer)
    if since_by_customer:
        latest = max(event["occurred_at"] for event in fresh)
        customers_touch_channel(customer_ids=since_by_customer, channel=channel, at=latest)
    _queue_recompute(since_by_customer)
    return len(rows), len(events) - len(rows)


def touchpoint_record(
    *,
    type: str,  # noqa: A002 - the contract's word
    channel: str,
    customer: Customer | None,
    occurred_at: datetime,
    location_id: int | None = None,
    sku: str = "",
    properties: dict | None = None,
) -> Touchpoint | None:
    """A touchpoint Omni observed itself (an order placed, a contact, a redemption)."""
    if not channel:
        return None
    touchpoint = Touchpoint.objects.create(
        type=type,
        channel=channel,
        occurred_at=occurred_at,
        customer=customer,
        location_id=location_id,
        sku=sku,
        properties=properties or {},
    )
    if customer is not None:
        customer_touch_channel(customer=customer, channel=channel, at=occurred_at)
        _queue_recompute({customer.pk: occurred_at})
    return touchpoint


def order_tracked_record(
    *,
    order_number: str,
    customer: Customer | None,
    channel: str,
    via: str,
    occurred_at: datetime,
    location_id: int | None = None,
) -> None:
    """A visit of an order's tracking link (``via``: where the link was given, ``sms``,
    ``email`` or a channel; ``channel``: where it was read). A public link is opened again
    and again (a refresh, a forwarded SMS): the visits of one hour for the same order, origin
    and reader are one touchpoint, whose id says so, so that counting is one insert that a
    repeat leaves alone. No step of a journey (``NOT_A_STEP_TYPES``): nothing to rebuild."""
    hour = occurred_at.replace(minute=0, second=0, microsecond=0)
    touchpoint_id = uuid.uuid5(ORDER_TRACKED_NAMESPACE, f"{order_number}|{via}|{channel}|{hour.isoformat()}")
    Touchpoint.objects.bulk_create(
        [
            Touchpoint(
                id=touchpoint_id,
                type=TouchpointType.ORDER_TRACKED,
                channel=channel,
                occurred_at=occurred_at,
                customer=customer,
                location_id=location_id,
                properties={"order": order_number, "via": via},
            )
        ],
        ignore_conflicts=True,
    )
