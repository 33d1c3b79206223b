"""Placing orders and moving them along their status flow.

Rules every function here follows:
- one transaction; the order row is locked first (``select_for_update``), then stock
  levels (inventory locks them in pk order), then codes: one lock order for everybody;
- every transition is checked against ``TRANSITIONS`` (409 ``invalid_transition``) and
  recorded in ``OrderStatusChange`` with the actor, the channel and the time;
- ``order_placed`` / ``order_status_changed`` are sent inside the transaction;
- messages go to the outbox in the same transaction and leave after commit.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from inventory.errors import InsufficientStock
from inventory.models import Product
from inventory.selectors import products_by_sku
from inventory.services import stock_consume, stock_release, stock_reserve, stock_sell
from omni.actor import Actor
from omni.errors import Forbidden, InvalidTransition
from omni.models import Location
from omni.money import to_money
from omni.transactions import service
from promotions import pricing
from promotions import services as promotions_services

from ..errors import InvalidPickupCode, MissingField, PickupCodeLocked, PickupNotAvailable
from ..models import Fulfilment, Order, OrderLine, OrderStatus, OrderStatusChange, Payment
from ..permissions import may_act_on_pickup, may_cancel, may_sell_in_store, may_ship, may_unlock_pickup
from ..signals import order_placed, order_status_changed
from .notify import order_notify as _notify

NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud at a counter
NUMBER_PREFIX = "OM-"
NUMBER_LENGTH = 6
REMINDER_BEFORE = timedelta(days=1)
PICKUP_CODE_MAX_FAILURES = 5
PICKUP_CODE_LOCK = timedelta(minutes=15)

S = OrderStatus
TRANSITIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Fulfilment.CLICK_AND_COLLECT: {
        S.READY_FOR_PICKUP: (S.PLACED,),
        S.COLLECTED: (S.READY_FOR_PICKUP,),
        S.CANCELLED: (S.PLACED, S.READY_FOR_PICKUP),
        S.EXPIRED: (S.PLACED, S.READY_FOR_PICKUP),
    },
    Fulfilment.DELIVERY: {
        S.SHIPPED: (S.PLACED,),
        S.DELIVERED: (S.SHIPPED,),
        S.CANCELLED: (S.PLACED,),
    },
    Fulfilment.IN_STORE: {},
}


# --- numbers and pickup codes --------------------------------------------------------------
def new_order_number() -> str:
    return NUMBER_PREFIX + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(NUMBER_LENGTH))


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


# --- helpers --------------------------------------------------------------------------------
def _record(order: Order, *, status: str, actor: Actor, now: datetime, from_status: str = "", note: str = "",
            location: Location | None = None) -> OrderStatusChange:
    return OrderStatusChange.objects.create(
        order=order, from_status=from_status, status=status, at=now, channel=actor.channel or "",
        actor_label=actor.label[:160], actor_user=actor.user, actor_client=actor.client,
        location=location or actor.location, note=note[:200],
    )


def _locked(order: Order) -> Order:
    return (
        Order.objects.select_for_update(of=("self",))
        .select_related("pickup_location", "fulfilment_location", "customer")
        .get(pk=order.pk)
    )


def _transition(order: Order, to_status: str, *, now: datetime) -> str:
    allowed_from = TRANSITIONS.get(order.fulfilment, {}).get(to_status, ())
    if order.status not in allowed_from:
        raise InvalidTransition(
            _("Order %(number)s is %(status)s: it cannot become %(to)s.")
            % {"number": order.number, "status": order.get_status_display(), "to": S(to_status).label},
            status=order.status,
        )
    from_status = order.status
    order.status = to_status
    order.updated_at = now
    return from_status


def _finish_transition(order: Order, from_status: str, *, actor: Actor, now: datetime, fields: Iterable[str],
                       note: str = "") -> Order:
    order.save(update_fields=["status", "updated_at", *fields])
    _record(order, status=order.status, from_status=from_status, actor=actor, now=now, note=note)
    order_status_changed.send(sender=Order, order=order, from_status=from_status, to_status=order.status, actor=actor)
    return order


def _clean_lines(lines: Iterable[dict]) -> dict[str, int]:
    merged: dict[str, int] = {}
    for line in lines:
        merged[line["sku"]] = merged.get(line["sku"], 0) + int(line["quantity"])
    if not merged:
        raise MissingField("lines", _("At least one line is needed."))
    return merged


def delivery_candidates() -> list[Location]:
    """Where a delivery may ship from, in the order they are tried: the e-shop warehouses
    (by code), then the stores that ship from store (by code)."""
    locations = Location.objects.filter(is_active=True).filter(
        kind=Location.Kind.WAREHOUSE
    ) | Location.objects.filter(is_active=True, kind=Location.Kind.STORE, ship_from_store=True)
    return sorted(locations, key=lambda loc: (loc.kind != Location.Kind.WAREHOUSE, loc.code))


def _reserve_for_delivery(*, lines: dict[str, int], reference: str, actor: Actor) -> Location:
    """The rule: the whole order ships from one place, no split parcels. The first
    candidate (warehouses first, then ship-from-store stores, each by code) that can
    reserve every line gets the reservation; if none can, the warehouse's refusal is the
    answer (409 ``insufficient_stock``)."""
    from inventory.models import StockLevel

    candidates = delivery_candidates()
    if not candidates:
        raise InsufficientStock(_("No location ships orders."), sku=sorted(lines)[0], available=0)
    # A lock-free read puts the candidates that look able to serve first; the reservation
    # itself decides, under the locks.
    available = {
        (row["location_id"], row["product__sku"]): row["available"]
        for row in StockLevel.objects.filter(product__sku__in=list(lines), location__in=candidates)
        .with_available().values("location_id", "product__sku", "available")
    }
    able = [loc for loc in candidates if all(available.get((loc.pk, sku), 0) >= n for sku, n in lines.items())]
    first_refusal = None
    for location in able or candidates[:1]:
        try:
            with transaction.atomic():
                stock_reserve(location=location, lines=lines, reference=reference, actor=actor)
            return location
        except InsufficientStock as exc:
            first_refusal = first_refusal or exc
    raise first_refusal


def _in_store_location(actor: Actor, location: Location | None) -> Location:
    if not may_sell_in_store(actor):
        raise Forbidden(_("Only a store terminal or store staff can sell in store."))
    if actor.location is not None:
        return actor.location
    if location is not None:
        if not actor.works_at(location):
            raise Forbidden(_("You do not work at %(location)s.") % {"location": location.name})
        return location
    if len(actor.location_ids) == 1:
        return Location.objects.get(pk=next(iter(actor.location_ids)))
    raise MissingField("location", _("Choose the store that sells."))


def _store_lines(location: Location) -> str:
    address = ", ".join(filter(None, [location.address, f"{location.postcode} {location.city}".strip()]))
    text = f"{location.name}, {address}" if address else location.name
    if location.opening_hours:
        text += ". " + _("Opening hours: %(hours)s") % {"hours": location.opening_hours}
    return text


# --- placing --------------------------------------------------------------------------------
@service
def order_place(
    *,
    lines: Iterable[dict],
    fulfilment: str,
    actor: Actor,
    payment: str = Payment.PAID,
    customer: Customer | None = None,
    codes: Iterable[str] = (),
    pickup_location: Location | None = None,
    shipping_address: dict | None = None,
    location: Location | None = None,
    cart=None,
    now: datetime | None = None,
    products: dict[str, Product] | None = None,
) -> Order:
    """Price, reserve (or sell) and record an order, all or nothing (the creating client
    shows it with ``pickup_code_for``, click & collect). ``products``:
    the lines' products by SKU, as ``inventory.selectors.products_by_sku`` gives them, when
    the caller already read them."""
    now = now or timezone.now()
    quantities = _clean_lines(lines)
    codes = list(dict.fromkeys(code.strip() for code in codes if code and code.strip()))
    if payment == Payment.PAY_AT_PICKUP and fulfilment != Fulfilment.CLICK_AND_COLLECT:
        raise MissingField("payment", _("Pay at pickup is only for click & collect."))
    fulfilment_location = None
    if fulfilment == Fulfilment.CLICK_AND_COLLECT:
        if pickup_location is None:
            raise MissingField("pickup_location", _("Choose the store where the order is collected."))
        if not (pickup_location.click_and_collect and pickup_location.is_active):
            raise PickupNotAvailable(
                _("%(location)s does not offer click & collect.") % {"location": pickup_location.name},
                location=pickup_location.code,
            )
        fulfilment_location = pickup_location
    elif fulfilment == Fulfilment.DELIVERY:
        if not shipping_address:
            raise MissingField("shipping_address", _("A delivery needs a shipping address."))
        pickup_location = None
    elif fulfilment == Fulfilment.IN_STORE:
        fulfilment_location = _in_store_location(actor, location)
        pickup_location = None
    else:
        raise MissingField("fulfilment", _("Unknown fulfilment."))
    channel = actor.channel_or_default

    # Read once, for pricing, the order lines and the stock operation alike.
    if products is None or not set(quantities) <= set(products):
        products = products_by_sku(skus=quantities)
    priced = pricing.price_cart(
        lines=[{"sku": sku, "quantity": quantity} for sku, quantity in quantities.items()],
        channel=channel, customer=customer, codes=codes, now=now, products=products,
    )
    status = S.COMPLETED if fulfilment == Fulfilment.IN_STORE else S.PLACED
    order = None
    for _attempt in range(3):
        number = new_order_number()
        try:
            with transaction.atomic():  # a savepoint: a number clash (1 in ~10^9) just draws again
                order = Order.objects.create(
                    number=number, channel=channel, status=status, fulfilment=fulfilment, payment=payment,
                    customer=customer, cart=cart, pickup_location=pickup_location,
                    fulfilment_location=fulfilment_location,
                    pickup_secret=secrets.token_hex(8) if fulfilment == Fulfilment.CLICK_AND_COLLECT else "",
                    shipping_address=shipping_address or None, codes=list(priced.codes or codes),
                    discounts=[_jsonable(d.as_dict()) for d in priced.discounts],  # frozen as priced
                    subtotal=to_money(priced.subtotal), discount_total=to_money(priced.discount_total),
                    total=to_money(priced.total), created_at=now, updated_at=now,
                    closed_at=now if status == S.COMPLETED else None,
                    hold_until=now + timedelta(days=settings.OMNI_PICKUP_HOLD_DAYS)
                    if fulfilment == Fulfilment.CLICK_AND_COLLECT else None,
                    created_by_client=actor.client, created_by_user=actor.user, actor_label=actor.label[:160],
                )
            break
        except IntegrityError:
            if cart is not None and Order.objects.filter(cart=cart).exists():
                raise InvalidTransition(_("This cart was already checked out.")) from None
            if not Order.objects.filter(number=number).exists():
                raise  # not a number clash: a broken invariant must fail loudly
    if order is None:
        raise InvalidTransition(_("This order could not be placed; please retry."))
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order, product=products[line.sku], sku=line.sku, name=line.name, quantity=line.quantity,
                unit_price=to_money(line.unit_price), discount=to_money(line.discount), total=to_money(line.total),
            )
            for line in priced.lines
        ]
    )
    _record(order, status=status, actor=actor, now=now, location=fulfilment_location)

    # The contended rows (promotions' usage, then stock levels) are locked last, in this
    # one order by every placement, so that they are held for the shortest time.
    promotions_services.redemptions_record(priced=priced, customer=customer, order_reference=number,
                                           channel=channel, actor=actor)
    if fulfilment == Fulfilment.IN_STORE:
        stock_sell(location=fulfilment_location, lines=quantities, reference=number, actor=actor, products=products)
    elif fulfilment == Fulfilment.CLICK_AND_COLLECT:
        stock_reserve(location=fulfilment_location, lines=quantities, reference=number, actor=actor,
                      products=products)
    else:
        order.fulfilment_location = _reserve_for_delivery(lines=quantities, reference=number, actor=actor)
        Order.objects.filter(pk=order.pk).update(fulfilment_location=order.fulfilment_location)
    order_placed.send(sender=Order, order=order, actor=actor)
    return order


def _jsonable(discount: dict) -> dict:
    return {key: (str(value) if not isinstance(value, (str, int, type(None), list, dict)) else value)
            for key, value in dict(discount).items()}


# --- click & collect -------------------------------------------------------------------------
@transaction.atomic
def order_mark_ready(*, order: Order, actor: Actor, now: datetime | None = None) -> Order:
    """The store has prepared the order: the hold starts and the customer is told, with
    the code, the store's address and its hours."""
    now = now or timezone.now()
    order = _locked(order)
    if not order.is_pickup or not may_act_on_pickup(actor, order):
        if not order.is_pickup:
            raise InvalidTransition(_("Only click & collect orders are prepared for pickup."), status=order.status)
        raise Forbidden(_("Only the pickup store acts on this order."))
    from_status = _transition(order, S.READY_FOR_PICKUP, now=now)
    order.ready_at = now
    order.hold_until = now + timedelta(days=settings.OMNI_PICKUP_HOLD_DAYS)
    location = order.pickup_location
    until = formats.date_format(timezone.localtime(order.hold_until), "SHORT_DATE_FORMAT")
    body = _(
        "Your order %(number)s is ready at %(store)s. Pickup code: %(code)s. We keep it for you until %(until)s."
    ) % {"number": order.number, "store": _store_lines(location), "code": pickup_code_for(order), "until": until}
    subject = _("Your order %(number)s is ready") % {"number": order.number}
    _notify(order, kind="pickup_ready", body=body, subject=subject)
    return _finish_transition(order, from_status, actor=actor, now=now, fields=["ready_at", "hold_until"])


