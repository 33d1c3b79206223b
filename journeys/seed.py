"""Several months of touchpoints for the demo customers, so the dashboard tells the
retailer's story on first run: mostly web research then a store purchase, some app-only
buyers, some store-only regulars, a few omnichannel customers. Deterministic and
idempotent (event ids derive from the customer and the step)."""

import random
import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from customers.models import Customer
from omni.models import Location

from .models import Touchpoint
from .services import journeys_recompute_all, order_tracked_record

NAMESPACE = uuid.UUID("5f0d6a8e-7c1b-4e53-9a55-0a3c2b1d9e77")
MONTHS = 5

# persona -> list of (channel, type) templates for one journey, and its share.
PERSONAS = [
    (
        "web_then_store",
        40,
        [
            ("web", "page_view"),
            ("web", "product_view"),
            ("web", "product_view"),
            ("store", "store_visit"),
            ("store", "purchase"),
        ],
    ),
    ("web_only", 12, [("web", "page_view"), ("web", "product_view"), ("web", "add_to_cart"), ("web", "purchase")]),
    ("app_only", 14, [("app", "product_view"), ("app", "add_to_cart"), ("app", "purchase")]),
    ("store_only", 16, [("store", "store_visit"), ("store", "purchase")]),
    (
        "omni",
        8,
        [
            ("app", "product_view"),
            ("web", "add_to_cart"),
            ("call_centre", "call"),
            ("store", "store_visit"),
            ("store", "purchase"),
        ],
    ),
    ("sms_to_store", 5, [("web", "sms_click"), ("store", "store_visit"), ("store", "purchase")]),
    ("browser", 5, [("web", "page_view"), ("app", "product_view")]),
]


def _events_for(customer_id, stores, rng, now) -> list[Touchpoint]:
    persona = rng.choices(PERSONAS, weights=[weight for _name, weight, _steps in PERSONAS])[0]
    events, step_index = [], 0
    start = now - timedelta(days=rng.randint(5, MONTHS * 30))
    for _journey in range(rng.choice([1, 1, 2, 3])):
        at = start
        store = rng.choice(stores)
        for channel, kind in persona[2]:
            at += timedelta(hours=rng.randint(1, 72))
            if at >= now:
                break
            events.append(
                Touchpoint(
                    id=uuid.uuid5(NAMESPACE, f"{customer_id}:{step_index}"),
                    type=kind,
                    channel=channel,
                    occurred_at=at,
                    customer_id=customer_id,
                    location=store if channel == "store" else None,
                    properties={"path": "/caps/"} if kind == "page_view" else {},
                )
            )
            step_index += 1
        start = at + timedelta(days=rng.randint(35, 60))  # the next journey, after a quiet month
        if start >= now:
            break
    return events


@transaction.atomic
def seed_journeys(stdout=None) -> None:
    rng = random.Random(20261123)  # noqa: S311 - demo data, not secrets
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    stores = list(Location.objects.filter(kind=Location.Kind.STORE).order_by("code"))
    if not stores:
        return
    customer_ids = list(Customer.objects.active().order_by("created_at", "pk").values_list("pk", flat=True)[:1800])
    rows = [event for customer_id in customer_ids for event in _events_for(customer_id, stores, rng, now)]
    Touchpoint.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    tracked = _tracking_visits(rng)
    journeys = journeys_recompute_all()
    if stdout:
        stdout.write(f"  journeys: {len(rows)} touchpoints, {journeys} journeys, {tracked} orders followed")


def _tracking_visits(rng) -> int:
    """Most customers open the tracking link of their pickup or delivery messages, mostly
    from the SMS, on the web page or in the app (the same ids each run: idempotent)."""
    from orders.models import Fulfilment, Order

    orders = Order.objects.filter(customer__isnull=False).exclude(fulfilment=Fulfilment.IN_STORE).order_by("number")
    followed = 0
    for order in orders.select_related("customer")[:400]:
        if rng.random() > 0.7:
            continue
        via = rng.choices(["sms", "email", "web"], weights=[70, 20, 10])[0]
        for visit in range(rng.choice([1, 1, 2, 3])):
            order_tracked_record(
                order_number=order.number, customer=order.customer, channel=rng.choice(["web", "web", "app"]),
                via=via, occurred_at=(order.ready_at or order.created_at) + timedelta(hours=1 + 5 * visit),
                location_id=order.pickup_location_id or order.fulfilment_location_id,
            )
        followed += 1
    return followed
