"""Reads shared by the API, the pages and other apps. Each costs a constant number of
queries whatever the number of products, locations or movements.

Public names for other apps: ``product_get``, ``products_by_sku``, ``price_for``,
``availability``, ``available_at``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from omni.actor import Actor
from omni.models import Location

from .errors import UnknownProduct
from .models import ChannelPrice, Product, Reservation, StockLevel, StockMovement


@dataclass(frozen=True)
class StockRow:
    sku: str
    location: str  # the location's code
    location_id: int
    location_name: str
    on_hand: int
    reserved: int  # unexpired reservations only
    available: int
    click_and_collect: bool
    is_own: bool = False
    threshold: int | None = None

    @property
    def is_low(self) -> bool:
        return self.threshold is not None and self.available <= self.threshold


# --- catalogue ----------------------------------------------------------------------------
def _with_prices(queryset: QuerySet[Product]) -> QuerySet[Product]:
    return queryset.prefetch_related(Prefetch("channel_prices", queryset=ChannelPrice.objects.order_by("channel")))


def product_list(*, actor: Actor | None = None, filters: dict | None = None) -> QuerySet[Product]:
    """Products, searchable by name, SKU, barcode or category; inactive ones only for
    those who manage the catalogue."""
    filters = filters or {}
    queryset = _with_prices(Product.objects.all())
    if not (actor and (actor.is_integration or actor.is_admin)):
        queryset = queryset.active()
    if filters.get("search"):
        queryset = queryset.search(filters["search"])
    for field in ("sku", "barcode", "category"):
        if filters.get(field):
            queryset = queryset.filter(**{field: filters[field]})
    return queryset.order_by("sku")


def product_get(*, sku: str) -> Product:
    """The product with this SKU (its channel prices prefetched); ``UnknownProduct`` otherwise."""
    product = _with_prices(Product.objects.filter(sku=sku)).first()
    if product is None:
        raise UnknownProduct(sku=sku)
    return product


def product_find(*, code: str) -> Product | None:
    """A scanned or typed code: an exact SKU or barcode."""
    code = (code or "").strip()
    if not code:
        return None
    return Product.objects.filter(sku=code).first() or Product.objects.filter(barcode=code).first()


def products_by_sku(*, skus) -> dict[str, Product]:
    """The products with these SKUs, by SKU; unknown SKUs are simply absent."""
    return {product.sku: product for product in _with_prices(Product.objects.filter(sku__in=set(skus)))}


def price_for(product: Product, channel: str | None) -> Decimal:
    """The channel's own price if it has one, else the base price. Free of queries when
    ``channel_prices`` was prefetched (as every selector here does)."""
    if channel:
        for channel_price in product.channel_prices.all():
            if channel_price.channel == channel:
                return channel_price.price
    return product.price


# --- stock --------------------------------------------------------------------------------
def _row(level: StockLevel, location: Location, sku: str, *, own: frozenset = frozenset(), threshold=None) -> StockRow:
    return StockRow(
        sku=sku,
        location=location.code,
        location_id=location.pk,
        location_name=location.name,
        on_hand=level.on_hand if level else 0,
        reserved=level.live_reserved if level else 0,
        available=level.available if level else 0,
        click_and_collect=location.click_and_collect,
        is_own=location.pk in own,
        threshold=threshold,
    )


def stock_for_product(*, product: Product, actor: Actor | None = None) -> list[StockRow]:
    """Every active location's stock of one product, the actor's own locations first."""
    own = actor.location_ids if actor else frozenset()
    locations = list(Location.objects.filter(is_active=True).order_by("kind", "name"))
    levels = {
        level.location_id: level
        for level in StockLevel.objects.filter(product=product).with_available().with_threshold()
    }
    rows = [
        _row(
            levels.get(location.pk),
            location,
            product.sku,
            own=own,
            threshold=levels[location.pk].threshold if location.pk in levels else None,
        )
        for location in locations
    ]
    return sorted(rows, key=lambda row: not row.is_own)


def availability(*, skus, location: Location | None = None) -> list[StockRow]:
    """Stock rows of these SKUs: at ``location`` one row per known SKU (zeros when the
    location never held it), else one row per location that holds or held it."""
    skus = sorted(set(skus))
    levels = (
        StockLevel.objects.filter(product__sku__in=skus, location__is_active=True)
        .select_related("product", "location")
        .with_available()
        .order_by("product__sku", "location__kind", "location__name")
    )
    if location is None:
        return [_row(level, level.location, level.product.sku) for level in levels]
    by_sku = {level.product.sku: level for level in levels.filter(location=location)}
    known = Product.objects.filter(sku__in=skus).values_list("sku", flat=True) if len(by_sku) < len(skus) else by_sku
    return [_row(by_sku.get(sku), location, sku) for sku in sorted(known)]


def available_at(*, skus, location: Location) -> dict[str, int]:
    """What can be promised now at ``location``, by SKU (0 for unknown SKUs)."""
    rows = {row.sku: row.available for row in availability(skus=skus, location=location)}
    return {sku: rows.get(sku, 0) for sku in skus}


def total_available(rows: list[StockRow]) -> int:
    return sum(max(row.available, 0) for row in rows)


def movement_list(*, product: Product, location: Location | None = None) -> QuerySet[StockMovement]:
    queryset = StockMovement.objects.filter(product=product).select_related("location")
    if location is not None:
        queryset = queryset.filter(location=location)
    return queryset.order_by("-created_at", "-pk")


def reservation_list(*, product: Product) -> QuerySet[Reservation]:
    return (
        Reservation.objects.filter(product=product, status=Reservation.Status.ACTIVE, location__is_active=True)
        .select_related("location")
        .order_by("created_at")
    )


def low_stock(*, actor: Actor, limit: int = 12) -> tuple[list[StockLevel], int]:
    """Levels at or under their threshold (level's, else product's, else the default) at
    the actor's locations (everywhere for those who act everywhere), lowest first."""
    queryset = (
        StockLevel.objects.filter(product__is_active=True, location__is_active=True)
        .with_available(timezone.now())
        .with_threshold()
        .filter(available__lte=F("threshold"))
    )
    if actor.location_ids and not actor.is_admin:
        queryset = queryset.filter(location_id__in=actor.location_ids)
    total = queryset.count()
    levels = list(queryset.select_related("product", "location").order_by("available", "product__sku")[:limit])
    return levels, total


