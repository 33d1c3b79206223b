"""The pricing engine: the one place where a cart's prices and discounts are computed.

Two layers:

- ``price(...)`` is pure: lines with their unit prices, the channel, the customer's
  segment ids, the codes already validated (code -> promotion id), ``now`` and the
  promotions already loaded as ``PromotionSpec`` go in; a ``PricedCart`` comes out. No
  database access, so a quote, a cart and the order it becomes agree to the cent, and the
  engine can be tested and benchmarked on its own.
- ``price_cart(...)`` is the thin loader that orders, carts and the quote endpoint call:
  it loads products, channel prices, active promotions, the customer's segments and the
  entered codes in a constant number of queries, refuses bad codes with the contract's
  errors and calls ``price``.

The combining rule (api-contract.md, Promotions): applicable stackable promotions apply
one after another by descending priority, each on what the previous ones left; a
non-stackable promotion applies alone; the customer gets the better of the best single
non-stackable promotion and all the stackable ones together. Each promotion's discount
on a line is rounded half-up to the cent (``omni.money.to_money``) and a line never goes
below zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from omni.money import ZERO, currency, to_money

PERCENT = "percent"
AMOUNT = "amount"
FIXED_PRICE = "fixed_price"
BUY_X_GET_Y = "buy_x_get_y"
KINDS = (PERCENT, AMOUNT, FIXED_PRICE, BUY_X_GET_Y)
HUNDRED = Decimal(100)
HALF_CENT = Decimal("0.005")


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

    def is_used_up(self, usage, *, has_customer: bool) -> bool:
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
            text = _("%(value)s %(currency)s off") % {"value": to_money(value), "currency": currency()}
        elif self.kind == FIXED_PRICE:
            text = _("each item at %(value)s %(currency)s") % {"value": to_money(value), "currency": currency()}
        else:
            text = _("buy %(buy)s, get %(get)s free") % {"buy": self.buy_quantity, "get": self.get_quantity}
        targets = sorted(self.categories) + sorted(self.skus)
        if targets:
            text += " " + _("on %(targets)s") % {"targets": ", ".join(targets[:5]) + ("…" if len(targets) > 5 else "")}
        return text

    @classmethod
    def from_values(cls, row: Mapping, segment_ids: Iterable[int] = ()) -> PromotionSpec:
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
    "id", "name", "kind", "value", "buy_quantity", "get_quantity", "channels", "starts_at", "ends_at", "skus",
    "categories", "min_subtotal", "requires_code", "code", "priority", "stackable", "is_active", "usage_limit",
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


@dataclass
class PricedLine:
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    discount: Decimal
    total: Decimal

    def as_dict(self) -> dict:
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

    def as_dict(self) -> dict:
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

    def as_dict(self) -> dict:
        """The contract's priced structure (amounts as Decimal; serializers format them)."""
        return {
            "lines": [line.as_dict() for line in self.lines],
            "codes": list(self.codes),
            "subtotal": self.subtotal,
            "discount_total": self.discount_total,
            "total": self.total,
            "currency": self.currency,
            "discounts": [discount.as_dict() for discount in self.discounts],
        }


# --- benefits: one promotion on the amounts that are left -----------------------------------
def _percent(spec: PromotionSpec, lines: Sequence[LineInput], left: list[Decimal], targeted: list[int]) -> dict:
    rate = (spec.value or ZERO) / HUNDRED
    return {index: to_money(left[index] * rate) for index in targeted}


def _amount(spec: PromotionSpec, lines: Sequence[LineInput], left: list[Decimal], targeted: list[int]) -> dict:
    """``value`` off the targeted lines' total, shared in proportion to what each line has left."""
    base = sum((left[index] for index in targeted), ZERO)
    wanted = min(to_money(spec.value or ZERO), base)
    if wanted <= ZERO:
        return {}
    shares = {index: min(left[index], to_money(wanted * left[index] / base)) for index in targeted}
    # Rounding each share may leave or overshoot a cent or two: settle it on the lines
    # with the most left, so that the promotion gives exactly ``wanted`` in total.
    difference = wanted - sum(shares.values(), ZERO)
    step = Decimal("0.01") if difference > 0 else Decimal("-0.01")
    for index in sorted(targeted, key=lambda i: (-left[i], i)):
        while difference != ZERO and ZERO <= shares[index] + step <= left[index]:
            shares[index] += step
            difference -= step
        if difference == ZERO:
            break
    return shares


def _fixed_price(spec: PromotionSpec, lines: Sequence[LineInput], left: list[Decimal], targeted: list[int]) -> dict:
    price = to_money(spec.value or ZERO)
    return {index: max(ZERO, left[index] - to_money(price * lines[index].quantity)) for index in targeted}


