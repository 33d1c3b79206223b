"""Discount codes: their alphabet, their normal form and the rules that decide whether an
entered code may be used. Shared by the pricing loader (quotes, carts) and by the
redemption services, so that a code refused at checkout was refused in the cart too."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from .errors import CodeExpired, CodeNotApplicable, CodeUsed

# Easy to read aloud and to type on a phone: no 0/O, no 1/I (32 symbols, 5 bits each).
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
RANDOM_LENGTH = 10  # 50 bits: guessing one of a million live codes takes ~10^9 tries
PREFIX_PATTERN = re.compile(r"^[A-Z0-9]{0,12}-?$")
MAX_CODE_LENGTH = 40


def normalise_code(code: str) -> str:
    """Upper-case, without spaces: what a shopper types is what we stored."""
    return re.sub(r"[\s\x00]+", "", str(code or "")).upper()[: MAX_CODE_LENGTH + 1]


def normalise_prefix(prefix: str) -> str:
    prefix = normalise_code(prefix)
    if prefix and not prefix.endswith("-"):
        prefix += "-"
    return prefix


def is_valid_prefix(prefix: str) -> bool:
    return bool(PREFIX_PATTERN.match(normalise_code(prefix)))


def random_code(prefix: str = "") -> str:
    return normalise_prefix(prefix) + "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))


@dataclass(frozen=True)
class Usage:
    total: int = 0  # unreleased redemptions of the promotion, all customers
    by_customer: int = 0  # ... by this customer


def check_usable(
    *,
    code: str,
    promotion,
    discount_code=None,
    channel: str | None,
    segment_ids: frozenset[int],
    has_customer: bool,
    now: datetime,
    usage: Usage,
) -> None:
    """Raise the contract's error if ``code`` (for ``promotion``) may not be used now."""
    if discount_code is not None and discount_code.state == discount_code.State.DISABLED:
        raise CodeExpired(_("The code %(code)s was withdrawn.") % {"code": code}, code_value=code)
    if not promotion.is_active or (promotion.ends_at is not None and promotion.ends_at <= now):
        raise CodeExpired(_("The code %(code)s has expired.") % {"code": code}, code_value=code)
    if promotion.starts_at is not None and now < promotion.starts_at:
        raise CodeNotApplicable(_("The code %(code)s is not valid yet.") % {"code": code}, code_value=code)
    channels = promotion.channels or []
    if channels and channel not in channels:
        raise CodeNotApplicable(
            _("The code %(code)s is not valid on this channel.") % {"code": code}, code_value=code, channels=channels
        )
    promotion_segments = _segment_ids(promotion)
    if promotion_segments and promotion_segments.isdisjoint(segment_ids):
        raise CodeNotApplicable(_("The code %(code)s is reserved for other customers.") % {"code": code},
                                code_value=code)
    if discount_code is not None and discount_code.single_use and discount_code.state == discount_code.State.REDEEMED:
        raise CodeUsed(_("The code %(code)s has already been used.") % {"code": code}, code_value=code)
    if promotion.usage_limit is not None and usage.total >= promotion.usage_limit:
        raise CodeUsed(_("The code %(code)s has been used up.") % {"code": code}, code_value=code)
    if has_customer and promotion.per_customer_limit is not None and usage.by_customer >= promotion.per_customer_limit:
        raise CodeUsed(_("You have already used the code %(code)s.") % {"code": code}, code_value=code)


def _segment_ids(promotion) -> frozenset[int]:
    cached = getattr(promotion, "loaded_segment_ids", None)
    if cached is not None:
        return cached
    return frozenset(segment.pk for segment in promotion.segments.all())
