"""What the lower apps tell journeys: orders, contacts and code redemptions become
touchpoints; merges and erasures follow the customer. Connected in ``apps.ready()``."""

from __future__ import annotations

from django.db import transaction

from customers.models import Contact

from .models import AnonymousLink, Journey, Touchpoint, TouchpointType
from .services import order_tracked_record, touchpoint_record
from .services.ingest import publish_recompute

CONTACT_TYPES = {
    "call": TouchpointType.CALL,
    "visit": TouchpointType.STORE_VISIT,
    "email": TouchpointType.EMAIL,
    "chat": TouchpointType.CHAT,
}


def on_order_placed(sender, order, **kwargs) -> None:
    touchpoint_record(
        type=TouchpointType.PURCHASE,
        channel=order.channel,
        customer=order.customer,
        occurred_at=order.created_at,
        location_id=order.pickup_location_id or order.fulfilment_location_id,
        properties={"order": order.number, "total": str(order.total), "fulfilment": order.fulfilment},
    )


def on_order_tracked(sender, order, via, channel, at, **kwargs) -> None:
    order_tracked_record(
        order_number=order.number,
        customer=order.customer,
        channel=channel,
        via=via,
        occurred_at=at,
        location_id=order.pickup_location_id or order.fulfilment_location_id,
    )


def on_code_redeemed(sender, redemption, **kwargs) -> None:
    if redemption.code_id is None:
        return  # a promotion applied without a code is no touchpoint of its own
    touchpoint_record(
        type=TouchpointType.CODE_REDEEMED,
        channel=redemption.channel,
        customer=redemption.customer,
        occurred_at=redemption.at,
        properties={"promotion": str(redemption.promotion_id), "order": redemption.order_reference},
    )


def on_contact_saved(sender, instance: Contact, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw or instance.kind not in CONTACT_TYPES:
        return
    touchpoint_record(
        type=CONTACT_TYPES[instance.kind],
        channel=instance.channel,
        customer=instance.customer,
        occurred_at=instance.at,
        location_id=instance.location_id,
        properties={"contact": instance.pk},
    )


def on_customers_merged(sender, source_id, target_id, **kwargs) -> None:
    Touchpoint.objects.filter(customer_id=source_id).update(customer_id=target_id)
    AnonymousLink.objects.filter(customer_id=source_id).update(customer_id=target_id)
    Journey.objects.filter(customer_id=source_id).delete()
    transaction.on_commit(lambda: publish_recompute([str(target_id)], None))


def on_customer_erased(sender, customer_id, **kwargs) -> None:
    """Keep what analytics count (type, channel, time); drop what could identify."""
    Touchpoint.objects.filter(customer_id=customer_id).update(properties={}, anonymous_id="", sku="")
    AnonymousLink.objects.filter(customer_id=customer_id).delete()