def order_collect(*, order: Order, pickup_code: str, actor: Actor, now: datetime | None = None) -> Order:
    """Hand-over at the counter: the right code, then the reserved units are sold.

    A wrong code is counted (and the count committed, even though the hand-over is
    refused); after ``PICKUP_CODE_MAX_FAILURES`` wrong codes in a row the order refuses
    any code for ``PICKUP_CODE_LOCK`` (409 ``pickup_code_locked``): guessing a 6-digit code
    at the counter is then out of reach."""
    now = now or timezone.now()
    with transaction.atomic():
        order = _locked(order)
        if order.is_pickup and not may_act_on_pickup(actor, order):
            raise Forbidden(_("Only the pickup store hands this order over."))
        from_status = _transition(order, S.COLLECTED, now=now)
        if pickup_is_locked(order, now=now):
            locked_until = order.pickup_code_failed_at + PICKUP_CODE_LOCK
            raise PickupCodeLocked(retry_after=int((locked_until - now).total_seconds()) + 1)
        if pickup_code_matches(order, pickup_code):
            stock_consume(reference=order.number, actor=actor)
            order.closed_at = now
            order.pickup_code_failures = 0
            if order.payment == Payment.PAY_AT_PICKUP:
                order.payment = Payment.PAID
            return _finish_transition(order, from_status, actor=actor, now=now,
                                      fields=["closed_at", "payment", "pickup_code_failures"])
        failures = 1 if order.pickup_code_failures >= PICKUP_CODE_MAX_FAILURES else order.pickup_code_failures + 1
        Order.objects.filter(pk=order.pk).update(pickup_code_failures=failures, pickup_code_failed_at=now)
    raise InvalidPickupCode(attempts_left=PICKUP_CODE_MAX_FAILURES - failures)


