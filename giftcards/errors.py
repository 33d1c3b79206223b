"""The gift cards' refusals, each with the contract's snake_case code: 409s, like discount
codes (a card is a business fact, not a malformed field), and a 429 for guessing."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from omni.errors import DomainError


class GiftCardsErrorCode(StrEnum):
    GIFT_CARD_UNKNOWN = "gift_card_unknown"
    GIFT_CARD_EXPIRED = "gift_card_expired"
    GIFT_CARD_INSUFFICIENT = "gift_card_insufficient"
    GIFT_CARD_DISABLED = "gift_card_disabled"
    GIFT_CARD_GUESSES = "gift_card_guesses"


class GiftCardUnknown(DomainError):
    code = GiftCardsErrorCode.GIFT_CARD_UNKNOWN
    default_detail = _("No gift card has this code.")


class GiftCardNotFound(GiftCardUnknown):
    """The same refusal where the code is in the URL (a balance check): 404, as every
    unknown object in a URL."""

    status = status.HTTP_404_NOT_FOUND


class GiftCardExpired(DomainError):
    code = GiftCardsErrorCode.GIFT_CARD_EXPIRED
    default_detail = _("This gift card has expired.")


class GiftCardDisabled(DomainError):
    code = GiftCardsErrorCode.GIFT_CARD_DISABLED
    default_detail = _("This gift card was disabled.")


class GiftCardInsufficient(DomainError):
    """Carries ``balance``: what the card still holds."""

    code = GiftCardsErrorCode.GIFT_CARD_INSUFFICIENT
    default_detail = _("This gift card does not hold that much.")


class TooManyGuesses(DomainError):
    """Carries ``retry_after`` (seconds), also sent as the ``Retry-After`` header."""

    code = GiftCardsErrorCode.GIFT_CARD_GUESSES
    status = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = _("Too many unknown gift card codes: try again later.")
