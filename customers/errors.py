"""The customers app's refusals; ``code`` is the contract's snake_case code."""

from django.utils.translation import gettext_lazy as _

from omni.errors import DomainError


class AmbiguousCustomer(DomainError):
    code = "ambiguous_customer"
    default_detail = _("These identifiers belong to different customers; merge them first.")


class IdentifierRequired(DomainError):
    code = "identifier_required"
    status = 400
    default_detail = _("Give at least one of e-mail, phone or loyalty card.")


class InvalidIdentifier(DomainError):
    code = "invalid"
    status = 400
    default_detail = _("This identifier is not valid.")


class IdentifierInUse(DomainError):
    code = "identifier_in_use"
    default_detail = _("Another customer already has this identifier.")


class CustomerErased(DomainError):
    code = "customer_erased"
    default_detail = _("This customer's personal data was erased.")


class MergeNotAllowed(DomainError):
    code = "merge_not_allowed"
    default_detail = _("These customers cannot be merged.")


class InvalidSegmentRules(DomainError):
    code = "invalid_segment_rules"
    status = 400
    default_detail = _("The segment rules are not valid.")


class InvalidVerificationCode(DomainError):
    code = "invalid_verification_code"
    default_detail = _("This is not the code we sent. Check the latest message and try again.")


class VerificationLocked(DomainError):
    code = "verification_locked"
    status = 429
    default_detail = _("Too many attempts: ask for a new code in a few minutes.")
