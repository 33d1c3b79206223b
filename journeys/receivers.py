"""What the lower apps tell journeys: orders, contacts and code redemptions become
touchpoints; merges and erasures follow the customer. Connected in ``apps.ready()``; every
write goes through ``journeys.services``."""

from __future__ import annotations

from customers.models import Contact

from .models import TouchpointType
from .services import order_tracked_record, touchpoint_record, touchpoints_anonymise, touchpoints_repoint

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


def on_points_redeemed(sender, customer, points, channel, location_id, at, order, **kwargs) -> None:
    """Spending points is a step of the journey on the channel where they were spent."""
    touchpoint_record(
        type=TouchpointType.POINTS_REDEEMED,
        channel=channel,
        customer=customer,
        occurred_at=at,
        location_id=location_id,
        properties={"points": points, "order": order},
    )


def on_contact_recorded(sender, contact: Contact, **kwargs) -> None:
    if contact.kind not in CONTACT_TYPES:
        return
    touchpoint_record(
        type=CONTACT_TYPES[contact.kind],
        channel=contact.channel,
        customer=contact.customer,
        occurred_at=contact.at,
        location_id=contact.location_id,
        properties={"contact": contact.pk},
    )


def on_customers_merged(sender, source_id, target_id, **kwargs) -> None:
    touchpoints_repoint(source_id=source_id, target_id=target_id)


def on_customer_erased(sender, customer_id, **kwargs) -> None:
    touchpoints_anonymise(customer_id=customer_id)
