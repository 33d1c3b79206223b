"""Returns anywhere: any store takes back items of any order, restocks the ones that can be
sold again and writes off the damaged ones.

The refund respects the order's promotions (api-contract.md, "Returns that respect
promotions"): it is what is left of what the customer paid minus what the lines they keep
cost when the order is priced again without the returned units, from the pricing basis
kept at placement. A "3 for 2" kept after its paid units come back is no longer free; a
``min_subtotal`` no longer reached takes its discount back; returning everything, in one go
or several, refunds exactly what was paid.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from giftcards import services as giftcards_services
from inventory.services import stock_return
from loyalty import services as loyalty_services
from omni.actor import Actor
from omni.errors import Forbidden, InvalidTransition
from omni.models import Location
from omni.money import ZERO, money_text, to_money
from promotions.engine import PricingBasis

from ..errors import MissingField, ReturnExceedsOrder
from ..models import (
    HANDED_OVER_STATUSES,
    ItemCondition,
    Order,
    OrderLine,
    OrderStatus,
    RefundMethod,
    Return,
    ReturnLine,
    ReturnReason,
)
from ..permissions import may_take_return
from .notify import order_notify
from .transitions import finish_transition, start_transition


@dataclass(frozen=True)
class ReturnItem:
    """Units of one SKU brought back in one condition."""

    sku: str
    quantity: int
    condition: str = ItemCondition.RESELLABLE


@transaction.atomic
def return_create(
    *,
    order: Order,
    location: Location,
    lines: Mapping[str, int] | Iterable[ReturnItem],
    actor: Actor,
    reason: str = ReturnReason.OTHER,
    refund_method: str = RefundMethod.ORIGINAL,
    now: datetime | None = None,
) -> Return:
    """Take back ``lines`` (``{sku: quantity}``, all resellable, or ``ReturnItem``s) at
    ``location``: the refund, the return's lines, the stock, the order's status and the
    message to the customer, all or nothing."""
    now = now or timezone.now()
    if not may_take_return(actor, location):
        raise Forbidden(_("Returns are taken by the staff or terminal of the store that receives them."))
    items = _items(lines)
    if not items:
        raise MissingField("lines", _("At least one line is needed."))
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status not in HANDED_OVER_STATUSES:
        raise InvalidTransition(
            _("Order %(number)s is %(status)s: nothing was handed over yet, cancel it instead.")
            % {"number": order.number, "status": order.get_status_display()},
            status=order.status,
        )
    order_lines = {line.sku: line for line in OrderLine.objects.select_for_update().filter(order=order)}
    returning = _check_quantities(items, order_lines)
    earlier = Return.objects.filter(order=order).aggregate(count=Count("pk"), refunded=Sum("refund_amount"))
    refund = refund_due(order, order_lines.values(), returning=returning, refunded_before=earlier["refunded"] or ZERO)
    order_return = Return.objects.create(
        number=f"{order.number}-R{(earlier['count'] or 0) + 1}", order=order, location=location, reason=reason,
        refund_method=refund_method, refund_amount=refund, created_at=now, channel=actor.channel or "",
        actor_label=actor.label[:160],
    )
    ReturnLine.objects.bulk_create(_return_lines(order_return, items, order_lines, refund))
    for sku, quantity in returning.items():
        OrderLine.objects.filter(pk=order_lines[sku].pk).update(returned_quantity=F("returned_quantity") + quantity)
    damaged = {item.sku: item.quantity for item in items if item.condition == ItemCondition.DAMAGED}
    stock_return(location=location, lines=returning, written_off=damaged, reference=order_return.number, actor=actor)
    _move_status(order, order_lines.values(), returning=returning, actor=actor, now=now)
    _take_back_points(order, order_return, refunded=(earlier["refunded"] or ZERO) + refund, actor=actor, now=now)
    if refund_method == RefundMethod.STORE_CREDIT and refund > ZERO:
        _refund_as_store_credit(order_return, customer=order.customer, actor=actor, now=now)
    order_notify(order, kind="return_received", compose=lambda: _return_message(order_return, location=location))
    return order_return


def _take_back_points(order: Order, order_return: Return, *, refunded: Decimal, actor: Actor, now: datetime) -> None:
    """The points the refunded share earned go back (``loyalty_points_reversed``); once
    everything is back, the points the order spent come back to the customer."""
    taken = loyalty_services.points_reverse(customer=order.customer, order=order.number, refunded=refunded,
                                            paid=order.total, actor=actor, now=now)
    if taken:
        order_return.loyalty_points_reversed = taken
        order_return.save(update_fields=["loyalty_points_reversed"])
    if order.status == OrderStatus.RETURNED:
        loyalty_services.points_give_back(customer=order.customer, order=order.number, actor=actor, now=now)


def _refund_as_store_credit(
    order_return: Return, *, customer: Customer | None, actor: Actor, now: datetime
) -> None:
    """The refund on the customer's store-credit card (topped up, or a new one whose code
    the answer carries, this once: ``order_return.store_credit_code``)."""
    card, code = giftcards_services.store_credit_issue(
        amount=order_return.refund_amount, customer=customer, reference=order_return.number, actor=actor, now=now
    )
    order_return.store_credit = card
    order_return.store_credit_code = code
    order_return.save(update_fields=["store_credit"])


def _return_message(order_return: Return, *, location: Location) -> tuple[str, str]:
    values = {"number": order_return.order.number, "store": location.name,
              "amount": money_text(order_return.refund_amount)}
    if order_return.store_credit is not None:
        body = _("We have received the items you returned from order %(number)s at %(store)s: %(amount)s are on "
                 "your store credit, to spend in any of our stores and online.") % values
    else:
        body = _("We have received the items you returned from order %(number)s at %(store)s: %(amount)s will be "
                 "refunded.") % values
    return body, _("Your return for order %(number)s") % {"number": order_return.order.number}


def refund_due(
    order: Order, order_lines: Iterable[OrderLine], *, returning: Mapping[str, int], refunded_before: Decimal
) -> Decimal:
    """What returning ``returning`` (units by SKU) refunds now: what was paid, less what
    earlier returns refunded, less what the lines still kept afterwards cost; never
    negative, so that over all its returns an order never refunds more than was paid."""
    kept = {line.sku: line.quantity - line.returned_quantity - returning.get(line.sku, 0) for line in order_lines}
    return max(ZERO, to_money(order.total - refunded_before - kept_cost(order, order_lines, kept)))


def kept_cost(order: Order, order_lines: Iterable[OrderLine], kept: Mapping[str, int]) -> Decimal:
    """What ``kept`` units by SKU cost: priced again from the order's pricing basis, less the
    points the order spent (they stay with what is kept), or, for an order placed before the
    basis was kept, at each line's paid share."""
    if order.pricing_basis:
        repriced = PricingBasis.from_json(order.pricing_basis).price_kept(kept).total
        return max(ZERO, repriced - order.loyalty_discount)
    return sum((to_money(line.total * kept.get(line.sku, 0) / line.quantity) for line in order_lines), ZERO)


