"""Every write of the orders app (keyword-only, transactional, with an actor)."""

from .carts import (
    cart_checkout,
    cart_code_add,
    cart_code_remove,
    cart_create,
    cart_customer_set,
    cart_line_add,
    cart_line_remove,
    cart_line_set,
    cart_loyalty_set,
    cart_price,
    carts_abandon,
)
from .closing import order_cancel, orders_expire
from .customers import orders_anonymise, orders_repoint
from .delivery import order_deliver, order_ship
from .notify import order_confirmation_send
from .pickup import order_collect, order_mark_ready, order_pickup_unlock, pickup_code_for, pickup_is_locked
from .placing import delivery_candidates, order_place
from .returns import ReturnItem, refund_due, return_create
from .transitions import TRANSITIONS

__all__ = [
    "TRANSITIONS",
    "cart_checkout",
    "cart_code_add",
    "cart_code_remove",
    "cart_create",
    "cart_customer_set",
    "cart_loyalty_set",
    "cart_line_add",
    "cart_line_remove",
    "cart_line_set",
    "cart_price",
    "carts_abandon",
    "delivery_candidates",
    "order_cancel",
    "order_collect",
    "order_confirmation_send",
    "order_pickup_unlock",
    "pickup_is_locked",
    "order_deliver",
    "order_mark_ready",
    "order_place",
    "order_ship",
    "orders_anonymise",
    "orders_expire",
    "orders_repoint",
    "pickup_code_for",
    "refund_due",
    "return_create",
    "ReturnItem",
]
