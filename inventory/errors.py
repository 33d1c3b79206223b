"""The inventory's refusals, each with the contract's snake_case code."""

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from omni.errors import DomainError


class InsufficientStock(DomainError):
    code = "insufficient_stock"
    default_detail = _("Not enough stock available.")


class UnknownProduct(DomainError):
    code = "unknown_sku"
    status = status.HTTP_400_BAD_REQUEST
    default_detail = _("No product has this SKU.")


class InvalidQuantity(DomainError):
    code = "invalid_quantity"
    status = status.HTTP_400_BAD_REQUEST
    default_detail = _("This quantity is not valid for this movement.")


class ReservationNotActive(DomainError):
    code = "reservation_not_active"
    default_detail = _("No active reservation has this reference.")


class SameLocation(DomainError):
    code = "same_location"
    status = status.HTTP_400_BAD_REQUEST
    default_detail = _("A transfer needs two different locations.")
