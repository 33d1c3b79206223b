"""What goes into the engine: the promotions as ``PromotionSpec`` and the cart's lines as
``LineInput`` (no database: the loader builds them from rows)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from django.utils.translation import gettext as _

from omni.money import ZERO, money_text, to_money

PERCENT = "percent"
AMOUNT = "amount"
FIXED_PRICE = "fixed_price"
BUY_X_GET_Y = "buy_x_get_y"
KINDS = (PERCENT, AMOUNT, FIXED_PRICE, BUY_X_GET_Y)


class Usage(Protocol):
    """A promotion's counted uses (``promotions.codes.Usage``, read by the loader)."""

    @property
    def total(self) -> int: ...

    @property
    def by_customer(self) -> int: ...


@dataclass(frozen=True)
class PromotionSpec:
    """What the engine needs to know about one promotion (built from a ``Promotion`` row
    by ``PromotionSpec.from_values`` or directly in tests)."""

    id: str
    name: str
    kind: str
    value: Decimal | None = None
    buy_quantity: int | None = None
    get_quantity: int | None = None
    channels: frozenset[str] = frozenset()
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    skus: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    min_subtotal: Decimal | None = None
    segment_ids: frozenset[int] = frozenset()
    requires_code: bool = False
    priority: int = 0
    stackable: bool = False
    is_active: bool = True
    # Read by the loader, which drops used-up promotions before pricing.
    usage_limit: int | None = None
    per_customer_limit: int | None = None

    def is_used_up(self, usage: Usage | None, *, has_customer: bool) -> bool:
        if usage is None:
            return False
        if self.usage_limit is not None and usage.total >= self.usage_limit:
            return True
        return has_customer and self.per_customer_limit is not None and usage.by_customer >= self.per_customer_limit

    @property
    def is_targeted(self) -> bool:
        return bool(self.skus or self.categories)

    def targets(self, line: LineInput) -> bool:
        if not self.is_targeted or line.sku in self.skus:
            return True
        return bool(line.category) and line.category in self.categories

    def is_running(self, now: datetime) -> bool:
        """Starts inclusive, ends exclusive: a promotion ending at midnight is over at midnight."""
        return (self.starts_at is None or self.starts_at <= now) and (self.ends_at is None or now < self.ends_at)

    def is_for_channel(self, channel: str | None) -> bool:
        return not self.channels or channel in self.channels

    def is_for_segments(self, segment_ids: Iterable[int]) -> bool:
        return not self.segment_ids or not self.segment_ids.isdisjoint(segment_ids)

    def explanation(self) -> str:
        value = self.value if self.value is not None else ZERO
        if self.kind == PERCENT:
            text = _("%(value)s%% off") % {"value": format(value.normalize(), "f")}
        elif self.kind == AMOUNT:
            text = _("%(amount)s off") % {"amount": money_text(value)}
        elif self.kind == FIXED_PRICE:
            text = _("each item at %(amount)s") % {"amount": money_text(value)}
        else:
            text = _("buy %(buy)s, get %(get)s free") % {"buy": self.buy_quantity, "get": self.get_quantity}
        targets = sorted(self.categories) + sorted(self.skus)
        if targets:
            text += " " + _("on %(targets)s") % {"targets": ", ".join(targets[:5]) + ("…" if len(targets) > 5 else "")}
        return text

    @classmethod
    def from_values(cls, row: Mapping[str, Any], segment_ids: Iterable[int] = ()) -> PromotionSpec:
        """From a ``Promotion.objects.values(...)`` row (see ``SPEC_FIELDS``)."""
        return cls(
            id=str(row["id"]),
            name=row["name"],
            kind=row["kind"],
            value=row["value"],
            buy_quantity=row["buy_quantity"],
            get_quantity=row["get_quantity"],
            channels=frozenset(row["channels"] or ()),
            starts_at=row["starts_at"],
            ends_at=row["ends_at"],
            skus=frozenset(row["skus"] or ()),
            categories=frozenset(row["categories"] or ()),
            min_subtotal=row["min_subtotal"],
            segment_ids=frozenset(segment_ids),
            requires_code=row["requires_code"] or bool(row["code"]),
            priority=row["priority"],
            stackable=row["stackable"],
            is_active=row["is_active"],
            usage_limit=row["usage_limit"],
            per_customer_limit=row["per_customer_limit"],
        )


SPEC_FIELDS = (
    "id",
    "name",
    "kind",
    "value",
    "buy_quantity",
    "get_quantity",
    "channels",
    "starts_at",
    "ends_at",
    "skus",
    "categories",
    "min_subtotal",
    "requires_code",
    "code",
    "priority",
    "stackable",
    "is_active",
    "usage_limit",
    "per_customer_limit",
)


@dataclass(frozen=True)
class LineInput:
    sku: str
    name: str
    category: str
    quantity: int
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return to_money(self.unit_price * self.quantity)
