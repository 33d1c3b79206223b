"""The loyalty refusals, each with the contract's snake_case code (409s)."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from omni.errors import DomainError


class LoyaltyErrorCode(StrEnum):
    INSUFFICIENT_POINTS = "insufficient_points"
    INVALID_POINTS_STEP = "invalid_points_step"
    LOYALTY_REQUIRES_CUSTOMER = "loyalty_requires_customer"
    LOYALTY_NOT_RUNNING = "loyalty_not_running"


class InsufficientPoints(DomainError):
    """Carries ``available``: the points the customer can spend now."""

    code = LoyaltyErrorCode.INSUFFICIENT_POINTS
    default_detail = _("The customer does not have that many points.")


class InvalidPointsStep(DomainError):
    code = LoyaltyErrorCode.INVALID_POINTS_STEP
    default_detail = _("Points are spent in steps, from a minimum.")


class LoyaltyRequiresCustomer(DomainError):
    code = LoyaltyErrorCode.LOYALTY_REQUIRES_CUSTOMER
    default_detail = _("Points are spent by a known customer: name the customer first.")


class LoyaltyNotRunning(DomainError):
    code = LoyaltyErrorCode.LOYALTY_NOT_RUNNING
    default_detail = _("The loyalty programme is not running.")
