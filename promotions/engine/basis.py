"""What an order was priced from, kept on the order so that it can be priced again.

A return refunds what was paid minus what the kept lines cost when the order is priced
again without the returned units (api-contract.md, "Returns that respect promotions"),
with the promotions and codes as they stood at placement, never today's. ``PricingBasis``
is the engine's own inputs, frozen: the lines at the prices they had, the promotions that
could apply then (``conditions.applicable``), the codes entered, the customer's segments,
the channel and the time. ``as_json`` stores it in a JSON column; ``price_kept`` runs the
same engine on fewer units, so a kept free unit stops being free and a ``min_subtotal``
no longer reached takes its discount back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils.dateparse import parse_datetime

from .results import PricedCart
from .specs import LineInput, PromotionSpec

_DECIMALS = {"value", "min_subtotal"}
_DATES = {"starts_at", "ends_at"}
_SETS = {"channels", "skus", "categories", "segment_ids"}


@dataclass(frozen=True)
class PricingBasis:
    lines: tuple[LineInput, ...]
    promotions: tuple[PromotionSpec, ...]
    channel: str | None
    at: datetime
    segment_ids: frozenset[int] = frozenset()
    codes: Mapping[str, str] | None = None  # each entered code -> the promotion it unlocked

    def price_kept(self, quantities: Mapping[str, int]) -> PricedCart:
        """The lines priced again with ``quantities`` units of each SKU (missing or 0: none
        kept) under the same promotions, codes, segments, channel and time."""
        from .applicator import price  # the applicator builds bases: imported late, no cycle

        kept = [replace(line, quantity=quantities.get(line.sku, 0)) for line in self.lines]
        return price(
            lines=[line for line in kept if line.quantity > 0],
            channel=self.channel,
            promotions=self.promotions,
            now=self.at,
            segment_ids=self.segment_ids,
            codes=self.codes,
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "channel": self.channel,
            "at": self.at.isoformat(),
            "segment_ids": sorted(self.segment_ids),
            "codes": dict(self.codes or {}),
            "lines": [
                {"sku": line.sku, "name": line.name, "category": line.category, "unit_price": str(line.unit_price)}
                for line in self.lines
            ],
            "promotions": [_spec_as_json(spec) for spec in self.promotions],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PricingBasis:
        at = parse_datetime(data["at"])
        if at is None:
            raise ValueError(f"not a time: {data['at']!r}")
        return cls(
            lines=tuple(
                LineInput(sku=line["sku"], name=line["name"], category=line["category"], quantity=0,
                          unit_price=Decimal(line["unit_price"]))
                for line in data["lines"]
            ),
            promotions=tuple(_spec_from_json(spec) for spec in data["promotions"]),
            channel=data["channel"],
            at=at,
            segment_ids=frozenset(data["segment_ids"]),
            codes=dict(data["codes"]),
        )


def basis_for(
    lines: Sequence[LineInput], promotions: Sequence[PromotionSpec], *, channel: str | None, at: datetime,
    segment_ids: frozenset[int], codes: Mapping[str, str],
) -> PricingBasis:
    return PricingBasis(lines=tuple(lines), promotions=tuple(promotions), channel=channel, at=at,
                        segment_ids=segment_ids, codes=dict(codes))


def _spec_as_json(spec: PromotionSpec) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in fields(spec):
        value = getattr(spec, field.name)
        if field.name in _SETS:
            value = sorted(value)
        elif value is not None and (field.name in _DECIMALS or field.name in _DATES):
            value = value.isoformat() if field.name in _DATES else str(value)
        data[field.name] = value
    return data


def _spec_from_json(data: Mapping[str, Any]) -> PromotionSpec:
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name in _SETS:
            value = frozenset(value)
        elif value is not None and name in _DECIMALS:
            value = Decimal(value)
        elif value is not None and name in _DATES:
            value = parse_datetime(value)
        values[name] = value
    return PromotionSpec(**values)
