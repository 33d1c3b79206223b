"""The pure engine, with figures checked by hand."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest

from promotions.engine import LineInput, PromotionSpec, price

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def line(sku, unit_price, quantity=1, category="caps", name=None):
    return LineInput(sku=sku, name=name or sku, category=category, quantity=quantity, unit_price=D(unit_price))


def promo(id="p1", kind="percent", value="20", **kwargs):
    for name in ("skus", "categories", "channels", "segment_ids"):
        if name in kwargs:
            kwargs[name] = frozenset(kwargs[name])
    return PromotionSpec(id=id, name=kwargs.pop("name", id), kind=kind, value=D(value) if value else None, **kwargs)


def quote(lines, promotions, channel="web", **kwargs):
    return price(lines=lines, channel=channel, promotions=promotions, now=kwargs.pop("now", NOW), **kwargs)


def test_no_promotion():
    cart = quote([line("A", "10.00", 2), line("B", "5.50")], [])
    assert (cart.subtotal, cart.discount_total, cart.total) == (D("25.50"), D("0"), D("25.50"))
    assert cart.discounts == [] and cart.currency == "EUR"
    assert [(x.sku, x.total) for x in cart.lines] == [("A", D("20.00")), ("B", D("5.50"))]


def test_percent_on_a_category_only():
    cart = quote([line("CAP", "25.00", 2), line("TEE", "15.00", category="tshirts")], [promo(categories=["caps"])])
    assert [x.discount for x in cart.lines] == [D("10.00"), D("0")]
    assert (cart.subtotal, cart.discount_total, cart.total) == (D("65.00"), D("10.00"), D("55.00"))
    assert cart.discounts[0].promotion == "p1" and cart.discounts[0].amount == D("10.00")
    assert "20% off" in cart.discounts[0].explanation


def test_percent_rounds_each_line_half_up():
    # 25% of 9.86 = 2.465 -> 2.47 (half-even would give 2.46); 25% of 0.10 = 0.025 -> 0.03
    cart = quote([line("A", "9.86"), line("B", "0.10")], [promo(value="25")])
    assert [x.discount for x in cart.lines] == [D("2.47"), D("0.03")]
    assert cart.total == D("7.46")


def test_percent_on_sku_list():
    cart = quote([line("A", "10.00"), line("B", "10.00")], [promo(value="10", skus=["B"])])
    assert [x.discount for x in cart.lines] == [D("0"), D("1.00")]


def test_amount_is_shared_in_proportion_and_sums_exactly():
    # 10.00 off 3 lines of 10.00: 3.33 + 3.33 + 3.33 = 9.99, the missing cent goes to one line.
    cart = quote([line("A", "10.00"), line("B", "10.00"), line("C", "10.00")], [promo(kind="amount", value="10")])
    assert cart.discount_total == D("10.00")
    assert sorted(x.discount for x in cart.lines) == [D("3.33"), D("3.33"), D("3.34")]
    assert cart.total == D("20.00")


def test_amount_never_below_zero():
    cart = quote([line("A", "4.00")], [promo(kind="amount", value="10")])
    assert cart.lines[0].discount == D("4.00") and cart.total == D("0.00")


def test_fixed_price_per_unit():
    cart = quote([line("A", "25.00", 3), line("B", "8.00")], [promo(kind="fixed_price", value="10")])
    # A: 75.00 -> 30.00 (45.00 off); B already below 10.00: nothing
    assert [x.discount for x in cart.lines] == [D("45.00"), D("0")]
    assert cart.total == D("38.00")


def test_buy_two_get_one_free_gives_the_cheapest():
    cart = quote(
        [line("A", "30.00"), line("B", "20.00"), line("C", "10.00", 2)],
        [promo(kind="buy_x_get_y", value=None, buy_quantity=2, get_quantity=1)],
    )
    # 4 units: one group of 3, one free unit, the cheapest (a C at 10.00)
    assert [x.discount for x in cart.lines] == [D("0"), D("0"), D("10.00")]
    assert cart.total == D("60.00")


def test_buy_two_get_one_free_twice():
    cart = quote([line("A", "12.00", 6)], [promo(kind="buy_x_get_y", value=None, buy_quantity=2, get_quantity=1)])
    assert cart.lines[0].discount == D("24.00") and cart.total == D("48.00")


def test_buy_x_get_y_needs_a_full_group():
    cart = quote([line("A", "12.00", 2)], [promo(kind="buy_x_get_y", value=None, buy_quantity=2, get_quantity=1)])
    assert cart.discount_total == 0


def test_stackable_apply_in_priority_order_on_what_is_left():
    lines = [line("A", "100.00")]
    ten_off = promo("amount", kind="amount", value="10", stackable=True, priority=1)
    twenty_pct = promo("pct", value="20", stackable=True, priority=5)
    cart = quote(lines, [ten_off, twenty_pct])
    # 20% first (priority 5): 20.00, then 10.00 off the 80.00 left: 30.00 in all
    assert [(d.promotion, d.amount) for d in cart.discounts] == [("pct", D("20.00")), ("amount", D("10.00"))]
    assert cart.total == D("70.00")
    # Reverse priorities: 10.00 off first, then 20% of 90.00 = 18.00: 28.00
    cart = quote(lines, [promo("amount", kind="amount", value="10", stackable=True, priority=9), twenty_pct])
    assert cart.discount_total == D("28.00")


def test_best_of_single_non_stackable_and_all_stackable():
    lines = [line("A", "100.00")]
    stackables = [promo("s1", value="10", stackable=True), promo("s2", value="10", stackable=True)]
    # stackable together: 10.00 + 9.00 = 19.00; the non-stackable 25% gives 25.00 and wins alone
    cart = quote(lines, [*stackables, promo("solo", value="25"), promo("small", value="5")])
    assert [d.promotion for d in cart.discounts] == ["solo"] and cart.total == D("75.00")
    # with a 15% non-stackable, the stackables (19.00) win together
    cart = quote(lines, [*stackables, promo("solo", value="15")])
    assert [d.promotion for d in cart.discounts] == ["s1", "s2"] and cart.total == D("81.00")


def test_two_non_stackable_never_combine():
    cart = quote([line("A", "50.00")], [promo("a", value="10"), promo("b", kind="amount", value="8")])
    assert [d.promotion for d in cart.discounts] == ["b"] and cart.total == D("42.00")


def test_stacked_discounts_never_take_a_line_below_zero():
    cart = quote(
        [line("A", "10.00")],
        [promo("a", kind="amount", value="8", stackable=True, priority=2), promo("b", value="50", stackable=True),
         promo("c", kind="amount", value="5", stackable=True, priority=1)],
    )
    # 8.00, then 5.00 capped at the 2.00 left, then nothing
    assert cart.total == D("0.00") and cart.discount_total == D("10.00")
    assert [d.promotion for d in cart.discounts] == ["a", "c"]


def test_channel_targeting():
    web_only = promo(channels=["web"])
    assert quote([line("A", "10.00")], [web_only], channel="web").discount_total == D("2.00")
    assert quote([line("A", "10.00")], [web_only], channel="store").discount_total == 0


def test_segment_targeting():
    vip = promo(segment_ids=[7])
    assert quote([line("A", "10.00")], [vip], segment_ids=[3, 7]).discount_total == D("2.00")
    assert quote([line("A", "10.00")], [vip], segment_ids=[3]).discount_total == 0
    assert quote([line("A", "10.00")], [vip]).discount_total == 0


@pytest.mark.parametrize(
    "offset, applies",
    [(timedelta(seconds=-1), False), (timedelta(0), True), (timedelta(hours=1), True)],
)
def test_schedule_start_is_inclusive(offset, applies):
    spec = promo(starts_at=NOW, ends_at=NOW + timedelta(days=1))
    assert bool(quote([line("A", "10.00")], [spec], now=NOW + offset).discounts) is applies


def test_schedule_end_is_exclusive():
    spec = promo(starts_at=NOW - timedelta(days=1), ends_at=NOW)
    assert quote([line("A", "10.00")], [spec], now=NOW).discounts == []
    assert quote([line("A", "10.00")], [spec], now=NOW - timedelta(microseconds=1)).discounts


def test_code_required():
    spec = promo(requires_code=True)
    assert quote([line("A", "10.00")], [spec]).discounts == []
    cart = quote([line("A", "10.00")], [spec], codes={"HELLO": "p1"})
    assert cart.discounts[0].code == "HELLO" and cart.codes == ["HELLO"]


def test_min_subtotal():
    spec = promo(min_subtotal=D("50.00"))
    assert quote([line("A", "49.99")], [spec]).discounts == []
    assert quote([line("A", "50.00")], [spec]).discount_total == D("10.00")


def test_inactive_promotion_is_ignored():
    assert quote([line("A", "10.00")], [promo(is_active=False)]).discounts == []


def test_totals_add_up_on_a_mixed_cart():
    lines = [line("CAP", "19.99", 3), line("TEE", "14.95", 1, category="tshirts"), line("SOCK", "3.33", 7, "socks")]
    cart = quote(lines, [promo("caps", value="15", categories=["caps"], stackable=True, priority=2),
                         promo("all", kind="amount", value="5", stackable=True, priority=1)])
    assert cart.subtotal == D("98.23")
    assert cart.total == cart.subtotal - cart.discount_total
    assert cart.discount_total == sum(x.discount for x in cart.lines) == sum(d.amount for d in cart.discounts)
    # caps: 15% of 59.97 = 8.9955 -> 9.00; then 5.00 spread over 50.97 + 14.95 + 23.31 left
    assert cart.discounts[0].amount == D("9.00") and cart.discounts[1].amount == D("5.00")
    assert all(x.total >= 0 for x in cart.lines)


def _brute_force_best_single(lines, specs):
    """The combining rule written the obvious way: apply each non-stackable promotion alone."""
    from promotions.engine.applicator import Cart, priority_order

    cart = Cart(lines)
    best_total, best = D("0"), []
    for spec in sorted(specs, key=priority_order):
        total, results = cart.run([spec])
        if total > best_total:
            best_total, best = total, results
    return best_total, [spec.id for spec, _ in best]


def test_pruned_search_gives_the_same_answer_as_brute_force():
    import random

    from promotions.engine.applicator import Cart, best_single

    rng = random.Random(2026)
    categories = ["caps", "bags", "tshirts", "jackets"]
    for _ in range(300):
        lines = [
            line(f"S{n}", f"{rng.randint(1, 9999) / 100:.2f}", rng.randint(1, 4), rng.choice(categories))
            for n in range(rng.randint(1, 8))
        ]
        specs = []
        for n in range(rng.randint(1, 12)):
            kind = rng.choice(["percent", "amount", "fixed_price", "buy_x_get_y"])
            specs.append(promo(
                f"p{n}", kind=kind,
                value=None if kind == "buy_x_get_y" else str(rng.choice([5, 10, 12.5, 20, 33, 50, 100])),
                buy_quantity=rng.randint(1, 3) if kind == "buy_x_get_y" else None,
                get_quantity=rng.randint(1, 2) if kind == "buy_x_get_y" else None,
                categories=rng.sample(categories, rng.randint(0, 2)),
                priority=rng.randint(0, 3),
            ))
        expected_total, expected_ids = _brute_force_best_single(lines, specs)
        total, results = best_single(Cart(lines), specs)
        assert (total, [spec.id for spec, _ in results]) == (expected_total, expected_ids)
