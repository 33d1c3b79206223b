"""Demo catalogue and stock: caps, sneakers, jackets and bags in sizes and colours, with
stock spread over the stores and the e-shop warehouse (some of it running low), each
initial quantity written to the ledger so that ``inventory_audit`` agrees.

Idempotent and deterministic: products are keyed by SKU, levels by (product, location),
and the random quantities come from a seeded generator.
"""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction

from omni.actor import Actor
from omni.models import Location, User

from .models import ChannelPrice, MovementKind, Product, StockLevel, StockMovement, ean13_check_digit

EAN_PREFIX = "37601234"  # a French GS1 company prefix for the demo

COLOURS = {
    "NOI": "Noir",
    "BLA": "Blanc",
    "MAR": "Marine",
    "KAK": "Kaki",
    "ROU": "Rouge",
    "BEI": "Beige",
    "GRI": "Gris chiné",
    "CAM": "Camel",
    "BOR": "Bordeaux",
    "VER": "Vert sapin",
}

# category, code, name, price, sizes, colour codes
MODELS = [
    ("caps", "CAP-TRK", "Casquette trucker Rivoli", "24.90", ["S/M", "L/XL"], ["NOI", "BLA", "MAR", "KAK", "ROU"]),
    ("caps", "CAP-DAD", "Casquette dad hat délavée", "22.90", ["S/M", "L/XL"], ["BEI", "MAR", "VER", "GRI"]),
    ("caps", "CAP-BSB", "Casquette baseball brodée", "29.90", ["S/M", "L/XL"], ["NOI", "BEI", "ROU"]),
    ("caps", "CAP-VLR", "Casquette velours côtelé", "34.90", ["S/M", "L/XL"], ["CAM", "BOR", "VER"]),
    ("caps", "CAP-5PN", "Casquette 5 panneaux nylon", "27.90", ["Unique"], ["NOI", "KAK", "MAR"]),
    ("caps", "CAP-LIN", "Casquette en lin lavé", "32.00", ["S/M", "L/XL"], ["BEI", "KAK", "BLA"]),
    ("caps", "CAP-BOB", "Bob réversible", "26.90", ["S/M", "L/XL"], ["NOI", "BEI", "VER"]),
    ("caps", "CAP-GAV", "Casquette gavroche laine", "39.90", ["S", "M", "L"], ["GRI", "MAR"]),
    ("caps", "CAP-JUN", "Casquette junior logo", "19.90", ["Unique"], ["ROU", "MAR", "BLA"]),
    ("sneakers", "SNK-RUN", "Sneakers running Canal", "89.90", [str(s) for s in range(38, 46)], ["BLA", "NOI", "MAR"]),
    (
        "sneakers",
        "SNK-CUI",
        "Baskets cuir Montmartre",
        "119.00",
        [str(s) for s in range(38, 46)],
        ["BLA", "CAM", "NOI"],
    ),
    ("sneakers", "SNK-TOI", "Tennis toile Belleville", "59.90", [str(s) for s in range(36, 44)], ["BLA", "MAR", "ROU"]),
    ("sneakers", "SNK-MON", "Baskets montantes Croix-Rousse", "99.90", [str(s) for s in range(39, 46)], ["NOI", "KAK"]),
    ("sneakers", "SNK-SUE", "Sneakers daim Vieux-Port", "109.00", [str(s) for s in range(38, 45)], ["BEI", "GRI"]),
    ("sneakers", "SNK-TRL", "Chaussures trail Capitole", "129.00", [str(s) for s in range(39, 46)], ["NOI", "VER"]),
    ("jackets", "JKT-JEA", "Veste en jean brut", "79.90", ["S", "M", "L", "XL"], ["MAR", "NOI"]),
    ("jackets", "JKT-BOM", "Blouson bomber satin", "119.00", ["S", "M", "L", "XL"], ["NOI", "KAK", "BOR"]),
    ("jackets", "JKT-PAR", "Parka à capuche imperméable", "169.00", ["S", "M", "L", "XL"], ["KAK", "MAR", "NOI"]),
    ("jackets", "JKT-DOU", "Doudoune légère recyclée", "139.00", ["S", "M", "L", "XL"], ["NOI", "MAR", "BOR"]),
    ("jackets", "JKT-TRE", "Trench coton Sainte-Catherine", "189.00", ["S", "M", "L"], ["BEI", "MAR"]),
    ("jackets", "JKT-SUR", "Surchemise laine à carreaux", "89.00", ["S", "M", "L", "XL"], ["ROU", "GRI"]),
    ("jackets", "JKT-COU", "Coupe-vent packable", "69.90", ["S", "M", "L", "XL"], ["VER", "NOI", "BLA"]),
    ("jackets", "JKT-POL", "Polaire zippée recyclée", "59.90", ["S", "M", "L", "XL"], ["GRI", "MAR", "VER"]),
    ("jackets", "JKT-CUI", "Blouson cuir agneau", "299.00", ["S", "M", "L"], ["NOI", "CAM"]),
    ("bags", "BAG-DOS", "Sac à dos urbain 20 L", "69.90", ["Unique"], ["NOI", "KAK", "MAR"]),
    ("bags", "BAG-BAN", "Sac banane nylon", "29.90", ["Unique"], ["NOI", "BEI", "VER"]),
    ("bags", "BAG-CAB", "Cabas toile Rivoli", "35.00", ["Unique"], ["BEI", "NOI"]),
    ("bags", "BAG-BDL", "Sac bandoulière cuir", "129.00", ["Unique"], ["CAM", "NOI", "BOR"]),
    ("bags", "BAG-WEK", "Sac week-end 40 L", "119.00", ["Unique"], ["KAK", "MAR"]),
    ("bags", "BAG-POC", "Pochette zippée", "24.90", ["Unique"], ["NOI", "ROU", "BEI"]),
    ("bags", "BAG-MES", "Sacoche messager", "79.00", ["Unique"], ["NOI", "GRI"]),
    ("bags", "BAG-TOT", "Tote bag coton bio", "15.00", ["Unique"], ["BLA", "NOI", "VER"]),
    ("bags", "BAG-ORD", "Sac ordinateur 15 pouces", "89.90", ["Unique"], ["NOI", "MAR"]),
    ("bags", "BAG-MIN", "Mini sac bandoulière", "45.00", ["Unique"], ["NOI", "CAM", "ROU"]),
    ("bags", "BAG-SEA", "Sac seau cuir grainé", "149.00", ["Unique"], ["CAM", "BOR"]),
]

