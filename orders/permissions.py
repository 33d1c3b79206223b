"""Who may act on an order, as predicates on the Actor.

- A pickup (mark ready, hand over) belongs to its pickup location: that location's staff
  and POS terminals, administrators and managers without a location. Others get 403.
- Shipping and delivery belong to the location the order is fulfilled from, and to the
  ERP (integration) that reports carrier events.
- Cancelling: whoever may act on the pickup or the shipment, the client or staff member
  who placed the order, the call centre (clients and agents), the ERP.
- Returns: any store takes them back, through its own staff or POS (``works_at``).
"""

from omni.actor import Actor
from omni.channels import Channel
from omni.models import Location

from .models import Order


def acts_at(actor: Actor, location: Location | None) -> bool:
    return (actor.user is not None or actor.is_pos or actor.is_integration) and actor.works_at(location)


def may_act_on_pickup(actor: Actor, order: Order) -> bool:
    return acts_at(actor, order.pickup_location)


def may_unlock_pickup(actor: Actor, order: Order) -> bool:
    """Releasing a pickup locked by wrong codes is the pickup store's manager's call (or an
    administrator's): staff at the counter cannot lift the brake on guessing themselves."""
    return (actor.is_manager or actor.is_admin) and actor.user is not None and actor.works_at(order.pickup_location)


def may_ship(actor: Actor, order: Order) -> bool:
    return actor.is_integration or acts_at(actor, order.fulfilment_location)


def may_cancel(actor: Actor, order: Order) -> bool:
    if actor.is_integration or actor.is_admin:
        return True
    if order.is_pickup and may_act_on_pickup(actor, order):
        return True
    if not order.is_pickup and acts_at(actor, order.fulfilment_location):
        return True
    if actor.channel == Channel.CALL_CENTRE:
        return True
    if actor.client is not None and order.created_by_client_id == actor.client.pk:
        return True
    if actor.user is not None and order.created_by_user_id == actor.user.pk:
        return True
    # The website and the app act for their shoppers on orders of their own channel.
    return actor.is_sales_client and order.channel == actor.channel


def may_take_return(actor: Actor, location: Location) -> bool:
    return (actor.user is not None or actor.is_pos) and actor.works_at(location)


def may_sell_in_store(actor: Actor) -> bool:
    return actor.is_pos or actor.user is not None and bool(actor.location_ids) or actor.is_admin


def may_read_all_orders(actor: Actor) -> bool:
    """Staff look up any customer and any order (returns are taken anywhere); the ERP and
    the call centre see every order too."""
    return actor.user is not None or actor.is_integration or actor.channel == Channel.CALL_CENTRE


def may_see_pickups(actor: Actor) -> bool:
    """Administrators, and staff who work at a location: a call-centre agent (store staff
    at no location) has no board of its own."""
    return actor.user is not None and (actor.is_admin or (actor.is_store_staff and bool(actor.location_ids)))


def may_order_for_customer(actor: Actor) -> bool:
    """Staff who sell (at a store or on the phone) place an order for a customer; marketing
    does not sell."""
    return actor.user is not None and not actor.is_marketing


def may_send_tracking_link(actor: Actor) -> bool:
    """Staff who serve customers (at a store or the call centre) send a customer the
    tracking link of an order again; marketing makes no order changes and sends no
    service messages."""
    return actor.user is not None and not actor.is_marketing
