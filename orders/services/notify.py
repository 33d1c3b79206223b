"""The messages Omni sends a customer about an order, each with the order's tracking link."""

from __future__ import annotations

from django.utils.translation import gettext as _

from omni.models import Message
from omni.notifications import message_queue

from ..models import Order
from ..tracking import tracking_url


def tracking_line(order: Order, *, medium: str) -> str:
    return _("Follow your order: %(url)s") % {"url": tracking_url(order, via=medium)}


def order_notify(order: Order, *, kind: str, body: str, subject: str) -> Message | None:
    """SMS or e-mail to the customer's confirmed contact points, per consent
    (``Customer.service_contact``): nothing goes to a phone or address a caller attached
    without proof (customers.contact_points).

    The body ends with the order's tracking link, signed for this medium and for the
    language the message is written in (the active one), so that the page opens in it."""
    contact = order.customer.service_contact() if order.customer is not None else None
    if contact is None:
        return None
    medium, recipient = contact
    body = f"{body}\n{tracking_line(order, medium=medium)}"
    return message_queue(medium=medium, recipient=recipient, body=body, kind=kind, about=order, subject_line=subject)
