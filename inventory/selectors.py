"""Reads shared by the API, the pages and other apps. Each costs a constant number of
queries whatever the number of products, locations or movements.

Public names for other apps: ``product_get``, ``products_by_sku``, ``price_for``,
``availability``, ``available_at``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar, overload

from django.db import connection
from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from omni.actor import Actor
from omni.models import Location

from .errors import UnknownProduct
from .models import ChannelPrice, Product, Reservation, StockLevel, StockMovement, low_stock_default


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
Rows = TypeVar("Rows", bound=QuerySet)


def with_channel_prices(queryset: Rows, *, product: str | None = None) -> Rows:
    """``queryset``'s products (its rows, or the ``product`` each row points to, which the
    caller selects with ``select_related``) with their channel prices prefetched: one more
    query whatever the number of products, and ``price_for`` then reads none."""
    prices = ChannelPrice.objects.order_by("channel")
    path = f"{product}__channel_prices" if product else "channel_prices"
    return queryset.prefetch_related(Prefetch(path, queryset=prices))


def product_list(*, actor: Actor | None = None, filters: dict | None = None) -> QuerySet[Product]:
    """Products, searchable by name, SKU, barcode or category; inactive ones only for
    those who manage the catalogue."""
    filters = filters or {}
    queryset = with_channel_prices(Product.objects.all())
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
    product = with_channel_prices(Product.objects.filter(sku=sku)).first()
    if product is None:
        raise UnknownProduct(sku=sku)
    return product


def product_find(*, code: str) -> Product | None:
    """A scanned or typed code: an exact SKU or barcode."""
    code = (code or "").strip()
    if not code:
        return None
    return Product.objects.filter(sku=code).first() or Product.objects.filter(barcode=code).first()


def products_by_sku(*, skus: Iterable[str]) -> dict[str, Product]:
    """The products with these SKUs, by SKU; unknown SKUs are simply absent."""
    return {product.sku: product for product in with_channel_prices(Product.objects.filter(sku__in=set(skus)))}


def price_for(product: Product, channel: str | None) -> Decimal:
    """The channel's own price if it has one, else the base price. Free of queries when
    ``channel_prices`` was prefetched (as every selector here does)."""
    if channel:
        for channel_price in product.channel_prices.all():
            if channel_price.channel == channel:
                return channel_price.price
    return product.price


# --- stock --------------------------------------------------------------------------------
# The two availability reads below are the website's and the terminals' hottest requests.
# They are one hand-written SQL statement each (portable: SQLite and PostgreSQL) because
# building the equivalent ORM query with its correlated subquery costs more CPU than
# running it. ``StockLevelQuerySet.with_available`` is the ORM twin used everywhere else;
# tests check that both agree.
def _expired_sql(scope: str) -> str:
    return (
        f"SELECT {scope}, SUM(quantity) AS expired FROM {Reservation._meta.db_table} "  # noqa: S608 # nosec B608 # model table names; values are parameters
        f"WHERE status = %s AND expires_at <= %s AND "
    )


def stock_for_product(*, product: Product, actor: Actor | None = None) -> list[StockRow]:
    """Every active location's stock of one product, the actor's own locations first."""
    own = actor.location_ids if actor else frozenset()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    sql = (
        "SELECT l.id, l.code, l.name, l.click_and_collect, COALESCE(s.on_hand, 0), "  # noqa: S608 # nosec B608 # model table names; values are parameters
        "COALESCE(s.reserved, 0) - COALESCE(x.expired, 0), COALESCE(s.low_stock_threshold, %s) "
        f"FROM {Location._meta.db_table} l "
        f"LEFT JOIN {StockLevel._meta.db_table} s ON s.location_id = l.id AND s.product_id = %s "
        f"LEFT JOIN ({_expired_sql('location_id')} product_id = %s GROUP BY location_id) x "
        "ON x.location_id = l.id "
        "WHERE l.is_active = %s ORDER BY l.kind, l.name"
    )
    threshold = product.low_stock_threshold if product.low_stock_threshold is not None else low_stock_default()
    params: list[Any] = [threshold, product.pk, Reservation.Status.ACTIVE, now, product.pk, True]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    rows = [
        StockRow(
            sku=product.sku,
            location=code,
            location_id=location_id,
            location_name=name,
            on_hand=on_hand,
            reserved=reserved,
            available=on_hand - reserved,
            click_and_collect=bool(click_and_collect),
            is_own=location_id in own,
            threshold=threshold_value,
        )
        for location_id, code, name, click_and_collect, on_hand, reserved, threshold_value in fetched
    ]
    return sorted(rows, key=lambda row: not row.is_own)


class _LevelRows(Sequence[dict]):
    """Every location's rows of some SKUs, sliced by the database: what a paginator needs
    (``count()`` and slicing), one query each."""

    def __init__(self, skus: list[str]) -> None:
        self.skus = skus

    def __len__(self) -> int:  # what Django's paginator counts with (Sequence.count counts a value)
        return StockLevel.objects.filter(product__sku__in=self.skus, location__is_active=True).count()

    @overload
    def __getitem__(self, window: int) -> dict: ...

    @overload
    def __getitem__(self, window: slice) -> list[dict]: ...

    def __getitem__(self, window: int | slice) -> dict | list[dict]:
        if isinstance(window, int):
            rows = self[window : window + 1] if window >= 0 else []
            if not rows:
                raise IndexError(window)
            return rows[0]
        if window.step not in (None, 1):
            raise TypeError("Rows are read by contiguous slices.")
        start = window.start or 0
        stop = window.stop if window.stop is not None else start + 10_000
        if not self.skus or stop <= start:
            return []
        marks = ", ".join(["%s"] * len(self.skus))
        sql = (
            "SELECT p.sku, l.code, s.on_hand, s.reserved - COALESCE(x.expired, 0) "  # noqa: S608 # nosec B608 # see above
            f"FROM {StockLevel._meta.db_table} s "
            f"JOIN {Product._meta.db_table} p ON p.id = s.product_id "
            f"JOIN {Location._meta.db_table} l ON l.id = s.location_id "
            f"LEFT JOIN ({_expired_sql('product_id, location_id')} product_id IN "
            f"(SELECT id FROM {Product._meta.db_table} WHERE sku IN ({marks})) GROUP BY product_id, location_id) x "
            "ON x.product_id = s.product_id AND x.location_id = s.location_id "
            f"WHERE p.sku IN ({marks}) AND l.is_active = %s "
            "ORDER BY p.sku, l.kind, l.name LIMIT %s OFFSET %s"
        )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        params = [Reservation.Status.ACTIVE, now, *self.skus, *self.skus, True, stop - start, start]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [
                {"sku": sku, "location_code": code, "on_hand": on_hand, "live_reserved": reserved}
                for sku, code, on_hand, reserved in cursor.fetchall()
            ]

    def __iter__(self) -> Iterator[dict]:
        return iter(self[0 : len(self)])


def stock_rows(*, skus: Iterable[str], location: Location | None = None) -> Sequence[dict]:
    """Rows ``{sku, location_code, on_hand, live_reserved}`` of these SKUs (available is
    on hand - live reserved).

    At ``location``: a list, one row per known SKU (zeros where the location never held
    it), in one query. Everywhere: one row per level, sliced (paginated) by the database.
    """
    skus = sorted(set(skus))
    if location is None:
        return _LevelRows(skus)
    if not skus:
        return []
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    marks = ", ".join(["%s"] * len(skus))
    sql = (
        "SELECT p.sku, COALESCE(s.on_hand, 0), COALESCE(s.reserved, 0) - COALESCE(x.expired, 0) "  # noqa: S608 # nosec B608 # model table names; values are parameters
        f"FROM {Product._meta.db_table} p "
        f"LEFT JOIN {StockLevel._meta.db_table} s ON s.product_id = p.id AND s.location_id = %s "
        f"LEFT JOIN ({_expired_sql('product_id')} location_id = %s GROUP BY product_id) x "
        "ON x.product_id = p.id "
        f"WHERE p.sku IN ({marks}) ORDER BY p.sku"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [location.pk, Reservation.Status.ACTIVE, now, location.pk, *skus])
        fetched = cursor.fetchall()
    return [
        {
            "sku": sku,
            "location_code": location.code,
            "on_hand": on_hand,
            "live_reserved": reserved,
            "available": on_hand - reserved,
        }
        for sku, on_hand, reserved in fetched
    ]


def availability(*, skus: Iterable[str], location: Location | None = None) -> list[StockRow]:
    """Stock rows of these SKUs: at ``location`` one row per known SKU (zeros when the
    location never held it), else one row per location that holds or held it."""
    locations = {loc.code: loc for loc in ([location] if location else Location.objects.filter(is_active=True))}
    return [
        StockRow(
            sku=row["sku"],
            location=row["location_code"],
            location_id=locations[row["location_code"]].pk,
            location_name=locations[row["location_code"]].name,
            on_hand=row["on_hand"],
            reserved=row["live_reserved"],
            available=row["on_hand"] - row["live_reserved"],
            click_and_collect=locations[row["location_code"]].click_and_collect,
        )
        for row in stock_rows(skus=skus, location=location)
    ]


def available_at(*, skus: Iterable[str], location: Location) -> dict[str, int]:
    """What can be promised now at ``location``, by SKU (0 for unknown SKUs)."""
    rows = {row["sku"]: row["on_hand"] - row["live_reserved"] for row in stock_rows(skus=skus, location=location)}
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


def low_stock_list(*, actor: Actor, location: Location | None = None) -> QuerySet[StockLevel]:
    """Levels at or under their threshold (level's, else product's, else the default),
    lowest first: at ``location``, else at the actor's locations (everywhere for
    administrators and for those bound to no location)."""
    queryset = (
        StockLevel.objects.filter(product__is_active=True, location__is_active=True)
        .with_available(timezone.now())
        .with_threshold()
        .filter(available__lte=F("threshold"))
    )
    if location is not None:
        queryset = queryset.filter(location=location)
    elif actor.location_ids and not actor.is_admin:
        queryset = queryset.filter(location_id__in=actor.location_ids)
    return queryset.select_related("product", "location").order_by("available", "product__sku", "location__name")


def low_stock(*, actor: Actor, limit: int = 12) -> tuple[list[StockLevel], int]:
    """The dashboard's share of ``low_stock_list``: the first ``limit`` and the count."""
    queryset = low_stock_list(actor=actor)
    return list(queryset[:limit]), queryset.count()


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
