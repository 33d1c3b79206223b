"""What comes out of the engine: the priced cart, its lines and the discounts applied."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .basis import PricingBasis


@dataclass
class PricedLine:
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    discount: Decimal
    total: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {
            "sku": self.sku,
            "name": self.name,
            "quantity": self.quantity,
            "unit_price": self.unit_price,
            "discount": self.discount,
            "total": self.total,
        }


@dataclass
class AppliedDiscount:
    promotion: str  # the promotion's id
    name: str
    amount: Decimal
    explanation: str
    code: str | None = None
    lines: dict[str, Decimal] = field(default_factory=dict)  # sku -> discount on that line
    limited: bool = False  # its uses are counted (a usage limit): recording re-checks them under a lock

    def as_dict(self) -> dict[str, Any]:
        return {
            "promotion": self.promotion,
            "name": self.name,
            "amount": self.amount,
            "explanation": self.explanation,
            "code": self.code,
        }


@dataclass
class PricedCart:
    lines: list[PricedLine]
    codes: list[str]
    subtotal: Decimal
    discount_total: Decimal
    total: Decimal
    currency: str
    discounts: list[AppliedDiscount]
    # The customer's segments it was priced for: recording its discounts checks them again
    # in the same transaction without reading them twice.
    segment_ids: frozenset[int] = frozenset()
    # Each entered code -> the promotion it unlocked, applied or not: recording the order
    # judges every entered code again under its promotion's lock.
    code_promotions: dict[str, str] = field(default_factory=dict)
    # What it was priced from, kept on the order it becomes (a return prices it again).
    basis: PricingBasis | None = None
    # Loyalty points spent on it and what they took off ``total`` (after promotions); set
    # by the loader (``promotions.pricing.with_points``), never by the engine.
    loyalty_points: int = 0
    loyalty_discount: Decimal = Decimal("0.00")

    def as_dict(self) -> dict[str, Any]:
        """The contract's priced structure (amounts as Decimal; serializers format them)."""
        return {
            "lines": [line.as_dict() for line in self.lines],
            "codes": list(self.codes),
            "subtotal": self.subtotal,
            "discount_total": self.discount_total,
            "total": self.total,
            "currency": self.currency,
            "discounts": [discount.as_dict() for discount in self.discounts],
            "loyalty_points": self.loyalty_points,
            "loyalty_discount": self.loyalty_discount,
        }