def pickup_is_locked(order: Order, *, now: datetime | None = None) -> bool:
    """Too many wrong codes in a row, lately: the order refuses any code for a while."""
    now = now or timezone.now()
    locked_until = (order.pickup_code_failed_at or now) + PICKUP_CODE_LOCK
    return order.pickup_code_failures >= PICKUP_CODE_MAX_FAILURES and now < locked_until


@transaction.atomic
def order_pickup_unlock(*, order: Order, actor: Actor, now: datetime | None = None) -> Order:
    """The pickup store's manager lifts the lock that wrong codes put on a pickup (the
    customer is at the counter with the right message). Recorded in the order's history
    with the manager's name, as every change of who may collect it."""
    now = now or timezone.now()
    order = _locked(order)
    if not may_unlock_pickup(actor, order):
        raise Forbidden(_("Only a manager of the pickup store releases a locked pickup."))
    if order.status != S.READY_FOR_PICKUP or not pickup_is_locked(order, now=now):
        raise InvalidTransition(_("This pickup is not locked."), status=order.status)
    order.pickup_code_failures = 0
    order.pickup_code_failed_at = None
    order.updated_at = now
    order.save(update_fields=["pickup_code_failures", "pickup_code_failed_at", "updated_at"])
    _record(order, status=order.status, from_status=order.status, actor=actor, now=now,
            note=_("Pickup code unlocked by the store manager"))
    return order


