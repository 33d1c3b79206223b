"""Conditions: which promotions may apply to a cart, whatever they end up giving."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from .benefits import BENEFITS
from .specs import LineInput, PromotionSpec


def applicable(
    promotions: Iterable[PromotionSpec],
    *,
    lines: Sequence[LineInput],
    channel: str | None,
    segment_ids: Iterable[int],
    unlocked: Iterable[str],
    now: datetime,
    subtotal: Decimal,
) -> list[PromotionSpec]:
    """The promotions that may apply to this cart, whatever they end up giving."""
    segment_ids = frozenset(segment_ids)
    unlocked = frozenset(unlocked)
    skus = {line.sku for line in lines}
    categories = {line.category for line in lines if line.category}
    chosen = []
    for spec in promotions:
        if not spec.is_active or spec.kind not in BENEFITS:
            continue
        if spec.is_targeted and spec.skus.isdisjoint(skus) and spec.categories.isdisjoint(categories):
            continue
        if not (spec.is_for_channel(channel) and spec.is_running(now) and spec.is_for_segments(segment_ids)):
            continue
        if spec.requires_code and spec.id not in unlocked:
            continue
        if spec.min_subtotal is not None and subtotal < spec.min_subtotal:
            continue
        chosen.append(spec)
    return chosen
