"""Carts: started on any channel, continued on any other, priced by the promotions engine."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from giftcards.services import CardPayment
from inventory.errors import UnknownProduct
from inventory.models import Product
from loyalty.services import redemption_check
from omni.actor import Actor
from omni.errors import DomainError
from omni.models import Location
from omni.transactions import service
from promotions import pricing
from promotions.engine import PricedCart
from promotions.pricing import MAX_LINE_QUANTITY

from ..errors import CartEmpty, CartNotOpen, MissingField
from ..models import Cart, CartLine, Order
from .placing import order_place

ABANDONED_AFTER_DAYS = 30


def _locked_open(cart: Cart) -> Cart:
    """``cart`` locked and read again, or 409 ``cart_not_open``."""
    locked = Cart.objects.select_for_update(of=("self",)).select_related("customer").get(pk=cart.pk)
    if not locked.is_open:
        raise CartNotOpen(status=locked.status)
    return locked


def _touch(cart: Cart) -> None:
    cart.updated_at = timezone.now()
    cart.save(update_fields=["updated_at", "codes", "customer", "loyalty_points"])


def _product(sku: str) -> Product:
    product = Product.objects.filter(sku=sku, is_active=True).first()
    if product is None:
        raise UnknownProduct(sku=sku)
    return product


def _check_quantity(quantity: int) -> None:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 0 < quantity <= MAX_LINE_QUANTITY:
        raise MissingField("quantity", _("Enter a quantity between 1 and %(max)s.") % {"max": MAX_LINE_QUANTITY})


def _line_rows(cart: Cart) -> list[CartLine]:
    """The lines of a cart a service has just locked (read again: they may have changed)."""
    return list(CartLine.objects.filter(cart=cart).select_related("product"))


def cart_lines(lines: list[CartLine]) -> list[dict]:
    return [{"sku": line.product.sku, "quantity": line.quantity} for line in lines]


@dataclass(frozen=True)
class CartPrice:
    """A cart as its answer shows it: the cart, the engine's price, and the codes entered
    earlier that no longer apply (left out of the price)."""

    cart: Cart
    priced: PricedCart
    code_errors: list[dict] = field(default_factory=list)
    # The points set on the cart, when they can no longer be spent (left out of the price).
    loyalty_error: dict | None = None


def cart_price(cart: Cart, *, now: datetime | None = None) -> CartPrice:
    """The priced cart, ``cart`` as ``selectors.cart_get`` reads it (its lines prefetched).
    A code that became unusable since it was entered (used up elsewhere, expired) is left
    out of the price and reported in ``code_errors``."""
    rows = list(cart.lines.all())
    lines = cart_lines(rows)
    products = {line.product.sku: line.product for line in rows}
    price = partial(
        pricing.price_cart, lines=lines, channel=cart.channel, customer=cart.customer, now=now, products=products
    )
    try:
        priced = price(codes=cart.codes)
    except DomainError as exc:
        if not cart.codes:
            raise
        return _with_points(CartPrice(cart=cart, priced=price(), code_errors=[exc.as_dict()]))
    return _with_points(CartPrice(cart=cart, priced=priced))


def _with_points(cart_price: CartPrice) -> CartPrice:
    """The cart's points taken off its price, or the reason they no longer can be."""
    cart = cart_price.cart
    if cart.loyalty_points:
        try:
            pricing.with_points(cart_price.priced,
                                redemption_check(customer=cart.customer, points=cart.loyalty_points))
        except DomainError as exc:
            return replace(cart_price, loyalty_error=exc.as_dict())
    return cart_price


@transaction.atomic
def cart_create(*, actor: Actor, customer: Customer | None = None) -> Cart:
    now = timezone.now()
    return Cart.objects.create(
        channel=actor.channel_or_default,
        customer=customer,
        actor_label=actor.label[:160],
        location=actor.location,
        created_at=now,
        updated_at=now,
    )


@transaction.atomic
def cart_line_add(*, cart: Cart, sku: str, quantity: int, actor: Actor) -> Cart:
    cart = _locked_open(cart)
    _check_quantity(quantity)
    product = _product(sku)
    line = CartLine.objects.filter(cart=cart, product=product).first()
    if line is None:
        CartLine.objects.create(cart=cart, product=product, quantity=quantity)
    else:
        line.quantity = min(line.quantity + quantity, MAX_LINE_QUANTITY)
        line.save(update_fields=["quantity"])
    _touch(cart)
    return cart