def _items(lines: Mapping[str, int] | Iterable[ReturnItem]) -> list[ReturnItem]:
    """The units returned, one item per SKU and condition (the same given twice, added)."""
    given = [ReturnItem(sku, quantity) for sku, quantity in lines.items()] if isinstance(lines, Mapping) else lines
    merged: dict[tuple[str, str], int] = {}
    for item in given:
        if item.quantity > 0:
            merged[(item.sku, item.condition)] = merged.get((item.sku, item.condition), 0) + item.quantity
    return [ReturnItem(sku, quantity, condition) for (sku, condition), quantity in sorted(merged.items())]


def _check_quantities(items: list[ReturnItem], order_lines: Mapping[str, OrderLine]) -> dict[str, int]:
    """The units returned by SKU, or 409 ``return_exceeds_order`` for the first SKU
    returned beyond what is left of it."""
    returning: dict[str, int] = {}
    for item in items:
        returning[item.sku] = returning.get(item.sku, 0) + item.quantity
    for sku, quantity in sorted(returning.items()):
        line = order_lines.get(sku)
        returnable = line.returnable_quantity if line else 0
        if quantity > returnable:
            raise ReturnExceedsOrder(
                _("Only %(returnable)s of %(sku)s can still be returned.") % {"returnable": returnable, "sku": sku},
                sku=sku, returnable=returnable,
            )
    return returning


def _return_lines(
    order_return: Return, items: list[ReturnItem], order_lines: Mapping[str, OrderLine], refund: Decimal
) -> list[ReturnLine]:
    """The return's lines, the refund shared between them by what their units were paid
    (the rounding left to the last that was paid anything): the lines add up to the refund."""
    weights = [order_lines[item.sku].total * item.quantity / order_lines[item.sku].quantity for item in items]
    whole = sum(weights, ZERO)
    shares = [to_money(refund * weight / whole) if whole else ZERO for weight in weights]
    last = max((index for index, weight in enumerate(weights) if weight), default=0)
    shares[last] += refund - sum(shares, ZERO)
    return [
        ReturnLine(order_return=order_return, order_line=order_lines[item.sku], quantity=item.quantity,
                   condition=item.condition, refund_amount=share)
        for item, share in zip(items, shares, strict=True)
    ]


def _move_status(
    order: Order, order_lines: Iterable[OrderLine], *, returning: Mapping[str, int], actor: Actor, now: datetime
) -> None:
    """``returned`` once every unit is back, ``partially_returned`` before that."""
    everything_back = all(line.returned_quantity + returning.get(line.sku, 0) >= line.quantity for line in order_lines)
    to_status = OrderStatus.RETURNED if everything_back else OrderStatus.PARTIALLY_RETURNED
    if order.status != to_status:
        from_status = start_transition(order, to_status, now=now)
        finish_transition(order, from_status, actor=actor, now=now, fields=[])
