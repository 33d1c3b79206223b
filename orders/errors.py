"""The orders' refusals, each with the contract's snake_case code."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from omni.errors import DomainError, FieldRefused, Forbidden, InvalidTransition

__all__ = [
    "CartEmpty",
    "CartNotOpen",
    "Forbidden",
    "InvalidPickupCode",
    "InvalidTransition",
    "MissingField",
    "NoContact",
    "PickupCodeLocked",
    "PickupNotAvailable",
    "ReturnExceedsOrder",
    "TrackingLinkExpired",
    "TrackingLinkJustSent",
]


class OrdersErrorCode(StrEnum):
    """Every code the orders app's refusals answer with (the contract's snake_case codes)."""

    PICKUP_NOT_AVAILABLE = "pickup_not_available"
    INVALID_PICKUP_CODE = "invalid_pickup_code"
    PICKUP_CODE_LOCKED = "pickup_code_locked"
    RETURN_EXCEEDS_ORDER = "return_exceeds_order"
    CART_NOT_OPEN = "cart_not_open"
    CART_EMPTY = "cart_empty"
    NO_CONTACT = "no_contact"
    TRACKING_LINK_JUST_SENT = "tracking_link_just_sent"
    TRACKING_LINK_EXPIRED = "tracking_link_expired"


class PickupNotAvailable(DomainError):
    code = OrdersErrorCode.PICKUP_NOT_AVAILABLE
    default_detail = _("This location does not offer click & collect.")


class InvalidPickupCode(DomainError):
    code = OrdersErrorCode.INVALID_PICKUP_CODE
    default_detail = _("The pickup code is not right.")


class PickupCodeLocked(DomainError):
    code = OrdersErrorCode.PICKUP_CODE_LOCKED
    default_detail = _("Too many wrong pickup codes: try again in a few minutes with the code from the message.")


class ReturnExceedsOrder(DomainError):
    code = OrdersErrorCode.RETURN_EXCEEDS_ORDER
    default_detail = _("You cannot return more than was bought.")


class CartNotOpen(DomainError):
    code = OrdersErrorCode.CART_NOT_OPEN
    default_detail = _("This cart is no longer open.")


class CartEmpty(DomainError):
    code = OrdersErrorCode.CART_EMPTY
    default_detail = _("The cart is empty.")


class NoContact(DomainError):
    code = OrdersErrorCode.NO_CONTACT
    default_detail = _("Omni has no way to reach this customer by this medium.")


class TrackingLinkJustSent(DomainError):
    code = OrdersErrorCode.TRACKING_LINK_JUST_SENT
    default_detail = _("The tracking link was sent by this medium a moment ago.")


class TrackingLinkExpired(DomainError):
    code = OrdersErrorCode.TRACKING_LINK_EXPIRED
    default_detail = _("This order closed too long ago: its tracking link no longer works.")


class MissingField(FieldRefused):
    """A field that this fulfilment needs; answered as a 400 naming the field."""
