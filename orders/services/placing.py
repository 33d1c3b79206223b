"""Placing an order: checked, priced, recorded, then its stock reserved or sold, all or
nothing (the rules of ``transitions`` apply)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from giftcards import services as giftcards_services
from giftcards.services import CardPayment
from inventory.errors import InsufficientStock
from inventory.models import Product
from inventory.selectors import products_by_sku
from inventory.services import stock_reserve, stock_sell
from loyalty import services as loyalty_services
from omni.actor import Actor
from omni.errors import Forbidden, InvalidTransition
from omni.models import Location
from omni.money import to_money
from omni.transactions import service
from promotions import pricing
from promotions import services as promotions_services
from promotions.engine import PricedCart

from ..errors import MissingField, PickupNotAvailable
from ..models import Cart, Fulfilment, Order, OrderLine, OrderStatus, Payment
from ..permissions import may_sell_in_store
from ..signals import order_placed
from .transitions import record_change

NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud at a counter
NUMBER_PREFIX = "OM-"
NUMBER_LENGTH = 6
NUMBER_DRAWS = 3  # a clash is 1 in ~10^9: three in a row means something else is wrong


@dataclass(frozen=True)
class _Places:
    """Where an order is collected (click & collect) and where its stock is taken; a
    delivery has neither until a location can reserve all of it (``_take_stock``)."""

    pickup: Location | None
    stock: Location | None


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
    cart: Cart | None = None,
    now: datetime | None = None,
    products: dict[str, Product] | None = None,
    gift_cards: Iterable[CardPayment] = (),
    loyalty_points: int = 0,
) -> Order:
    """Price, reserve (or sell) and record an order, all or nothing (the creating client
    shows it with ``pickup_code_for``, click & collect). ``products``:
    the lines' products by SKU, as ``inventory.selectors.products_by_sku`` gives them, when
    the caller already read them. ``gift_cards``: cards that pay part or all of it, debited
    in this transaction (a refused order takes nothing from them). ``loyalty_points``: the
    customer's points spent on it, taken at placement (earliest-expiring first); the points
    it earns wait, pending, until it is handed over."""
    now = now or timezone.now()
    quantities = _clean_lines(lines)
    clean_codes = _clean_codes(codes)
    _check_payment(payment, fulfilment=fulfilment)
    places = _places(
        fulfilment, actor=actor, pickup_location=pickup_location, shipping_address=shipping_address, location=location
    )
    products = _products_of(quantities, known=products)
    priced = pricing.price_cart(
        lines=[{"sku": sku, "quantity": quantity} for sku, quantity in quantities.items()],
        channel=actor.channel_or_default,
        customer=customer,
        codes=clean_codes,
        now=now,
        products=products,
        loyalty_points=loyalty_points,
    )
    order = _order_as_priced(
        priced,
        codes=clean_codes,
        fulfilment=fulfilment,
        payment=payment,
        places=places,
        customer=customer,
        shipping_address=shipping_address,
        cart=cart,
        actor=actor,
        now=now,
    )
    _insert_with_a_free_number(order, cart=cart)
    _insert_lines(order, priced=priced, products=products)
    record_change(order, status=order.status, actor=actor, now=now, location=places.stock)
    # The contended rows (promotions' usage, then stock levels) are locked last, in this
    # one order by every placement, so that they are held for the shortest time.
    promotions_services.redemptions_record(
        priced=priced, customer=customer, order_reference=order.number, channel=order.channel, actor=actor
    )
    _take_stock(order, quantities=quantities, stock=places.stock, actor=actor, products=products)
    if customer is not None and priced.loyalty_points:
        loyalty_services.points_redeem(customer=customer, points=priced.loyalty_points, order=order.number,
                                       channel=order.channel, actor=actor, now=now)
    _pay_with_cards(order, list(gift_cards), actor=actor, now=now)
    loyalty_services.points_earn(customer=customer, order=order.number, amount_paid=order.amount_due,
                                 channel=order.channel, pending=order.status != OrderStatus.COMPLETED, actor=actor,
                                 now=now)
    order_placed.send(sender=Order, order=order, actor=actor)
    return order


# --- the steps, in the order ``order_place`` takes them ---------------------------------------
def _clean_lines(lines: Iterable[dict]) -> dict[str, int]:
    """The quantities by SKU, a SKU given twice counted once with both quantities."""
    merged: dict[str, int] = {}
    for line in lines:
        merged[line["sku"]] = merged.get(line["sku"], 0) + int(line["quantity"])
    if not merged:
        raise MissingField("lines", _("At least one line is needed."))
    return merged


def _clean_codes(codes: Iterable[str]) -> list[str]:
    """The codes given, trimmed, each once, in the order given."""
    return list(dict.fromkeys(code.strip() for code in codes if code and code.strip()))


def _check_payment(payment: str, *, fulfilment: str) -> None:
    if payment == Payment.PAY_AT_PICKUP and fulfilment != Fulfilment.CLICK_AND_COLLECT:
        raise MissingField("payment", _("Pay at pickup is only for click & collect."))
    if payment == Payment.PAY_ON_DELIVERY and fulfilment != Fulfilment.DELIVERY:
        raise MissingField("payment", _("Pay on delivery is only for home delivery."))


def _places(
    fulfilment: str,
    *,
    actor: Actor,
    pickup_location: Location | None,
    shipping_address: dict | None,
    location: Location | None,
) -> _Places:
    """Where the fulfilment takes place, checked: a store that offers click & collect, a
    shipping address, or the store that sells."""
    if fulfilment == Fulfilment.CLICK_AND_COLLECT:
        if pickup_location is None:
            raise MissingField("pickup_location", _("Choose the store where the order is collected."))
        if not (pickup_location.click_and_collect and pickup_location.is_active):
            raise PickupNotAvailable(
                _("%(location)s does not offer click & collect.") % {"location": pickup_location.name},
                location=pickup_location.code,
            )
        return _Places(pickup=pickup_location, stock=pickup_location)
    if fulfilment == Fulfilment.DELIVERY:
        if not shipping_address:
            raise MissingField("shipping_address", _("A delivery needs a shipping address."))
        return _Places(pickup=None, stock=None)
    if fulfilment == Fulfilment.IN_STORE:
        return _Places(pickup=None, stock=_in_store_location(actor, location))
    raise MissingField("fulfilment", _("Unknown fulfilment."))


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


def _products_of(quantities: dict[str, int], *, known: dict[str, Product] | None) -> dict[str, Product]:
    """The lines' products, read once for pricing, the order lines and the stock operation
    alike (or as the caller read them)."""
    if known is not None and set(quantities) <= set(known):
        return known
    return products_by_sku(skus=quantities)


def _order_as_priced(
    priced: PricedCart,
    *,
    codes: list[str],
    fulfilment: str,
    payment: str,
    places: _Places,
    customer: Customer | None,
    shipping_address: dict | None,
    cart: Cart | None,
    actor: Actor,
    now: datetime,
) -> Order:
    """The order row, not saved yet and without its number: its prices frozen as priced."""
    status = OrderStatus.COMPLETED if fulfilment == Fulfilment.IN_STORE else OrderStatus.PLACED
    is_pickup = fulfilment == Fulfilment.CLICK_AND_COLLECT
    return Order(
        channel=actor.channel_or_default,
        status=status,
        fulfilment=fulfilment,
        payment=payment,
        customer=customer,
        cart=cart,
        pickup_location=places.pickup,
        fulfilment_location=places.stock,
        pickup_secret=secrets.token_hex(8) if is_pickup else "",
        shipping_address=shipping_address or None,
        codes=list(priced.codes or codes),
        discounts=[_jsonable(d.as_dict()) for d in priced.discounts],
        pricing_basis=priced.basis.as_json() if priced.basis else None,
        subtotal=to_money(priced.subtotal),
        discount_total=to_money(priced.discount_total),
        loyalty_points=priced.loyalty_points,
        loyalty_discount=to_money(priced.loyalty_discount),
        total=to_money(priced.total),
        created_at=now,
        updated_at=now,
        closed_at=now if status == OrderStatus.COMPLETED else None,
        hold_until=now + timedelta(days=settings.OMNI_PICKUP_HOLD_DAYS) if is_pickup else None,
        created_by_client=actor.client,
        created_by_user=actor.user,
        actor_label=actor.label[:160],
    )


def _jsonable(discount: dict[str, Any]) -> dict[str, Any]:
    return {
        key: (str(value) if not isinstance(value, (str, int, type(None), list, dict)) else value)
        for key, value in dict(discount).items()
    }


def new_order_number() -> str:
    return NUMBER_PREFIX + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(NUMBER_LENGTH))


def _insert_with_a_free_number(order: Order, *, cart: Cart | None) -> None:
    """Saves the new order under a number drawn at random, drawn again on a clash; a cart
    checked out twice is 409."""
    for _attempt in range(NUMBER_DRAWS):
        order.number = new_order_number()
        try:
            with transaction.atomic():  # a savepoint: a number clash just draws again
                order.save(force_insert=True)
            return
        except IntegrityError:
            if cart is not None and Order.objects.filter(cart=cart).exists():
                raise InvalidTransition(_("This cart was already checked out.")) from None
            if not Order.objects.filter(number=order.number).exists():
                raise  # not a number clash: a broken invariant must fail loudly
    raise InvalidTransition(_("This order could not be placed; please retry."))


def _insert_lines(order: Order, *, priced: PricedCart, products: dict[str, Product]) -> None:
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                product=products[line.sku],
                sku=line.sku,
                name=line.name,
                quantity=line.quantity,
                unit_price=to_money(line.unit_price),
                discount=to_money(line.discount),
                total=to_money(line.total),
            )
            for line in priced.lines
        ]
    )


def _take_stock(
    order: Order, *, quantities: dict[str, int], stock: Location | None, actor: Actor, products: dict[str, Product]
) -> None:
    """Sold in store, reserved at the pickup store, or reserved where a delivery can ship
    from (which then becomes the order's fulfilment location)."""
    if stock is None:
        order.fulfilment_location = _reserve_for_delivery(lines=quantities, reference=order.number, actor=actor)
        Order.objects.filter(pk=order.pk).update(fulfilment_location=order.fulfilment_location)
    elif order.fulfilment == Fulfilment.IN_STORE:
        stock_sell(location=stock, lines=quantities, reference=order.number, actor=actor, products=products)
    else:
        stock_reserve(location=stock, lines=quantities, reference=order.number, actor=actor, products=products)


def _pay_with_cards(order: Order, payments: list[CardPayment], *, actor: Actor, now: datetime) -> None:
    if not payments:
        return
    order.gift_cards = giftcards_services.cards_debit(
        payments=payments, total=order.total, reference=order.number, actor=actor, now=now
    )
    Order.objects.filter(pk=order.pk).update(gift_cards=order.gift_cards)


def delivery_candidates() -> list[Location]:
    """Where a delivery may ship from, in the order they are tried: the e-shop warehouses
    (by code), then the stores that ship from store (by code)."""
    locations = Location.objects.filter(is_active=True).filter(kind=Location.Kind.WAREHOUSE) | Location.objects.filter(
        is_active=True, kind=Location.Kind.STORE, ship_from_store=True
    )
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
        (level.location_id, level.product.sku): level.available
        for level in StockLevel.objects.filter(product__sku__in=list(lines), location__in=candidates)
        .with_available()
        .select_related("product")
        .only("location_id", "on_hand", "reserved", "product__sku")
    }
    able = [loc for loc in candidates if all(available.get((loc.pk, sku), 0) >= n for sku, n in lines.items())]
    refusals: list[InsufficientStock] = []
    for location in able or candidates[:1]:
        try:
            with transaction.atomic():
                stock_reserve(location=location, lines=lines, reference=reference, actor=actor)
            return location
        except InsufficientStock as exc:
            refusals.append(exc)
    raise refusals[0]
