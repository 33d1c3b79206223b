"""The customers app's refusals; ``code`` is the contract's snake_case code."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from omni.errors import DomainError, ErrorCode


class CustomersErrorCode(StrEnum):
    """Every code the customers app's refusals answer with (the contract's snake_case codes)."""

    AMBIGUOUS_CUSTOMER = "ambiguous_customer"
    IDENTIFIER_REQUIRED = "identifier_required"
    IDENTIFIER_IN_USE = "identifier_in_use"
    CUSTOMER_ERASED = "customer_erased"
    MERGE_NOT_ALLOWED = "merge_not_allowed"
    INVALID_SEGMENT_RULES = "invalid_segment_rules"
    INVALID_VERIFICATION_CODE = "invalid_verification_code"
    VERIFICATION_LOCKED = "verification_locked"


class AmbiguousCustomer(DomainError):
    code = CustomersErrorCode.AMBIGUOUS_CUSTOMER
    default_detail = _("These identifiers belong to different customers; merge them first.")


class IdentifierRequired(DomainError):
    code = CustomersErrorCode.IDENTIFIER_REQUIRED
    status = 400
    default_detail = _("Give at least one of e-mail, phone or loyalty card.")


class InvalidIdentifier(DomainError):
    code = ErrorCode.INVALID  # a field-level refusal, answered like a validation error
    status = 400
    default_detail = _("This identifier is not valid.")


class IdentifierInUse(DomainError):
    code = CustomersErrorCode.IDENTIFIER_IN_USE
    default_detail = _("Another customer already has this identifier.")


class CustomerErased(DomainError):
    code = CustomersErrorCode.CUSTOMER_ERASED
    default_detail = _("This customer's personal data was erased.")


class MergeNotAllowed(DomainError):
    code = CustomersErrorCode.MERGE_NOT_ALLOWED
    default_detail = _("These customers cannot be merged.")


class InvalidSegmentRules(DomainError):
    code = CustomersErrorCode.INVALID_SEGMENT_RULES
    status = 400
    default_detail = _("The segment rules are not valid.")


class InvalidVerificationCode(DomainError):
    code = CustomersErrorCode.INVALID_VERIFICATION_CODE
    default_detail = _("This is not the code we sent. Check the latest message and try again.")


class VerificationLocked(DomainError):
    code = CustomersErrorCode.VERIFICATION_LOCKED
    status = 429
    default_detail = _("Too many attempts: ask for a new code in a few minutes.")
