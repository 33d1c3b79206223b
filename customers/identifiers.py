"""Normalising the identifiers a customer is recognised by.

E-mail: trimmed and lower-cased. Phone: E.164 through ``phonenumbers`` with the default
region ``OMNI_PHONE_REGION`` (``06 12 34 56 78``, ``+33612345678`` and
``0033 6 12 34 56 78`` are one number). Loyalty card: upper-case, without spaces or dashes.
"""

from __future__ import annotations

import re

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

CARD_PATTERN = re.compile(r"^[A-Z0-9]{4,32}$")
CARD_NOISE = re.compile(r"[\s\-.]")


def normalise_email(value: str | None) -> str | None:
    if value is None:
        return None
    value = str(value).strip().lower()
    if not value:
        return None
    if len(value) > 254:
        raise ValidationError(_("Enter a valid e-mail address."), code="invalid")
    validate_email(value)
    return value


def normalise_phone(value: str | None, region: str | None = None) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    region = region or settings.OMNI_PHONE_REGION
    if value.startswith("00"):
        # International prefix written the European way: 0033 6 12 34 56 78.
        value = "+" + value[2:]
    try:
        number = phonenumbers.parse(value[:40], region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("Enter a valid phone number."), code="invalid") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Enter a valid phone number."), code="invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_card(value: str | None) -> str | None:
    if value is None:
        return None
    value = CARD_NOISE.sub("", str(value)).upper()
    if not value:
        return None
    if not CARD_PATTERN.match(value):
        raise ValidationError(_("A loyalty card number is 4 to 32 letters or digits."), code="invalid")
    return value


def phone_digits_for_search(query: str) -> str | None:
    """The national significant digits a partial phone query stands for, or None."""
    compact = re.sub(r"[\s.\-()/]", "", query)
    if not re.fullmatch(r"\+?\d{4,20}", compact):
        return None
    try:
        return normalise_phone(compact)
    except ValidationError:
        pass
    digits = compact.lstrip("+")
    if digits.startswith("00"):
        digits = digits[2:]
    return digits.lstrip("0") or None


def format_phone(value: str | None) -> str:
    """An E.164 number as people read it (national format at home, international abroad)."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    if phonenumbers.region_code_for_number(number) == settings.OMNI_PHONE_REGION:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
