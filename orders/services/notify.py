"""The messages Omni sends a customer about an order, each with the order's tracking link."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import translation
from django.utils.translation import gettext as _

from omni.models import Message
from omni.money import money_text
from omni.notifications import message_queue

from ..models import Fulfilment, Order
from ..tracking import tracking_url


def tracking_line(order: Order, *, medium: str) -> str:
    return _("Follow your order: %(url)s") % {"url": tracking_url(order, via=medium)}


def order_notify(order: Order, *, kind: str, compose: Callable[[], tuple[str, str]]) -> Message | None:
    """SMS or e-mail to the customer's confirmed contact points, per consent
    (``Customer.service_contact``): nothing goes to a phone or address a caller attached
    without proof (customers.contact_points).

    ``compose()`` writes the ``(body, subject)``; it runs in the customer's language
    (``Customer.message_language``: its words, its dates, its amounts), whoever acts. The
    body ends with the order's tracking link, signed for this medium and that language,
    so that the page opens in it."""
    customer = order.customer
    contact = customer.service_contact() if customer is not None else None
    if customer is None or contact is None:
        return None
    medium, recipient = contact
    with translation.override(customer.message_language):
        body, subject = compose()
        body = f"{body}\n{tracking_line(order, medium=medium)}"
    return message_queue(medium=medium, recipient=recipient, body=body, kind=kind, about=order, subject_line=subject)


def order_confirmation_send(*, order: Order) -> Message | None:
    """Tell the customer of an order a store placed for them (the endless aisle): what
    comes, how, and its total; with the tracking link, in their language."""

    def compose() -> tuple[str, str]:
        if order.fulfilment == Fulfilment.DELIVERY:
            how = _("It will be delivered to your home.")
        else:
            store = order.pickup_location.name if order.pickup_location else ""
            how = _("You will collect it at %(store)s.") % {"store": store}
        body = _("Thank you! Your order %(number)s is placed: %(total)s. %(how)s") % {
            "number": order.number, "total": money_text(order.total), "how": how}
        return body, _("Your order %(number)s is placed") % {"number": order.number}

    return order_notify(order, kind="order_placed", compose=compose)
