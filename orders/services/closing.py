"""Orders closed before their end: cancelled by someone, or expired when a pickup's hold
ends (after one reminder). The rules of ``transitions`` apply."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from giftcards import services as giftcards_services
from inventory.services import stock_release
from loyalty import services as loyalty_services
from omni.actor import Actor
from omni.errors import Forbidden
from promotions import services as promotions_services

from ..models import Fulfilment, Order, OrderStatus
from ..permissions import may_cancel
from .notify import order_notify
from .pickup import pickup_code_for, pickup_store, store_lines
from .transitions import finish_transition, locked, start_transition

REMINDER_BEFORE = timedelta(days=1)
SCAN_BATCH = 1000  # orders per run of the periodic scan; the next run takes the rest


def _close_open(order: Order, to_status: str, *, actor: Actor, now: datetime, note: str = "") -> Order:
    """An open order closes: its stock goes back on sale, its single-use codes are freed and
    what gift cards paid goes back on them; its pending points are dropped and the points
    it spent come back."""
    from_status = start_transition(order, to_status, now=now)
    stock_release(reference=order.number, actor=actor)
    promotions_services.code_release(order_reference=order.number, actor=actor)
    giftcards_services.cards_credit_back(tenders=order.gift_cards, reference=order.number, actor=actor, now=now)
    loyalty_services.points_cancel(customer=order.customer, order=order.number, actor=actor, now=now)
    order.closed_at = now
    return finish_transition(order, from_status, actor=actor, now=now, fields=["closed_at"], note=note)


@transaction.atomic
def order_cancel(*, order: Order, actor: Actor, reason: str = "", now: datetime | None = None) -> Order:
    """Releases the stock and frees the single-use codes."""
    now = now or timezone.now()
    order = locked(order)
    if not may_cancel(actor, order):
        raise Forbidden(_("You may not cancel this order."))
    order = _close_open(order, OrderStatus.CANCELLED, actor=actor, now=now, note=reason)
    if order.is_pickup:
        order_notify(order, kind="order_cancelled", compose=lambda: (
            _("Your order %(number)s has been cancelled.") % {"number": order.number},
            _("Your order %(number)s has been cancelled") % {"number": order.number},
        ))
    return order


def orders_expire(*, now: datetime | None = None) -> dict[str, int]:
    """The periodic scan: pickups past their hold expire (stock released, codes freed);
    ready pickups whose hold ends within a day get one reminder. Each order is its own
    transaction; safe to run twice or concurrently."""
    now = now or timezone.now()
    return {"expired": _expire_held_too_long(now=now), "reminded": _remind_before_the_hold_ends(now=now)}


def _expire_held_too_long(*, now: datetime) -> int:
    system = Actor.system()
    expired = 0
    due = list(
        Order.objects.filter(
            fulfilment=Fulfilment.CLICK_AND_COLLECT,
            status__in=(OrderStatus.PLACED, OrderStatus.READY_FOR_PICKUP),
            hold_until__lte=now,
        )
        .order_by("hold_until")
        .values_list("pk", flat=True)[:SCAN_BATCH]
    )
    for pk in due:
        with transaction.atomic():
            # Another scan may hold it (skipped) or have closed it since the list was read.
            order = Order.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if order is None or not order.is_open or order.hold_until is None or order.hold_until > now:
                continue
            _close_open(order, OrderStatus.EXPIRED, actor=system, now=now, note="hold ended")
            expired += 1
    return expired


def _remind_before_the_hold_ends(*, now: datetime) -> int:
    reminded = 0
    soon = list(
        Order.objects.filter(
            fulfilment=Fulfilment.CLICK_AND_COLLECT,
            status=OrderStatus.READY_FOR_PICKUP,
            reminder_sent_at__isnull=True,
            hold_until__gt=now,
            hold_until__lte=now + REMINDER_BEFORE,
        ).select_related("customer", "pickup_location")[:SCAN_BATCH]
    )
    for order in soon:
        with transaction.atomic():
            # Claimed by a conditional update: a concurrent scan sends no second reminder.
            claimed = Order.objects.filter(
                pk=order.pk, reminder_sent_at__isnull=True, status=OrderStatus.READY_FOR_PICKUP
            ).update(reminder_sent_at=now)
            if not claimed:
                continue
            _send_reminder(order)
            reminded += 1
    return reminded


def _send_reminder(order: Order) -> None:
    def compose() -> tuple[str, str]:
        until = formats.date_format(timezone.localtime(order.hold_until), "SHORT_DATETIME_FORMAT")
        body = _(
            "Reminder: your order %(number)s is waiting for you until %(until)s at %(store)s. Pickup code: %(code)s."
        ) % {
            "number": order.number,
            "store": store_lines(pickup_store(order)),
            "until": until,
            "code": pickup_code_for(order),
        }
        return body, _("Your order %(number)s is waiting for you") % {"number": order.number}

    order_notify(order, kind="pickup_reminder", compose=compose)
