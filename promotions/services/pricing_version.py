"""The pricing version: replaced by every change of a promotion, read by every quote."""

from __future__ import annotations

import uuid

from ..models import PricingVersion


def pricing_changed() -> None:
    """Tell every process that the promotions changed (``promotions.running`` reloads).

    Written in the caller's transaction: other processes see the new version when, and
    only when, they can see the change."""
    # One UPDATE: a bulk delete sends one signal per promotion. The row is created the
    # first time only (by a fresh database's first change).
    if not PricingVersion.objects.filter(pk=1).update(version=uuid.uuid4()):
        PricingVersion.objects.get_or_create(pk=1)
