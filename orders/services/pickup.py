"""Click & collect: the pickup code, the order made ready, handed over at the counter, and
the lock that wrong codes put on it (the rules of ``transitions`` apply)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from inventory.services import stock_consume
from omni.actor import Actor
from omni.errors import Forbidden, InvalidTransition
from omni.models import Location

from ..errors import InvalidPickupCode, PickupCodeLocked
from ..models import Order, OrderStatus, Payment
from ..permissions import may_act_on_pickup, may_unlock_pickup
from .notify import order_notify
from .transitions import finish_transition, locked, record_change, start_transition

PICKUP_CODE_MAX_FAILURES = 5
PICKUP_CODE_LOCK = timedelta(minutes=15)


# --- the pickup code -------------------------------------------------------------------------
def pickup_code_for(order: Order) -> str:
    """The 6-digit code, derived from the order's secret and SECRET_KEY: never stored, so a
    copy of the database does not reveal it."""
    if not order.pickup_secret:
        return ""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"pickup:{order.number}:{order.pickup_secret}".encode(), hashlib.sha256
    ).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 1_000_000:06d}"


def pickup_code_matches(order: Order, code: str) -> bool:
    """Compared as UTF-8 bytes, in constant time: ``compare_digest`` refuses a ``str`` that
    is not ASCII, and a code typed with accents or full-width digits is simply wrong."""
    expected = pickup_code_for(order)
    given = str(code or "").strip().encode()
    return bool(expected) and hmac.compare_digest(expected.encode(), given)


def pickup_is_locked(order: Order, *, now: datetime | None = None) -> bool:
    """Too many wrong codes in a row, lately: the order refuses any code for a while."""
    now = now or timezone.now()
    locked_until = (order.pickup_code_failed_at or now) + PICKUP_CODE_LOCK
    return order.pickup_code_failures >= PICKUP_CODE_MAX_FAILURES and now < locked_until


def pickup_store(order: Order) -> Location:
    """A click & collect order's store: the database holds one for each
    (``order_pickup_has_location``)."""
    if order.pickup_location is None:
        raise RuntimeError(f"Order {order.number}: a click & collect order without a pickup location.")
    return order.pickup_location


def store_lines(location: Location) -> str:
    """The pickup store as a message gives it: name, address, opening hours."""
    address = ", ".join(filter(None, [location.address, f"{location.postcode} {location.city}".strip()]))
    text = f"{location.name}, {address}" if address else location.name
    if location.opening_hours:
        text += ". " + _("Opening hours: %(hours)s") % {"hours": location.opening_hours}
    return text


# --- ready, collected, unlocked ----------------------------------------------------------------
@transaction.atomic
def order_mark_ready(*, order: Order, actor: Actor, now: datetime | None = None) -> Order:
    """The store has prepared the order: the hold starts and the customer is told, with
    the code, the store's address and its hours."""
    now = now or timezone.now()
    order = locked(order)
    if not order.is_pickup or not may_act_on_pickup(actor, order):
        if not order.is_pickup:
            raise InvalidTransition(_("Only click & collect orders are prepared for pickup."), status=order.status)
        raise Forbidden(_("Only the pickup store acts on this order."))
    from_status = start_transition(order, OrderStatus.READY_FOR_PICKUP, now=now)
    order.ready_at = now
    order.hold_until = now + timedelta(days=settings.OMNI_PICKUP_HOLD_DAYS)
    location = pickup_store(order)

    def compose() -> tuple[str, str]:
        until = formats.date_format(timezone.localtime(order.hold_until), "SHORT_DATE_FORMAT")
        body = _(
            "Your order %(number)s is ready at %(store)s. Pickup code: %(code)s. We keep it for you until %(until)s."
        ) % {"number": order.number, "store": store_lines(location), "code": pickup_code_for(order), "until": until}
        return body, _("Your order %(number)s is ready") % {"number": order.number}

    order_notify(order, kind="pickup_ready", compose=compose)
    return finish_transition(order, from_status, actor=actor, now=now, fields=["ready_at", "hold_until"])


def order_collect(*, order: Order, pickup_code: str, actor: Actor, now: datetime | None = None) -> Order:
    """Hand-over at the counter: the right code, then the reserved units are sold.

    A wrong code is counted (and the count committed, even though the hand-over is
    refused); after ``PICKUP_CODE_MAX_FAILURES`` wrong codes in a row the order refuses
    any code for ``PICKUP_CODE_LOCK`` (409 ``pickup_code_locked``): guessing a 6-digit code
    at the counter is then out of reach."""
    now = now or timezone.now()
    with transaction.atomic():
        order = locked(order)
        if order.is_pickup and not may_act_on_pickup(actor, order):
            raise Forbidden(_("Only the pickup store hands this order over."))
        from_status = start_transition(order, OrderStatus.COLLECTED, now=now)
        if pickup_is_locked(order, now=now):
            if order.pickup_code_failed_at is None:  # not reached: a wrong code sets the count and its time
                raise RuntimeError(f"Order {order.number}: wrong pickup codes counted without a time.")
            locked_until = order.pickup_code_failed_at + PICKUP_CODE_LOCK
            raise PickupCodeLocked(retry_after=int((locked_until - now).total_seconds()) + 1)
        if pickup_code_matches(order, pickup_code):
            stock_consume(reference=order.number, actor=actor)
            order.closed_at = now
            order.pickup_code_failures = 0
            if order.payment == Payment.PAY_AT_PICKUP:
                order.payment = Payment.PAID
            return finish_transition(
                order, from_status, actor=actor, now=now, fields=["closed_at", "payment", "pickup_code_failures"]
            )
        failures = 1 if order.pickup_code_failures >= PICKUP_CODE_MAX_FAILURES else order.pickup_code_failures + 1
        Order.objects.filter(pk=order.pk).update(pickup_code_failures=failures, pickup_code_failed_at=now)
    raise InvalidPickupCode(attempts_left=PICKUP_CODE_MAX_FAILURES - failures)


@transaction.atomic
def order_pickup_unlock(*, order: Order, actor: Actor, now: datetime | None = None) -> Order:
    """The pickup store's manager lifts the lock that wrong codes put on a pickup (the
    customer is at the counter with the right message). Recorded in the order's history
    with the manager's name, as every change of who may collect it."""
    now = now or timezone.now()
    order = locked(order)
    if not may_unlock_pickup(actor, order):
        raise Forbidden(_("Only a manager of the pickup store releases a locked pickup."))
    if order.status != OrderStatus.READY_FOR_PICKUP or not pickup_is_locked(order, now=now):
        raise InvalidTransition(_("This pickup is not locked."), status=order.status)
    order.pickup_code_failures = 0
    order.pickup_code_failed_at = None
    order.updated_at = now
    order.save(update_fields=["pickup_code_failures", "pickup_code_failed_at", "updated_at"])
    record_change(
        order,
        status=order.status,
        from_status=order.status,
        actor=actor,
        now=now,
        note=_("Pickup code unlocked by the store manager"),
    )
    return order
