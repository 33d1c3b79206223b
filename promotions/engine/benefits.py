"""Benefits: what one promotion gives on the amounts the cart's lines have left, per kind.

Each benefit takes the promotion, the lines, what each line has left and the indexes of
the lines it targets (already found by the applicator), and returns the discount per
line index.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from omni.money import ZERO, to_money

from .specs import AMOUNT, BUY_X_GET_Y, FIXED_PRICE, PERCENT, LineInput, PromotionSpec

HUNDRED = Decimal(100)
# The discount per line index.
Shares = dict[int, Decimal]
Benefit = Callable[[PromotionSpec, Sequence[LineInput], list[Decimal], list[int]], Shares]


def percent_off(spec: PromotionSpec, lines: Sequence[LineInput], left: list[Decimal], targeted: list[int]) -> Shares:
    rate = (spec.value or ZERO) / HUNDRED
    return {index: to_money(left[index] * rate) for index in targeted}


def amount_off(spec: PromotionSpec, lines: Sequence[LineInput], left: list[Decimal], targeted: list[int]) -> Shares:
    """``value`` off the targeted lines' total, shared in proportion to what each line has left."""
    base = sum((left[index] for index in targeted), ZERO)
    wanted = min(to_money(spec.value or ZERO), base)
    if wanted <= ZERO:
        return {}
    shares: Shares = {index: min(left[index], to_money(wanted * left[index] / base)) for index in targeted}
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


def fixed_price(spec: PromotionSpec, lines: Sequence[LineInput], left: list[Decimal], targeted: list[int]) -> Shares:
    price = to_money(spec.value or ZERO)
    return {index: max(ZERO, left[index] - to_money(price * lines[index].quantity)) for index in targeted}


def buy_x_get_y(spec: PromotionSpec, lines: Sequence[LineInput], left: list[Decimal], targeted: list[int]) -> Shares:
    """For every ``buy + get`` targeted units, the ``get`` cheapest are free."""
    group = (spec.buy_quantity or 0) + (spec.get_quantity or 0)
    units = sum(lines[index].quantity for index in targeted)
    if not spec.get_quantity or group <= 0 or units < group:
        return {}
    free = units // group * spec.get_quantity
    # Cheapest first, by what a unit of the line still costs; ties by cart order.
    by_price = sorted(targeted, key=lambda i: (left[i] / lines[i].quantity, i))
    shares: Shares = {}
    for index in by_price:
        if free <= 0:
            break
        quantity = lines[index].quantity
        taken = min(free, quantity)
        free -= taken
        shares[index] = left[index] if taken == quantity else to_money(left[index] * taken / quantity)
    return shares


BENEFITS: dict[str, Benefit] = {
    PERCENT: percent_off,
    AMOUNT: amount_off,
    FIXED_PRICE: fixed_price,
    BUY_X_GET_Y: buy_x_get_y,
}


def apply(spec: PromotionSpec, lines: Sequence[LineInput], left: list[Decimal], targeted: Sequence[int]) -> Shares:
    """The discount per line index of one promotion, never more than a line has left."""
    targeted = [index for index in targeted if left[index] > ZERO]
    if not targeted:
        return {}
    shares = BENEFITS[spec.kind](spec, lines, left, targeted)
    return {index: min(share, left[index]) for index, share in shares.items() if share > ZERO}
