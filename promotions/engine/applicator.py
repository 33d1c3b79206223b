"""The applicator: the combining rule, from the applicable promotions to a ``PricedCart``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from omni.money import ZERO, currency, to_money

from .basis import basis_for
from .benefits import HUNDRED, Shares, apply
from .conditions import applicable
from .results import AppliedDiscount, PricedCart, PricedLine
from .specs import AMOUNT, BUY_X_GET_Y, PERCENT, LineInput, PromotionSpec

HALF_CENT = Decimal("0.005")
# Each promotion applied, with its discount per line index.
Results = list[tuple[PromotionSpec, Shares]]


class Cart:
    """The lines indexed by SKU and category, with their amounts computed once: a
    promotion finds its lines without scanning the cart."""

    def __init__(self, lines: Sequence[LineInput]) -> None:
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
            indexes: set[int] = set()
            for sku in spec.skus:
                indexes.update(self.by_sku.get(sku, ()))
            for category in spec.categories:
                indexes.update(self.by_category.get(category, ()))
            found = self._targeted[spec.id] = sorted(indexes)
        return found

    def run(self, specs: Sequence[PromotionSpec]) -> tuple[Decimal, Results]:
        """Apply ``specs`` one after another, each on what the previous left."""
        left = self.base[:]
        results: Results = []
        total = ZERO
        for spec in specs:
            shares = apply(spec, self.lines, left, self.targeted(spec))
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


def priority_order(spec: PromotionSpec) -> tuple[int, str]:
    return (-spec.priority, spec.id)


def best_single(cart: Cart, specs: Sequence[PromotionSpec]) -> tuple[Decimal, Results]:
    """The non-stackable promotion that gives the most on its own (ties: the higher
    priority, then the smaller id). Promotions whose upper bound cannot beat the best so
    far are not applied: same answer, a fraction of the work with many promotions."""
    bounded = sorted(
        ((cart.most_possible(spec), priority_order(spec), spec) for spec in specs), key=lambda item: (-item[0], item[1])
    )
    best_total, best = ZERO, []
    best_key: tuple[int, str] | None = None
    for bound, key, spec in bounded:
        if bound < best_total or bound == ZERO:
            break  # sorted by bound: nothing after this can win
        if bound == best_total and best_key is not None and key > best_key:
            continue
        total, results = cart.run([spec])
        if total > best_total or (total == best_total and total > ZERO and best_key is not None and key < best_key):
            best_total, best_key, best = total, key, results
    return best_total, best


def combine(cart: Cart, chosen: Sequence[PromotionSpec]) -> Results:
    """The better of all the stackable promotions one after another and the best single
    non-stackable one."""
    stacked_total, stacked = cart.run(sorted((spec for spec in chosen if spec.stackable), key=priority_order))
    best_total, best = best_single(cart, [spec for spec in chosen if not spec.stackable])
    return best if best_total > stacked_total else stacked


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
    segment_ids = frozenset(segment_ids)
    cart = Cart(lines)
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
    results = combine(cart, chosen)
    discounts, line_discounts = _discounts(results, lines, codes)
    discount_total = sum(line_discounts, ZERO)
    return PricedCart(
        lines=_priced_lines(cart, line_discounts),
        codes=list(codes),
        subtotal=subtotal,
        discount_total=discount_total,
        total=subtotal - discount_total,
        currency=currency(),
        discounts=discounts,
        segment_ids=segment_ids,
        code_promotions=codes,
        basis=basis_for(lines, chosen, channel=channel, at=now, segment_ids=segment_ids, codes=codes),
    )


def _discounts(
    results: Results, lines: Sequence[LineInput], codes: Mapping[str, str]
) -> tuple[list[AppliedDiscount], list[Decimal]]:
    """Each promotion applied, named by the first code entered for it, and each line's
    total discount."""
    code_for: dict[str, str] = {}
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
    return discounts, line_discounts


def _priced_lines(cart: Cart, line_discounts: Sequence[Decimal]) -> list[PricedLine]:
    return [
        PricedLine(
            sku=line.sku,
            name=line.name,
            quantity=line.quantity,
            unit_price=to_money(line.unit_price),
            discount=line_discounts[index],
            total=cart.base[index] - line_discounts[index],
        )
        for index, line in enumerate(cart.lines)
    ]