def _buy_x_get_y(spec: PromotionSpec, lines: Sequence[LineInput], left: list[Decimal], targeted: list[int]) -> dict:
    """For every ``buy + get`` targeted units, the ``get`` cheapest are free."""
    group = (spec.buy_quantity or 0) + (spec.get_quantity or 0)
    units = sum(lines[index].quantity for index in targeted)
    if not spec.get_quantity or group <= 0 or units < group:
        return {}
    free = units // group * spec.get_quantity
    # Cheapest first, by what a unit of the line still costs; ties by cart order.
    by_price = sorted(targeted, key=lambda i: (left[i] / lines[i].quantity, i))
    shares: dict[int, Decimal] = {}
    for index in by_price:
        if free <= 0:
            break
        quantity = lines[index].quantity
        taken = min(free, quantity)
        free -= taken
        shares[index] = left[index] if taken == quantity else to_money(left[index] * taken / quantity)
    return shares


BENEFITS = {PERCENT: _percent, AMOUNT: _amount, FIXED_PRICE: _fixed_price, BUY_X_GET_Y: _buy_x_get_y}


def _apply(
    spec: PromotionSpec, lines: Sequence[LineInput], left: list[Decimal], targeted: Sequence[int]
) -> dict[int, Decimal]:
    """The discount per line index of one promotion, never more than a line has left."""
    targeted = [index for index in targeted if left[index] > ZERO]
    if not targeted:
        return {}
    shares = BENEFITS[spec.kind](spec, lines, left, targeted)
    return {index: min(amount, left[index]) for index, amount in shares.items() if amount > ZERO}