# Share of each location's range held, and the top of its usual quantities.
LOCATION_PROFILE = {"warehouse": (1.0, 60), "paris-rivoli": (0.95, 14), "lyon-part-dieu": (0.9, 12)}
DEFAULT_STORE_PROFILE = (0.75, 9)


def catalogue() -> list[dict]:
    products, index = [], 0
    for category, code, name, price, sizes, colours in MODELS:
        for colour in colours:
            for size in sizes:
                index += 1
                size_code = size.replace("/", "").upper()
                body = f"{EAN_PREFIX}{index:04d}"
                products.append(
                    {
                        "sku": f"{code}-{colour}-{size_code}" if size != "Unique" else f"{code}-{colour}",
                        "barcode": body + str(ean13_check_digit(body)),
                        "name": f"{name} {COLOURS[colour].lower()}",
                        "category": category,
                        "price": Decimal(price),
                        "attributes": {"size": size, "colour": COLOURS[colour]},
                    }
                )
    return products


@transaction.atomic
def seed_inventory(stdout=None) -> None:
    rows = catalogue()
    Product.objects.bulk_create([Product(**row) for row in rows], ignore_conflicts=True)
    products = {product.sku: product for product in Product.objects.filter(sku__in=[row["sku"] for row in rows])}

    # The web shop runs a small online-only discount on a few references.
    web_prices = [
        ChannelPrice(product=product, channel="web", price=(product.price * Decimal("0.9")).quantize(Decimal("0.1")))
        for sku, product in sorted(products.items())
        if sku.startswith(("SNK-RUN", "BAG-DOS", "JKT-DOU"))
    ]
    ChannelPrice.objects.bulk_create(web_prices, ignore_conflicts=True)

    locations = list(Location.objects.filter(is_active=True).order_by("code"))
    existing = set(StockLevel.objects.values_list("product_id", "location_id"))
    levels, movements = [], []
    for sku, product in sorted(products.items()):
        rng = random.Random(sku)  # noqa: S311 - demo data
        for location in locations:
            share, top = LOCATION_PROFILE.get(
                "warehouse" if location.kind == Location.Kind.WAREHOUSE else location.code, DEFAULT_STORE_PROFILE
            )
            # Draw every number whatever exists, so that a second run draws the same ones.
            held, roll, low, usual = rng.random(), rng.random(), rng.randint(0, 2), rng.randint(3, top)
            if held > share or (product.pk, location.pk) in existing:
                continue
            quantity = low if roll < 0.12 else usual
            levels.append(
                StockLevel(
                    product=product,
                    location=location,
                    on_hand=quantity,
                    low_stock_threshold=10 if location.kind == Location.Kind.WAREHOUSE else None,
                )
            )
            if quantity:
                movements.append(
                    StockMovement(
                        product=product,
                        location=location,
                        kind=MovementKind.RECEIPT,
                        quantity=quantity,
                        on_hand_delta=quantity,
                        on_hand_after=quantity,
                        reserved_after=0,
                        reason="Stock initial",
                        reference="SEED",
                        actor_label="seed",
                    )
                )
    StockLevel.objects.bulk_create(levels, batch_size=1000)
    StockMovement.objects.bulk_create(movements, batch_size=1000)
    history = _seed_history(products, locations) if levels else 0
    if stdout:
        stdout.write(
            f"  inventory: {len(products)} products, {len(levels)} new stock levels, "
            f"{len(movements) + history} ledger rows"
        )