# --- delivery --------------------------------------------------------------------------------
@transaction.atomic
def order_ship(*, order: Order, actor: Actor, now: datetime | None = None) -> Order:
    now = now or timezone.now()
    order = _locked(order)
    if not may_ship(actor, order):
        raise Forbidden(_("Only the location that fulfils this order ships it."))
    from_status = _transition(order, S.SHIPPED, now=now)
    stock_consume(reference=order.number, actor=actor)
    _notify(order, kind="order_shipped", body=_("Your order %(number)s is on its way.") % {"number": order.number},
            subject=_("Your order %(number)s has shipped") % {"number": order.number})
    return _finish_transition(order, from_status, actor=actor, now=now, fields=[])


@transaction.atomic
def order_deliver(*, order: Order, actor: Actor, now: datetime | None = None) -> Order:
    now = now or timezone.now()
    order = _locked(order)
    if not may_ship(actor, order):
        raise Forbidden(_("Only the location that fulfils this order reports its delivery."))
    from_status = _transition(order, S.DELIVERED, now=now)
    order.closed_at = now
    _notify(order, kind="order_delivered",
            body=_("Your order %(number)s has been delivered.") % {"number": order.number},
            subject=_("Your order %(number)s has been delivered") % {"number": order.number})
    return _finish_transition(order, from_status, actor=actor, now=now, fields=["closed_at"])


