"""The orders' refusals, each with the contract's snake_case code."""

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from omni.errors import DomainError, Forbidden, InvalidTransition

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


class PickupNotAvailable(DomainError):
    code = "pickup_not_available"
    default_detail = _("This location does not offer click & collect.")


class InvalidPickupCode(DomainError):
    code = "invalid_pickup_code"
    default_detail = _("The pickup code is not right.")


class PickupCodeLocked(DomainError):
    code = "pickup_code_locked"
    default_detail = _("Too many wrong pickup codes: try again in a few minutes with the code from the message.")


class ReturnExceedsOrder(DomainError):
    code = "return_exceeds_order"
    default_detail = _("You cannot return more than was bought.")


class CartNotOpen(DomainError):
    code = "cart_not_open"
    default_detail = _("This cart is no longer open.")


class CartEmpty(DomainError):
    code = "cart_empty"
    default_detail = _("The cart is empty.")


class NoContact(DomainError):
    code = "no_contact"
    default_detail = _("Omni has no way to reach this customer by this medium.")


class TrackingLinkJustSent(DomainError):
    code = "tracking_link_just_sent"
    default_detail = _("The tracking link was sent by this medium a moment ago.")


class TrackingLinkExpired(DomainError):
    code = "tracking_link_expired"
    default_detail = _("This order closed too long ago: its tracking link no longer works.")


class MissingField(DomainError):
    """A field that this fulfilment needs; answered as a 400 naming the field."""

    code = "invalid"
    status = status.HTTP_400_BAD_REQUEST

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(detail, field=field)
        self.field = field

    def as_dict(self) -> dict:
        return {self.field: [self.detail]}
