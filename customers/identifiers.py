"""Normalising the identifiers a customer is recognised by.

E-mail: trimmed and lower-cased. Phone: E.164 through ``phonenumbers`` with the default
region ``OMNI_PHONE_REGION`` (``06 12 34 56 78``, ``+33612345678`` and
``0033 6 12 34 56 78`` are one number). Loyalty card: upper-case, without spaces or dashes.

The phone is a plain ``CharField`` holding E.164, normalised here with ``phonenumbers``
rather than by django-phonenumber-field: its field parses in one region only (a
Martinique mobile dialled nationally, ``0696...``, would be refused), and its model field
turns ``customer.phone`` into a ``PhoneNumber`` object that snapshots, exports, lookups
by prefix and every other app would have to convert back to the string they use.
"""

from __future__ import annotations

import re

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Regions whose numbers are dialled nationally like the home region's: French overseas
# departments share France's 0 prefix (0696... is a Martinique mobile, +596 696...).
NATIONAL_NEIGHBOURS = {"FR": ("MQ", "GP", "RE", "GF", "YT", "PM")}
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
    for candidate_region in (region, *NATIONAL_NEIGHBOURS.get(region, ())):
        try:
            number = phonenumbers.parse(value[:40], candidate_region)
        except phonenumbers.NumberParseException as exc:
            raise ValidationError(_("Enter a valid phone number."), code="invalid") from exc
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if value.startswith("+"):
            break
    raise ValidationError(_("Enter a valid phone number."), code="invalid")


def normalise_card(value: str | None) -> str | None:
    if value is None:
        return None
    value = CARD_NOISE.sub("", str(value)).upper()
    if not value:
        return None
    if not CARD_PATTERN.match(value):
        raise ValidationError(_("A loyalty card number is 4 to 32 letters or digits."), code="invalid")
    return value


def phone_query(query: str) -> Q | None:
    """What a typed phone, or the start or end of one, stands for, or None.

    A whole number in any format is matched exactly; a beginning with the national
    prefix (``06 12``) or the international one (``+33 6 12``, ``0033 6``) matches numbers
    that start so; other digits (``56 78``, the end of a number) match anywhere."""
    compact = re.sub(r"[\s.\-()/]", "", query)
    if not re.fullmatch(r"\+?\d{4,20}", compact):
        return None
    try:
        return Q(phone=normalise_phone(compact))
    except ValidationError:
        pass
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if compact.startswith("+"):
        return Q(phone__startswith=compact)
    if compact.startswith("0"):
        region_code = phonenumbers.country_code_for_region(settings.OMNI_PHONE_REGION)
        return Q(phone__startswith=f"+{region_code}{compact[1:]}")
    return Q(phone__contains=compact)


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