# --- cancelling and expiring -----------------------------------------------------------------
def _close_open(order: Order, to_status: str, *, actor: Actor, now: datetime, note: str = "") -> Order:
    from_status = _transition(order, to_status, now=now)
    stock_release(reference=order.number, actor=actor)
    promotions_services.code_release(order_reference=order.number, actor=actor)
    order.closed_at = now
    return _finish_transition(order, from_status, actor=actor, now=now, fields=["closed_at"], note=note)


@transaction.atomic
def order_cancel(*, order: Order, actor: Actor, reason: str = "", now: datetime | None = None) -> Order:
    """Releases the stock and frees the single-use codes."""
    now = now or timezone.now()
    order = _locked(order)
    if not may_cancel(actor, order):
        raise Forbidden(_("You may not cancel this order."))
    order = _close_open(order, S.CANCELLED, actor=actor, now=now, note=reason)
    if order.is_pickup:
        _notify(order, kind="order_cancelled",
                body=_("Your order %(number)s has been cancelled.") % {"number": order.number},
                subject=_("Your order %(number)s has been cancelled") % {"number": order.number})
    return order


def orders_expire(*, now: datetime | None = None) -> dict[str, int]:
    """The periodic scan: pickups past their hold expire (stock released, codes freed);
    ready pickups whose hold ends within a day get one reminder. Each order is its own
    transaction; safe to run twice or concurrently."""
    now = now or timezone.now()
    system = Actor.system()
    expired = reminded = 0
    due = list(
        Order.objects.filter(fulfilment=Fulfilment.CLICK_AND_COLLECT, status__in=(S.PLACED, S.READY_FOR_PICKUP),
                             hold_until__lte=now).order_by("hold_until").values_list("pk", flat=True)[:1000]
    )
    for pk in due:
        with transaction.atomic():
            order = Order.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if order is None or not order.is_open or order.hold_until is None or order.hold_until > now:
                continue
            _close_open(order, S.EXPIRED, actor=system, now=now, note="hold ended")
            expired += 1
    soon = list(
        Order.objects.filter(fulfilment=Fulfilment.CLICK_AND_COLLECT, status=S.READY_FOR_PICKUP,
                             reminder_sent_at__isnull=True, hold_until__gt=now,
                             hold_until__lte=now + REMINDER_BEFORE)
        .select_related("customer", "pickup_location")[:1000]
    )
    for order in soon:
        with transaction.atomic():
            claimed = Order.objects.filter(pk=order.pk, reminder_sent_at__isnull=True,
                                           status=S.READY_FOR_PICKUP).update(reminder_sent_at=now)
            if not claimed:
                continue
            until = formats.date_format(timezone.localtime(order.hold_until), "SHORT_DATETIME_FORMAT")
            body = _(
                "Reminder: your order %(number)s is waiting for you until %(until)s at %(store)s. "
                "Pickup code: %(code)s."
            ) % {"number": order.number, "store": _store_lines(order.pickup_location), "until": until,
                 "code": pickup_code_for(order)}
            _notify(order, kind="pickup_reminder", body=body,
                    subject=_("Your order %(number)s is waiting for you") % {"number": order.number})
            reminded += 1
    return {"expired": expired, "reminded": reminded}