@transaction.atomic
def cart_line_set(*, cart: Cart, sku: str, quantity: int, actor: Actor) -> Cart:
    cart = _locked_open(cart)
    if quantity == 0:
        CartLine.objects.filter(cart=cart, product__sku=sku).delete()
    else:
        _check_quantity(quantity)
        updated = CartLine.objects.filter(cart=cart, product__sku=sku).update(quantity=quantity)
        if not updated:
            CartLine.objects.create(cart=cart, product=_product(sku), quantity=quantity)
    _touch(cart)
    return cart


@transaction.atomic
def cart_line_remove(*, cart: Cart, sku: str, actor: Actor) -> Cart:
    cart = _locked_open(cart)
    CartLine.objects.filter(cart=cart, product__sku=sku).delete()
    _touch(cart)
    return cart


@transaction.atomic
def cart_code_add(*, cart: Cart, code: str, actor: Actor) -> Cart:
    """The code is checked by pricing the cart with it (409 ``code_unknown``,
    ``code_expired``, ``code_not_applicable``, ``code_used``); redeemed only at checkout."""
    cart = _locked_open(cart)
    code = code.strip()
    if code not in cart.codes:
        pricing.price_cart(
            lines=cart_lines(_line_rows(cart)), channel=cart.channel, customer=cart.customer, codes=[*cart.codes, code]
        )
        cart.codes = [*cart.codes, code]
    _touch(cart)
    return cart


@transaction.atomic
def cart_code_remove(*, cart: Cart, code: str, actor: Actor) -> Cart:
    cart = _locked_open(cart)
    cart.codes = [c for c in cart.codes if c != code]
    _touch(cart)
    return cart


@transaction.atomic
def cart_customer_set(*, cart: Cart, customer: Customer | None, actor: Actor) -> Cart:
    cart = _locked_open(cart)
    cart.customer = customer
    _touch(cart)
    return cart


@service
def cart_loyalty_set(*, cart: Cart, points: int, actor: Actor) -> Cart:
    """Points the customer spends on the cart (0: none), checked now, taken at checkout."""
    cart = _locked_open(cart)
    if points:
        redemption_check(customer=cart.customer, points=points)
    cart.loyalty_points = points
    _touch(cart)
    return cart


@service
def cart_checkout(
    *,
    cart: Cart,
    fulfilment: str,
    actor: Actor,
    payment: str = "paid",
    pickup_location: Location | None = None,
    shipping_address: dict | None = None,
    location: Location | None = None,
    gift_cards: Iterable[CardPayment] = (),
    loyalty_points: int | None = None,
) -> Order:
    """The cart becomes an order on the channel of whoever checks out (the store terminal
    finishing a web cart sells on the store channel), then is ``converted``.
    ``loyalty_points``: what the till spends, instead of the points set on the cart."""
    cart = _locked_open(cart)
    lines = cart_lines(_line_rows(cart))
    if not lines:
        raise CartEmpty()
    order = order_place(
        lines=lines,
        fulfilment=fulfilment,
        payment=payment,
        customer=cart.customer,
        codes=cart.codes,
        pickup_location=pickup_location,
        shipping_address=shipping_address,
        location=location,
        cart=cart,
        actor=actor,
        gift_cards=gift_cards,
        loyalty_points=cart.loyalty_points if loyalty_points is None else loyalty_points,
    )
    cart.status = Cart.Status.CONVERTED
    cart.updated_at = timezone.now()
    cart.save(update_fields=["status", "updated_at"])
    return order


def carts_abandon(*, now: datetime | None = None) -> int:
    """Open carts untouched for ``ABANDONED_AFTER_DAYS`` become ``abandoned``. Safe to
    run twice: it only changes carts still open and idle."""
    from datetime import timedelta

    now = now or timezone.now()
    idle_since = now - timedelta(days=ABANDONED_AFTER_DAYS)
    return Cart.objects.filter(status=Cart.Status.OPEN, updated_at__lt=idle_since).update(status=Cart.Status.ABANDONED)
