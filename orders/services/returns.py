"""Returns anywhere: any store takes back items of any order and restocks them there."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.services import stock_return
from omni.actor import Actor
from omni.errors import Forbidden, InvalidTransition
from omni.models import Location
from omni.money import ZERO, money_text, to_money

from ..errors import MissingField, ReturnExceedsOrder
from ..models import Order, OrderLine, OrderStatus, Return, ReturnLine
from ..permissions import may_take_return
from .notify import order_notify

RETURNABLE_STATUSES = (OrderStatus.COLLECTED, OrderStatus.DELIVERED, OrderStatus.COMPLETED)


def refund_for(line: OrderLine, *, already_returned: int, quantity: int) -> Decimal:
    """What ``quantity`` more units of ``line`` refund, from the price actually paid (the
    line's total after its share of every discount). Rounded cumulatively, so that
    returning a line in several goes refunds exactly its total, never a cent more."""
    before = to_money(line.total * already_returned / line.quantity)
    after = to_money(line.total * (already_returned + quantity) / line.quantity)
    return after - before


@transaction.atomic
def return_create(*, order: Order, location: Location, lines: dict[str, int], actor: Actor,
                  now: datetime | None = None) -> Return:
    now = now or timezone.now()
    if not may_take_return(actor, location):
        raise Forbidden(_("Returns are taken by the staff or terminal of the store that receives them."))
    if not lines:
        raise MissingField("lines", _("At least one line is needed."))
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status not in RETURNABLE_STATUSES:
        raise InvalidTransition(
            _("Order %(number)s is %(status)s: nothing was handed over yet, cancel it instead.")
            % {"number": order.number, "status": order.get_status_display()},
            status=order.status,
        )
    order_lines = {line.sku: line for line in OrderLine.objects.select_for_update().filter(order=order)}
    for sku, quantity in sorted(lines.items()):
        line = order_lines.get(sku)
        returnable = line.returnable_quantity if line else 0
        if quantity > returnable:
            raise ReturnExceedsOrder(
                _("Only %(returnable)s of %(sku)s can still be returned.") % {"returnable": returnable, "sku": sku},
                sku=sku, returnable=returnable,
            )
    count = Return.objects.filter(order=order).count()
    order_return = Return.objects.create(order=order, location=location, refund_amount=ZERO, created_at=now,
                                         channel=actor.channel or "", actor_label=actor.label[:160])
    return_lines, refund = [], ZERO
    for sku, quantity in sorted(lines.items()):
        line = order_lines[sku]
        amount = refund_for(line, already_returned=line.returned_quantity, quantity=quantity)
        refund += amount
        return_lines.append(ReturnLine(order_return=order_return, order_line=line, quantity=quantity,
                                       refund_amount=amount))
        OrderLine.objects.filter(pk=line.pk).update(returned_quantity=F("returned_quantity") + quantity)
    ReturnLine.objects.bulk_create(return_lines)
    order_return.refund_amount = refund
    order_return.save(update_fields=["refund_amount"])
    stock_return(location=location, lines=dict(lines), reference=f"{order.number}/R{count + 1}", actor=actor)
    order_notify(order, kind="return_received", compose=lambda: (
        _("We have received the items you returned from order %(number)s at %(store)s: %(amount)s will be "
          "refunded.") % {"number": order.number, "store": location.name, "amount": money_text(refund)},
        _("Your return for order %(number)s") % {"number": order.number},
    ))
    return order_return