def _seed_history(products: dict[str, Product], locations: list[Location]) -> int:
    """A few weeks of life through the real services: transfers, shrinkage, counts."""
    from .services import stock_adjust, stock_count, stock_transfer

    admin = User.objects.filter(username="admin").first()
    warehouse = next((loc for loc in locations if loc.kind == Location.Kind.WAREHOUSE), None)
    stores = [loc for loc in locations if loc.kind == Location.Kind.STORE]
    if admin is None or warehouse is None or not stores:
        return 0
    actor = Actor.for_user(admin)
    rng = random.Random("history")  # noqa: S311 - demo data
    levels = {
        (level.product_id, level.location_id): level for level in StockLevel.objects.filter(location__in=locations)
    }
    written = 0
    for sku in rng.sample(sorted(products), 30):
        product = products[sku]
        store = rng.choice(stores)
        source = levels.get((product.pk, warehouse.pk))
        if source and source.on_hand >= 4:
            stock_transfer(
                sku=sku,
                from_location=warehouse,
                to_location=store,
                quantity=rng.randint(1, 3),
                actor=actor,
                reason="Réassort magasin",
            )
            written += 2
        level = levels.get((product.pk, store.pk))
        if level and level.on_hand >= 2 and rng.random() < 0.5:
            stock_adjust(sku=sku, location=store, quantity=-1, actor=actor, reason="Démarque (article abîmé)")
            written += 1
        elif rng.random() < 0.5:
            current = StockLevel.objects.get(product=product, location=store).on_hand if level else 0
            stock_count(
                sku=sku, location=store, quantity=current + rng.randint(0, 1), actor=actor, reason="Inventaire tournant"
            )
            written += 1
    return written
