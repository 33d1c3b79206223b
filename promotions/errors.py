"""The promotions app's refusals; ``code`` is the contract's snake_case code."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from omni.errors import DomainError, ErrorCode


class PromotionsErrorCode(StrEnum):
    """Every code the promotions app's refusals answer with (the contract's snake_case codes)."""

    CODE_UNKNOWN = "code_unknown"
    CODE_EXPIRED = "code_expired"
    CODE_NOT_APPLICABLE = "code_not_applicable"
    CODE_USED = "code_used"
    CAMPAIGN_ALREADY_SENT = "campaign_already_sent"
    PROMOTION_NOT_RUNNING = "promotion_not_running"
    NO_TEST_ADDRESS = "no_test_address"


class CodeUnknown(DomainError):
    code = PromotionsErrorCode.CODE_UNKNOWN
    default_detail = _("This code does not exist.")


class CodeExpired(DomainError):
    code = PromotionsErrorCode.CODE_EXPIRED
    default_detail = _("This code has expired.")


class CodeNotApplicable(DomainError):
    code = PromotionsErrorCode.CODE_NOT_APPLICABLE
    default_detail = _("This code cannot be used here.")


class CodeUsed(DomainError):
    code = PromotionsErrorCode.CODE_USED
    default_detail = _("This code has already been used.")


class CampaignAlreadySent(DomainError):
    code = PromotionsErrorCode.CAMPAIGN_ALREADY_SENT
    default_detail = _("This campaign is already being sent or was sent.")


class InvalidPromotion(DomainError):
    code = ErrorCode.INVALID  # a field-level refusal, answered like a validation error
    status = status.HTTP_400_BAD_REQUEST
    default_detail = _("This promotion is not valid.")


class PromotionNotRunning(DomainError):
    code = PromotionsErrorCode.PROMOTION_NOT_RUNNING
    default_detail = _("This promotion has ended or is inactive.")


class NoTestAddress(DomainError):
    code = PromotionsErrorCode.NO_TEST_ADDRESS
    status = 400
    default_detail = _("Your account has no e-mail address for the test to go to.")