# --- audit --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Mismatch:
    sku: str
    location: str
    field: str
    stored: int
    expected: int


def ledger_mismatches() -> list[Mismatch]:
    """Levels that disagree with the sum of their ledger, or whose reserved units are not
    those of their active reservations."""
    from django.db.models import Sum

    ledger = {
        (row["product_id"], row["location_id"]): (row["on_hand"] or 0, row["reserved"] or 0)
        for row in StockMovement.objects.order_by()
        .values("product_id", "location_id")
        .annotate(on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta"))
    }
    active: dict[tuple[int, int], int] = defaultdict(int)
    for row in (
        Reservation.objects.filter(status=Reservation.Status.ACTIVE)
        .order_by()
        .values("product_id", "location_id")
        .annotate(total=Sum("quantity"))
    ):
        active[(row["product_id"], row["location_id"])] = row["total"]
    mismatches = []
    seen = set()
    for level in StockLevel.objects.select_related("product", "location").order_by("pk").iterator(chunk_size=2000):
        key = (level.product_id, level.location_id)
        seen.add(key)
        on_hand, reserved = ledger.get(key, (0, 0))
        checks = [("on_hand", level.on_hand, on_hand), ("reserved", level.reserved, reserved)]
        checks.append(("reserved_vs_reservations", level.reserved, active.get(key, 0)))
        for field, stored, expected in checks:
            if stored != expected:
                mismatches.append(Mismatch(level.product.sku, level.location.code, field, stored, expected))
    orphans = (set(ledger) - seen) | (set(active) - seen)
    if orphans:
        products = dict(Product.objects.filter(pk__in={k[0] for k in orphans}).values_list("pk", "sku"))
        locations = dict(Location.objects.filter(pk__in={k[1] for k in orphans}).values_list("pk", "code"))
        for key in sorted(orphans):
            on_hand, reserved = ledger.get(key, (0, 0))
            if on_hand or reserved or active.get(key):
                mismatches.append(
                    Mismatch(products.get(key[0], "?"), locations.get(key[1], "?"), "missing_level", 0, on_hand)
                )
    return mismatches
