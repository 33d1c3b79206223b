"""API rates as DRF writes them (``"600/min"``, ``"2000/s"``), and ``"none"`` for no limit."""

from __future__ import annotations

from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

UNLIMITED = "none"
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@lru_cache(maxsize=256)
def parse_rate(rate: str) -> tuple[int, int] | None:
    """``(requests, seconds)`` of a rate, or None for ``"none"``; ValueError if malformed."""
    if rate.strip().lower() == UNLIMITED:
        return None
    requests, _slash, period = rate.partition("/")
    if not requests.strip().isdigit() or not period or period.strip()[0] not in PERIODS:
        raise ValueError(f"not a rate: {rate!r}")
    return int(requests), PERIODS[period.strip()[0]]


def validate_rate(value: str) -> None:
    try:
        parse_rate(value)
    except ValueError as exc:
        raise ValidationError(
            _("Write a rate as requests/period (for example 2000/s or 600/min), or none."), code="invalid"
        ) from exc
