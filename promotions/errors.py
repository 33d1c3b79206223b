"""The promotions app's refusals; ``code`` is the contract's snake_case code."""

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from omni.errors import DomainError


class CodeUnknown(DomainError):
    code = "code_unknown"
    default_detail = _("This code does not exist.")


class CodeExpired(DomainError):
    code = "code_expired"
    default_detail = _("This code has expired.")


class CodeNotApplicable(DomainError):
    code = "code_not_applicable"
    default_detail = _("This code cannot be used here.")


class CodeUsed(DomainError):
    code = "code_used"
    default_detail = _("This code has already been used.")


class CampaignAlreadySent(DomainError):
    code = "campaign_already_sent"
    default_detail = _("This campaign is already being sent or was sent.")


class InvalidPromotion(DomainError):
    code = "invalid"
    status = status.HTTP_400_BAD_REQUEST
    default_detail = _("This promotion is not valid.")


class PromotionNotRunning(DomainError):
    code = "promotion_not_running"
    default_detail = _("This promotion has ended or is inactive.")