class _Cart:
    """The lines indexed by SKU and category, with their amounts computed once: a
    promotion finds its lines without scanning the cart."""

    def __init__(self, lines: Sequence[LineInput]):
        self.lines = lines
        self.base = [line.amount for line in lines]
        self.every = list(range(len(lines)))
        self.by_sku: dict[str, list[int]] = {}
        self.by_category: dict[str, list[int]] = {}
        for index, line in enumerate(lines):
            self.by_sku.setdefault(line.sku, []).append(index)
            if line.category:
                self.by_category.setdefault(line.category, []).append(index)
        self._targeted: dict[str, list[int]] = {}

    def targeted(self, spec: PromotionSpec) -> list[int]:
        if not spec.is_targeted:
            return self.every
        found = self._targeted.get(spec.id)
        if found is None:
            indexes = set()
            for sku in spec.skus:
                indexes.update(self.by_sku.get(sku, ()))
            for category in spec.categories:
                indexes.update(self.by_category.get(category, ()))
            found = self._targeted[spec.id] = sorted(indexes)
        return found

    def run(self, specs: Sequence[PromotionSpec]) -> tuple[Decimal, list[tuple]]:
        """Apply ``specs`` one after another, each on what the previous left."""
        left = self.base[:]
        results = []
        total = ZERO
        for spec in specs:
            shares = _apply(spec, self.lines, left, self.targeted(spec))
            if not shares:
                continue
            for index, amount in shares.items():
                left[index] -= amount
            total += sum(shares.values(), ZERO)
            results.append((spec, shares))
        return total, results

    def most_possible(self, spec: PromotionSpec) -> Decimal:
        """An upper bound of what ``spec`` alone can give, cheaper than applying it."""
        targeted = self.targeted(spec)
        base = sum((self.base[index] for index in targeted), ZERO)
        if spec.kind == PERCENT:
            # half-up rounding adds at most half a cent per line
            return min(base, base * (spec.value or ZERO) / HUNDRED + HALF_CENT * len(targeted))
        if spec.kind == AMOUNT:
            return min(base, to_money(spec.value or ZERO))
        if spec.kind == BUY_X_GET_Y:
            group = (spec.buy_quantity or 0) + (spec.get_quantity or 0)
            units = sum(self.lines[index].quantity for index in targeted)
            if group <= 0 or units < group:
                return ZERO
            dearest = max(self.base[index] / self.lines[index].quantity for index in targeted)
            return min(base, dearest * (units // group * (spec.get_quantity or 0)) + HALF_CENT * len(targeted))
        return base


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


def _order(spec: PromotionSpec) -> tuple:
    return (-spec.priority, spec.id)


def _best_single(cart: _Cart, specs: Sequence[PromotionSpec]) -> tuple[Decimal, list[tuple]]:
    """The non-stackable promotion that gives the most on its own (ties: the higher
    priority, then the smaller id). Promotions whose upper bound cannot beat the best so
    far are not applied: same answer, a fraction of the work with many promotions."""
    bounded = sorted(((cart.most_possible(spec), _order(spec), spec) for spec in specs),
                     key=lambda item: (-item[0], item[1]))
    best_total, best_key, best = ZERO, None, []
    for bound, key, spec in bounded:
        if bound < best_total or bound == ZERO:
            break  # sorted by bound: nothing after this can win
        if bound == best_total and best_key is not None and key > best_key:
            continue
        total, results = cart.run([spec])
        if total > best_total or (total == best_total and total > ZERO and best_key is not None and key < best_key):
            best_total, best_key, best = total, key, results
    return best_total, best


def price(
    *,
    lines: Sequence[LineInput],
    channel: str | None,
    promotions: Iterable[PromotionSpec],
    now: datetime,
    segment_ids: Iterable[int] = (),
    codes: Mapping[str, str] | None = None,
) -> PricedCart:
    """Price ``lines`` on ``channel``. ``codes`` maps each entered, already validated code
    to the id of the promotion it unlocks."""
    codes = dict(codes or {})
    cart = _Cart(lines)
    subtotal = sum(cart.base, ZERO)
    chosen = applicable(
        promotions,
        lines=lines,
        channel=channel,
        segment_ids=segment_ids,
        unlocked=codes.values(),
        now=now,
        subtotal=subtotal,
    )
    stacked_total, stacked = cart.run(sorted((spec for spec in chosen if spec.stackable), key=_order))
    best_total, best = _best_single(cart, [spec for spec in chosen if not spec.stackable])
    results = best if best_total > stacked_total else stacked

    code_for = {}
    for code, promotion_id in codes.items():
        code_for.setdefault(promotion_id, code)
    line_discounts = [ZERO] * len(lines)
    discounts = []
    for spec, shares in results:
        for index, amount in shares.items():
            line_discounts[index] += amount
        discounts.append(
            AppliedDiscount(
                promotion=spec.id,
                name=spec.name,
                amount=sum(shares.values(), ZERO),
                explanation=spec.explanation(),
                code=code_for.get(spec.id),
                lines={lines[index].sku: amount for index, amount in sorted(shares.items())},
                limited=spec.usage_limit is not None or spec.per_customer_limit is not None,
            )
        )
    priced_lines = [
        PricedLine(
            sku=line.sku,
            name=line.name,
            quantity=line.quantity,
            unit_price=to_money(line.unit_price),
            discount=line_discounts[index],
            total=cart.base[index] - line_discounts[index],
        )
        for index, line in enumerate(lines)
    ]
    discount_total = sum(line_discounts, ZERO)
    return PricedCart(
        lines=priced_lines,
        codes=list(codes),
        subtotal=subtotal,
        discount_total=discount_total,
        total=subtotal - discount_total,
        currency=currency(),
        discounts=discounts,
        segment_ids=frozenset(segment_ids),
        code_promotions=codes,
    )


# --- the loader: what orders, carts and quotes call ------------------------------------------
def price_cart(
    *, lines, channel: str | None, customer=None, codes=(), now: datetime | None = None, products=None
) -> PricedCart:
    """Price ``lines`` (``[{"sku", "quantity"}]``, a SKU given twice counts once with the
    quantities added) on ``channel`` for ``customer`` with the entered ``codes``.

    ``products`` (by SKU, with their channel prices prefetched, as
    ``inventory.selectors.products_by_sku`` gives them) saves reading them when the caller
    already did. Raises ``inventory.errors.UnknownProduct`` (with ``sku`` and ``index``)
    for a SKU that is not an active product, and the contract's code errors for a refused
    code. Costs at most eight queries whatever the number of lines, promotions and codes.
    """
    # The loader reads the database; the engine above does not.
    from django.utils import timezone

    from inventory.errors import UnknownProduct
    from inventory.selectors import price_for, products_by_sku

    from .selectors import codes_check, codes_load, customer_segment_ids, limited_ids, running_specs, usage_for

    now = now or timezone.now()
    quantities: dict[str, int] = {}
    first_index: dict[str, int] = {}
    for index, line in enumerate(lines):
        sku = str(line["sku"])
        quantities[sku] = quantities.get(sku, 0) + int(line["quantity"])
        first_index.setdefault(sku, index)
    if products is None:
        products = products_by_sku(skus=list(quantities))
    inputs = []
    for sku, quantity in quantities.items():
        product = products.get(sku)
        if product is None or not product.is_active:
            raise UnknownProduct(sku=sku, index=first_index[sku])
        inputs.append(
            LineInput(
                sku=sku,
                name=product.name,
                category=product.category or "",
                quantity=quantity,
                unit_price=price_for(product, channel),
            )
        )
    segment_ids = customer_segment_ids(customer)
    loaded = codes_load(codes)
    specs = running_specs(now=now)
    # One read of the counted uses decides both whether an entered code is accepted and
    # whether its promotion still applies: two reads let an order committed in between
    # accept a code and then drop its promotion, a full-price order carrying the code.
    counted = set(limited_ids(specs)) | set(limited_ids(promotion for promotion, _code in loaded.values()))
    usage = usage_for(promotion_ids=sorted(counted), customer=customer) if counted else {}
    resolved = codes_check(loaded=loaded, channel=channel, customer=customer, segment_ids=segment_ids, now=now,
                           usage=usage)
    specs = [spec for spec in specs if not spec.is_used_up(usage.get(spec.id), has_customer=customer is not None)]
    return price(lines=inputs, channel=channel, promotions=specs, now=now, segment_ids=segment_ids, codes=resolved)
