"""Journey analytics over a period, read from the stored journeys (never from raw
touchpoints), so the summary costs a handful of grouped queries whatever the volume.

A journey belongs to the period when it overlaps it (started before ``until`` and ended
after ``since``). The store filter keeps journeys that ended with a purchase at that
store or touched it through a store-channel touchpoint there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Avg, Count, F, Max, Q, QuerySet
from django.db.models.fields.json import KT
from django.utils import timezone

from omni.channels import Channel
from omni.models import Location
from orders.models import Fulfilment, Order, OrderStatus
from orders.tracking import VIA_LETTERS
from promotions.models import Redemption

from .models import Journey, JourneyChannel, Touchpoint, TouchpointType

DEFAULT_PERIOD = timedelta(days=90)


@dataclass(frozen=True)
class Period:
    since: datetime
    until: datetime

    @classmethod
    def from_bounds(cls, since: datetime | None, until: datetime | None) -> Period:
        until = until or timezone.now()
        return cls(since=since or until - DEFAULT_PERIOD, until=until)


def _journeys(period: Period, location: Location | None) -> QuerySet[Journey]:
    journeys = Journey.objects.filter(started_at__lte=period.until, ended_at__gte=period.since)
    if location is not None:
        journeys = journeys.filter(purchase_location=location)
    return journeys


def _channel_rows(period: Period, location: Location | None) -> QuerySet[JourneyChannel]:
    rows = JourneyChannel.objects.filter(started_at__lte=period.until, ended_at__gte=period.since)
    if location is not None:
        rows = rows.filter(journey__purchase_location=location)
    return rows


def conversion_by_channel(period: Period, location: Location | None = None) -> dict[str, float]:
    rows = (
        _channel_rows(period, location)
        .values("channel")
        .annotate(touched=Count("id"), converted=Count("id", filter=Q(converted=True, purchase_channel=F("channel"))))
        .order_by("channel")
    )
    return {row["channel"]: round(row["converted"] / row["touched"], 4) for row in rows if row["touched"]}


def channel_switches(period: Period, location: Location | None = None) -> list[dict]:
    """Purchases on one channel whose journey touched another: (from, to, count)."""
    rows = (
        _channel_rows(period, location)
        .filter(converted=True)
        .exclude(channel=F("purchase_channel"))
        .values("channel", "purchase_channel")
        .annotate(count=Count("id"))
        .order_by("-count", "channel", "purchase_channel")
    )
    return [{"from": row["channel"], "to": row["purchase_channel"], "count": row["count"]} for row in rows]


def typology(period: Period, location: Location | None = None) -> dict[str, int]:
    """mono: one channel; multi: several, no journey crosses; cross: a journey spans two;
    omni: a journey spans three or more. Classified in the database, one grouped query."""
    per_customer = (
        _channel_rows(period, location)
        .values("customer_id")
        .annotate(span=Max("journey__channel_count"), used=Count("channel", distinct=True))
    )
    counts = per_customer.aggregate(
        omni=Count("customer_id", filter=Q(span__gte=3)),
        cross=Count("customer_id", filter=Q(span=2)),
        multi=Count("customer_id", filter=Q(span__lt=2, used__gte=2)),
        mono=Count("customer_id", filter=Q(span__lt=2, used__lt=2)),
    )
    return {key: counts[key] or 0 for key in ("mono", "multi", "cross", "omni")}


def purchase_facts(period: Period, location: Location | None = None) -> dict:
    """Time from first touch to purchase, and how many buyers came back."""
    converted = _journeys(period, location).filter(converted=True)
    average = converted.aggregate(average=Avg(F("ended_at") - F("started_at")))["average"]
    per_buyer = converted.values("customer_id").annotate(purchases=Count("id"))
    buyers = per_buyer.count()
    repeaters = per_buyer.filter(purchases__gte=2).count()
    return {
        "average_days_to_purchase": round(average.total_seconds() / 86400, 2) if average else None,
        "buyers": buyers,
        "repeat_purchase_rate": round(repeaters / buyers, 4) if buyers else 0.0,
    }


def purchases_by_channel(period: Period, location: Location | None = None) -> dict[str, int]:
    rows = _journeys(period, location).filter(converted=True).values("purchase_channel").annotate(count=Count("id"))
    return {row["purchase_channel"]: row["count"] for row in rows}


# A pickup collected, then perhaps brought back: collected all the same.
COLLECTED_THEN = (OrderStatus.COLLECTED, OrderStatus.PARTIALLY_RETURNED, OrderStatus.RETURNED)


def order_facts(period: Period, location: Location | None = None) -> dict:
    """Click & collect's share of orders placed in the period, and how many of the
    pickups that came to an end were collected (rather than left to expire)."""
    orders = Order.objects.filter(created_at__gte=period.since, created_at__lte=period.until)
    if location is not None:
        orders = orders.filter(Q(pickup_location=location) | Q(fulfilment_location=location))
    counts = orders.aggregate(
        total=Count("id"),
        pickups=Count("id", filter=Q(fulfilment=Fulfilment.CLICK_AND_COLLECT)),
        collected=Count("id", filter=Q(fulfilment=Fulfilment.CLICK_AND_COLLECT, status__in=COLLECTED_THEN)),
        expired=Count("id", filter=Q(fulfilment=Fulfilment.CLICK_AND_COLLECT, status=OrderStatus.EXPIRED)),
    )
    ended = counts["collected"] + counts["expired"]
    return {
        "orders": counts["total"],
        "click_and_collect_share": round(counts["pickups"] / counts["total"], 4) if counts["total"] else 0.0,
        "pickup_rate": round(counts["collected"] / ended, 4) if ended else None,
    }


def order_tracking(period: Period, location: Location | None = None) -> dict:
    """How many follow their order through its tracking link, and from where: orders whose
    link was opened in the period (an order followed from an SMS and from the app counts
    once), and per origin of the link (``sms``, ``email``, or the channel of the client that
    gave it) its orders and visits. One query."""
    visits = Touchpoint.objects.filter(
        type=TouchpointType.ORDER_TRACKED, occurred_at__gte=period.since, occurred_at__lte=period.until
    )
    if location is not None:
        visits = visits.filter(location=location)
    order = KT("properties__order")
    counts = visits.aggregate(
        orders=Count(order, distinct=True),
        **{f"orders_{via}": Count(order, distinct=True, filter=Q(properties__via=via)) for via in VIA_LETTERS},
        **{f"visits_{via}": Count("id", filter=Q(properties__via=via)) for via in VIA_LETTERS},
    )
    by_via = {
        via: {"orders": counts[f"orders_{via}"], "visits": counts[f"visits_{via}"]}
        for via in VIA_LETTERS if counts[f"visits_{via}"]
    }
    return {"orders": counts["orders"] or 0, "by_via": by_via}


def code_redemptions(period: Period, location: Location | None = None) -> dict:
    """Codes redeemed (and not released by a cancellation) per channel."""
    redemptions = Redemption.objects.filter(
        at__gte=period.since, at__lte=period.until, code__isnull=False, released_at__isnull=True
    )
    if location is not None:
        placed_there = Order.objects.filter(Q(pickup_location=location) | Q(fulfilment_location=location))
        redemptions = redemptions.filter(order_reference__in=placed_there.values("number"))
    by_channel = dict(redemptions.values("channel").annotate(count=Count("id")).values_list("channel", "count"))
    return {"total": sum(by_channel.values()), "by_channel": by_channel}


def journeys_summary(*, period: Period, location: Location | None = None) -> dict:
    """The contract's summary."""
    return {
        "since": period.since,
        "until": period.until,
        "customers": _journeys(period, location).values("customer_id").distinct().count(),
        "conversion_by_channel": conversion_by_channel(period, location),
        "channel_switches": channel_switches(period, location),
        "typology": typology(period, location),
    }


def switch_matrix(switches: list[dict]) -> tuple[list[str], list[list[int]]]:
    """The switches as a from x to matrix over every channel, for the dashboard."""
    channels = list(Channel.values)
    counts = {(row["from"], row["to"]): row["count"] for row in switches}
    return channels, [[counts.get((source, target), 0) for target in channels] for source in channels]
