"""The inventory's refusals, each with the contract's snake_case code."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from omni.errors import DomainError


class InventoryErrorCode(StrEnum):
    """Every code the inventory app's refusals answer with (the contract's snake_case codes)."""

    INSUFFICIENT_STOCK = "insufficient_stock"
    UNKNOWN_SKU = "unknown_sku"
    INVALID_QUANTITY = "invalid_quantity"
    RESERVATION_NOT_ACTIVE = "reservation_not_active"
    SAME_LOCATION = "same_location"
    IMPORT_INVALID = "import_invalid"


class InsufficientStock(DomainError):
    code = InventoryErrorCode.INSUFFICIENT_STOCK
    default_detail = _("Not enough stock available.")


class UnknownProduct(DomainError):
    code = InventoryErrorCode.UNKNOWN_SKU
    status = status.HTTP_400_BAD_REQUEST
    default_detail = _("No product has this SKU.")


class InvalidQuantity(DomainError):
    code = InventoryErrorCode.INVALID_QUANTITY
    status = status.HTTP_400_BAD_REQUEST
    default_detail = _("This quantity is not valid for this movement.")


class ReservationNotActive(DomainError):
    code = InventoryErrorCode.RESERVATION_NOT_ACTIVE
    default_detail = _("No active reservation has this reference.")


class SameLocation(DomainError):
    code = InventoryErrorCode.SAME_LOCATION
    status = status.HTTP_400_BAD_REQUEST
    default_detail = _("A transfer needs two different locations.")


class ImportRefused(DomainError):
    """A CSV import that cannot be read at all (each row's own errors are listed, not raised)."""

    code = InventoryErrorCode.IMPORT_INVALID
    status = status.HTTP_400_BAD_REQUEST
