"""The one door from orders to the promotions engine.

The promotions app provides ``promotions.pricing.price_cart`` and
``promotions.services.code_redeem`` / ``code_release``. While they were being built this
adapter fell back to catalogue prices without promotions (and refused every code as
unknown); it switches to the real engine as soon as those names exist, so orders never
call promotions directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from omni.errors import DomainError
from omni.money import ZERO, currency, to_money


class CodeUnknown(DomainError):
    code = "code_unknown"
    default_detail = "This code does not exist."


def _engine():
    try:
        from promotions import pricing
    except ImportError:  # pragma: no cover
        return None
    return getattr(pricing, "price_cart", None)


def _services():
    try:
        from promotions import services
    except ImportError:
        return None
    if hasattr(services, "code_redeem"):
        return services
    return None


def _as_dict(priced) -> dict:
    if hasattr(priced, "as_dict"):
        data = priced.as_dict()
        data["_priced"] = priced  # what ``redemptions_record`` needs
        return data
    return dict(priced)


def price_cart(*, lines: list[dict], channel: str | None, customer=None, codes: Iterable[str] = (),
               now: datetime | None = None) -> dict:
    """``{lines: [{sku, name, quantity, unit_price, discount, total}], codes, subtotal,
    discount_total, total, currency, discounts: [{promotion, name, amount}]}``."""
    codes = list(codes)
    engine = _engine()
    if engine is not None:
        return _as_dict(engine(lines=lines, channel=channel, customer=customer, codes=codes, now=now or timezone.now()))
    return _fallback(lines=lines, channel=channel, codes=codes)


def _fallback(*, lines: list[dict], channel: str | None, codes: list[str]) -> dict:
    from inventory.selectors import price_for, products_by_sku

    if codes:
        raise CodeUnknown(_("The code %(code)s does not exist.") % {"code": codes[0]}, field="code")
    products = products_by_sku(skus=[line["sku"] for line in lines])
    priced = []
    for line in lines:
        product = products[line["sku"]]
        unit_price = to_money(price_for(product, channel))
        total = to_money(unit_price * line["quantity"])
        priced.append({"sku": product.sku, "name": product.name, "quantity": line["quantity"],
                       "unit_price": unit_price, "discount": ZERO, "total": total})
    subtotal = sum((line["total"] for line in priced), ZERO)
    return {"lines": priced, "codes": [], "subtotal": subtotal, "discount_total": ZERO, "total": subtotal,
            "currency": currency(), "discounts": []}


def code_redeem(*, code: str, customer, order_reference: str, channel: str | None, actor):
    services = _services()
    if services is None:
        raise CodeUnknown(_("The code %(code)s does not exist.") % {"code": code})
    return services.code_redeem(code=code, customer=customer, order_reference=order_reference, channel=channel,
                                actor=actor)


def redemptions_record(*, priced: dict, codes: list[str], customer, order_reference: str, channel: str | None,
                       actor) -> None:
    """Record the order's discounts (codes redeemed, usage limits counted) in the caller's
    transaction; refused with the contract's code error if a code was used meanwhile."""
    services = _services()
    raw = priced.get("_priced")
    if services is not None and raw is not None and hasattr(services, "redemptions_record"):
        services.redemptions_record(priced=raw, customer=customer, order_reference=order_reference,
                                    channel=channel, actor=actor)
        return
    for code in codes:
        code_redeem(code=code, customer=customer, order_reference=order_reference, channel=channel, actor=actor)


def code_release(*, order_reference: str, actor) -> None:
    services = _services()
    if services is None or not hasattr(services, "code_release"):
        return
    services.code_release(order_reference=order_reference, actor=actor)
