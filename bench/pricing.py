"""Pricing benchmark: ms per priced cart (1, 10 and 50 lines) against 10 to 10,000
running promotions, for the pure engine alone and for ``price_cart`` (which loads products,
channel prices, segments and codes, and reads the promotions' version: the promotions
themselves are kept per process, ``promotions.running``), plus the queries per quote.
Goal (issue 14): a 1-line quote at 10,000 promotions under 10 ms.

    .venv/bin/python bench/pricing.py                      # SQLite test database
    DATABASE_URL=postgres://... .venv/bin/python bench/pricing.py

It creates and destroys its own test database (``test_<name>``), never touching yours.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omni.settings")
os.environ.setdefault("SQLITE_TEST_DB", "/tmp/omni-bench-pricing.sqlite3")

import django  # noqa: E402

django.setup()

from _figures import emit, quick  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

PRODUCTS = 1000
CATEGORIES = [f"cat-{n:02d}" for n in range(20)]
CHANNELS = ["web", "app", "store", "call_centre"]
REPEAT = 50 if quick() else 200


def populate(promotion_count: int, rng: random.Random, *, untargeted: bool = False) -> None:
    from inventory.models import ChannelPrice, Product
    from promotions.models import Promotion
    from promotions.services import pricing_changed

    if not Product.objects.exists():
        Product.objects.bulk_create(
            Product(sku=f"SKU-{n:05d}", name=f"Product {n}", category=CATEGORIES[n % len(CATEGORIES)],
                    price=Decimal(rng.randint(500, 15000)) / 100)
            for n in range(PRODUCTS)
        )
        products = list(Product.objects.all())
        ChannelPrice.objects.bulk_create(
            ChannelPrice(product=p, channel="web", price=p.price * Decimal("0.95")) for p in products[::3]
        )
    Promotion.objects.all().delete()
    kinds = ["percent", "percent", "amount", "fixed_price", "buy_x_get_y"]
    rows = []
    for n in range(promotion_count):
        kind = rng.choice(kinds)
        targeted = not untargeted and rng.random() > 0.1
        rows.append(Promotion(
            name=f"Promotion {n}",
            kind=kind,
            value={"percent": Decimal(rng.randint(5, 40)), "amount": Decimal(rng.randint(2, 20)),
                   "fixed_price": Decimal(rng.randint(5, 50)), "buy_x_get_y": None}[kind],
            buy_quantity=2 if kind == "buy_x_get_y" else None,
            get_quantity=1 if kind == "buy_x_get_y" else None,
            categories=rng.sample(CATEGORIES, rng.randint(1, 2)) if targeted and rng.random() < 0.5 else [],
            skus=[f"SKU-{rng.randrange(PRODUCTS):05d}" for _ in range(rng.randint(1, 5))]
            if targeted and not untargeted else [],
            channels=[rng.choice(CHANNELS)] if rng.random() < 0.1 else [],
            stackable=rng.random() < 0.3,
            priority=rng.randint(0, 10),
        ))
    for promotion in rows:  # targeted ones target either SKUs or categories
        if promotion.categories and promotion.skus:
            promotion.skus = []
    Promotion.objects.bulk_create(rows)
    pricing_changed()  # bulk_create sends no model signal


def cart(size: int, rng: random.Random) -> list[dict]:
    return [{"sku": f"SKU-{n:05d}", "quantity": rng.randint(1, 3)} for n in rng.sample(range(PRODUCTS), size)]


def timed(function, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def run(untargeted: bool) -> None:
    from django.utils import timezone

    from inventory.selectors import price_for, products_by_sku
    from promotions import engine, pricing
    from promotions.selectors import current_specs

    rng = random.Random(7)
    title = "every promotion untargeted (worst case)" if untargeted else "realistic mix (90% target SKUs/categories)"
    print(f"\n## {title}")
    print(f"{'promotions':>10} {'lines':>5} {'engine ms':>10} {'price_cart ms':>14} {'queries':>8} {'discounts':>9}")
    for count in (10, 100, 1000) if untargeted else (10, 100, 1000, 10_000):
        populate(count, rng, untargeted=untargeted)
        now = timezone.now()
        specs = current_specs(now=now)
        pricing.price_cart(lines=cart(1, rng), channel="web")  # the first quote after a change loads them
        for size in (1, 10, 50) if not untargeted else (10, 50):
            lines = cart(size, rng)
            products = products_by_sku(skus=[line["sku"] for line in lines])
            inputs = [
                engine.LineInput(sku=line["sku"], name=products[line["sku"]].name,
                                  category=products[line["sku"]].category, quantity=line["quantity"],
                                  unit_price=price_for(products[line["sku"]], "web"))
                for line in lines
            ]
            engine_ms = timed(
                lambda inputs=inputs, specs=specs, now=now: engine.price(
                    lines=inputs, channel="web", promotions=specs, now=now
                ),
                REPEAT,
            )
            loader_ms = timed(lambda lines=lines: pricing.price_cart(lines=lines, channel="web"), max(20, REPEAT // 5))
            reset_queries()  # the log keeps 9,000 queries; populating ran more
            with CaptureQueriesContext(connection) as queries:
                priced = pricing.price_cart(lines=lines, channel="web")
            print(f"{count:>10} {size:>5} {engine_ms:>10.2f} {loader_ms:>14.2f} {len(queries):>8} "
                  f"{len(priced.discounts):>9}")
            if count == 10_000 and size == 1:
                emit("pricing", "price_cart, realistic, 10,000 promotions, 1 line (goal: under 10 ms)", loader_ms, "ms")
            if count >= 100 and size > 1 and (not untargeted or count == 1000 and size == 50):
                case = f"{'untargeted' if untargeted else 'realistic'}, {count:,} promotions, {size} lines"
                emit("pricing", f"engine, {case}", engine_ms, "ms")
                emit("pricing", f"price_cart, {case} ({connection.vendor})", loader_ms, "ms")
            if not untargeted and count == 1000 and size == 50:
                emit("pricing", "price_cart: SQL queries", len(queries), "per quote")


def main() -> None:
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"database: {connection.vendor}; median of {REPEAT} runs (engine), {REPEAT // 5} (price_cart)")
        run(untargeted=False)
        run(untargeted=True)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
