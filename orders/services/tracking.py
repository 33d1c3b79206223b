"""Tracking links: a visit to one is news for journeys; staff send one again on request."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from omni.actor import Actor
from omni.errors import Forbidden
from omni.notifications import message_queue

from ..errors import NoContact, TrackingLinkExpired, TrackingLinkJustSent
from ..models import Order, TrackingLinkSent
from ..permissions import may_send_tracking_link
from ..signals import order_tracked
from ..tracking import TrackingLink, supported_language, tracking_link_works
from .notify import tracking_line

# Two clicks on "send" (or two agents at once) send one message, not two.
RESEND_PAUSE = timedelta(seconds=60)


@transaction.atomic
def order_tracking_opened(*, order: Order, link: TrackingLink, channel: str, now: datetime | None = None) -> None:
    """Someone opened the order's tracking link (``channel``: where, ``web`` for the page, the
    reader's channel for the JSON). Journeys count it as an ``order_tracked`` touchpoint."""
    order_tracked.send(sender=Order, order=order, via=link.via, channel=channel, at=now or timezone.now())


@transaction.atomic
def order_tracking_link_send(*, order: Order, medium: str, actor: Actor, language: str | None = None,
                             now: datetime | None = None) -> TrackingLinkSent:
    """Send the customer the order's tracking link again, by SMS or e-mail, in ``language``
    (the agent may choose; the customer's own otherwise), through the outbox. It is a
    service message the customer asked for: no marketing consent needed, contact data is.
    Audited: who asked, when, by which medium."""
    now = now or timezone.now()
    if not may_send_tracking_link(actor):
        raise Forbidden(_("Only staff who serve customers send tracking links."))
    order = Order.objects.select_for_update(of=("self",)).select_related("customer").get(pk=order.pk)
    customer = order.customer
    recipient: str | None = ""
    if customer is not None and not customer.is_erased:
        recipient = customer.phone if medium == TrackingLinkSent.Medium.SMS else customer.email
    # Without a customer the recipient is empty as well; naming it too lets the type checker know.
    if customer is None or medium not in TrackingLinkSent.Medium.values or not recipient:
        label = TrackingLinkSent.Medium(medium).label if medium in TrackingLinkSent.Medium.values else medium
        raise NoContact(
            _("Order %(number)s: Omni has no %(medium)s contact for this customer.")
            % {"number": order.number, "medium": label},
            medium=medium,
        )
    if not tracking_link_works(order, now=now):
        raise TrackingLinkExpired()
    if TrackingLinkSent.objects.filter(order=order, medium=medium, at__gt=now - RESEND_PAUSE).exists():
        raise TrackingLinkJustSent(
            _("The tracking link of order %(number)s was sent by %(medium)s less than a minute ago.")
            % {"number": order.number, "medium": TrackingLinkSent.Medium(medium).label},
        )
    with translation.override(supported_language(language or customer.message_language)):
        if customer.first_name:
            body = _("Hello %(first_name)s, here is the link to follow your order %(number)s.") % {
                "first_name": customer.first_name, "number": order.number}
        else:
            body = _("Hello, here is the link to follow your order %(number)s.") % {"number": order.number}
        body = f"{body}\n{tracking_line(order, medium=medium)}"
        subject = _("Follow your order %(number)s") % {"number": order.number}
    message = message_queue(medium=medium, recipient=recipient, body=body, kind="tracking_link", about=order,
                            subject_line=subject)
    return TrackingLinkSent.objects.create(
        order=order, medium=medium, message_id=message.pk, at=now, channel=actor.channel or "",
        actor_label=actor.label[:160], actor_user=actor.user, actor_client=actor.client,
    )
