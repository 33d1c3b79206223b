"""The one door from orders to the promotions engine: ``price_cart`` (a quote, a cart and
the order it becomes carry the same totals), ``redemptions_record`` (codes redeemed and
usage limits counted in the order's transaction) and ``code_release``.

While promotions was being built this module fell back to catalogue prices; it now calls
``promotions.pricing`` and ``promotions.services`` directly and only turns the engine's
``PricedCart`` into the contract's priced structure.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from promotions import pricing
from promotions import services as promotions_services


def price_cart(*, lines: list[dict], channel: str | None, customer=None, codes: Iterable[str] = (),
               now: datetime | None = None, products: dict | None = None) -> dict:
    """``{lines: [{sku, name, quantity, unit_price, discount, total}], codes, subtotal,
    discount_total, total, currency, discounts: [{promotion, name, amount, ...}]}``, plus
    ``_priced`` (the engine's own result) for ``redemptions_record``. Raises the contract's
    code errors (``code_unknown``, ``code_expired``, ``code_not_applicable``, ``code_used``)."""
    priced = pricing.price_cart(lines=lines, channel=channel, customer=customer, codes=list(codes),
                                now=now or timezone.now(), products=products)
    data = priced.as_dict()
    data["_priced"] = priced
    return data


def redemptions_record(*, priced: dict, customer, order_reference: str, channel: str | None,
                       actor) -> None:
    """Record the order's discounts in the caller's transaction; refused with the
    contract's code error if a code or a limit was used up meanwhile."""
    promotions_services.redemptions_record(priced=priced["_priced"], customer=customer,
                                           order_reference=order_reference, channel=channel, actor=actor)


def code_release(*, order_reference: str, actor) -> None:
    """The order was cancelled or expired: its redemptions stop counting and its
    single-use codes are free again. Safe to call twice."""
    promotions_services.code_release(order_reference=order_reference, actor=actor)
