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
from typing import NamedTuple, TypeVar, overload

from django.db.models import F, Prefetch, QuerySet, Subquery
from django.utils import timezone

from omni.actor import Actor
from omni.models import Location
from omni.prepared import PreparedRead

from .errors import UnknownProduct
from .models import ChannelPrice, Product, Reservation, StockLevel, StockMovement, low_stock_default, units_available


class StockFigures(NamedTuple):
    """One level's figures as the stock answers give them (a location that never held the
    product: zeros)."""

    sku: str
    location: str  # the location's code
    on_hand: int
    live_reserved: int  # unexpired reservations only

    @property
    def available(self) -> int:
        return units_available(self.on_hand, self.live_reserved)

    @classmethod
    def of(cls, level: StockLevel) -> StockFigures:
        return cls(level.product.sku, level.location.code, level.on_hand, level.live_reserved)


@dataclass(frozen=True)
class StockRow:
    sku: str
    location: str  # the location's code
    location_id: int
    location_name: str
    on_hand: int
    live_reserved: int  # unexpired reservations only
    click_and_collect: bool
    is_own: bool = False
    threshold: int | None = None

    @property
    def available(self) -> int:
        return units_available(self.on_hand, self.live_reserved)

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
# The reads below are the website's and the terminals' hottest requests. Each is built from
# ``StockLevelQuerySet.with_available`` like every other read of availability, and prepared
# once per process (``omni.prepared``: building that queryset costs more than running it).
_ACTIVE_LOCATIONS = PreparedRead(  # with the id of the product of this SKU (None: no such product)
    lambda sku: (
        Location.objects.filter(is_active=True)
        .annotate(product=Subquery(Product.objects.filter(sku=sku).values("pk")))
        .order_by("kind", "name")
        .values_list("pk", "code", "name", "click_and_collect", "product")
    )
)
_PRODUCT_ID = PreparedRead(lambda sku: Product.objects.filter(sku=sku).values_list("pk"))
_LEVELS_OF_PRODUCT = PreparedRead(
    lambda sku, now, default_threshold: (
        StockLevel.objects.filter(product__sku=sku)
        .with_available(now)
        .with_threshold(default=default_threshold)
        .values_list("location_id", "on_hand", "live_reserved", "threshold")
    )
)


_KNOWN_SKUS = PreparedRead(  # with the id of the active location of this code (None: no such location)
    lambda skus, location: (
        Product.objects.filter(sku__in=skus)
        .annotate(location=Subquery(Location.objects.filter(code=location, is_active=True).values("pk")))
        .order_by("sku")
        .values_list("sku", "location")
    )
)
_LOCATION_ID = PreparedRead(lambda code: Location.objects.filter(code=code, is_active=True).values_list("pk"))
_LEVELS_AT_LOCATION = PreparedRead(
    lambda skus, location, now: (
        StockLevel.objects.filter(product__sku__in=skus, location__code=location, location__is_active=True)
        .with_available(now)
        .values_list("product__sku", "on_hand", "live_reserved")
    )
)
_LEVELS_EVERYWHERE = PreparedRead(
    lambda skus, now: (
        StockLevel.objects.filter(product__sku__in=skus, location__is_active=True)
        .with_available(now)
        .order_by("product__sku", "location__kind", "location__name")
        .values_list("product__sku", "location__code", "on_hand", "live_reserved")
    )
)


def stock_for_sku(*, sku: str, actor: Actor | None = None) -> list[StockRow]:
    """Every active location's stock of the product with this SKU (zeros where it holds
    none), the actor's own locations first; ``UnknownProduct`` if no product has it.

    The website's hottest read: two prepared queries, the active locations (which also
    say whether the product exists) and the product's levels.
    """
    locations = _ACTIVE_LOCATIONS.rows(sku=sku)
    known = locations[0][-1] is not None if locations else bool(_PRODUCT_ID.rows(sku=sku))
    if not known:
        raise UnknownProduct(sku=sku)
    levels = {
        location_id: (on_hand, reserved, threshold)
        for location_id, on_hand, reserved, threshold in _LEVELS_OF_PRODUCT.rows(
            sku=sku, now=timezone.now(), default_threshold=low_stock_default()
        )
    }
    own = actor.location_ids if actor else frozenset()
    rows = [
        StockRow(
            sku=sku,
            location=code,
            location_id=location_id,
            location_name=name,
            on_hand=on_hand,
            live_reserved=reserved,
            click_and_collect=bool(click_and_collect),
            is_own=location_id in own,
            threshold=threshold,
        )
        for location_id, code, name, click_and_collect, _product in locations
        for on_hand, reserved, threshold in [levels.get(location_id, (0, 0, None))]
    ]
    return sorted(rows, key=lambda row: not row.is_own)


def stock_for_product(*, product: Product, actor: Actor | None = None) -> list[StockRow]:
    """``stock_for_sku`` of a product in hand. Two queries."""
    return stock_for_sku(sku=product.sku, actor=actor)


class _LevelRows(Sequence[StockFigures]):
    """Every active location's levels of some SKUs, sliced by the database: what a
    paginator needs (``count()`` and slicing), one query each."""

    def __init__(self, skus: list[str]) -> None:
        self.skus = skus

    def __len__(self) -> int:  # what Django's paginator counts with (Sequence.count counts a value)
        return StockLevel.objects.filter(product__sku__in=self.skus, location__is_active=True).count()

    @overload
    def __getitem__(self, window: int) -> StockFigures: ...

    @overload
    def __getitem__(self, window: slice) -> list[StockFigures]: ...

    def __getitem__(self, window: int | slice) -> StockFigures | list[StockFigures]:
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
        fetched = _LEVELS_EVERYWHERE.rows(skus=self.skus, now=timezone.now(), window=(start, stop))
        return [StockFigures(*row) for row in fetched]

    def __iter__(self) -> Iterator[StockFigures]:
        return iter(self[0 : len(self)])


def stock_rows(*, skus: Iterable[str], location: str | None = None) -> Sequence[StockFigures]:
    """The figures of these SKUs' levels.

    At the active ``location`` of this code: a list, one row per known SKU (zeros where
    the location never held it), in two queries; ``Location.DoesNotExist`` if there is
    no such location. Everywhere: one row per level, sliced (paginated) by the database.
    """
    skus = sorted(set(skus))
    if location is None:
        return _LevelRows(skus)
    known = _KNOWN_SKUS.rows(skus=skus, location=location) if skus else []
    if not known:  # nothing says whether the location exists: ask
        if not _LOCATION_ID.rows(code=location):
            raise Location.DoesNotExist(location)
        return []
    if known[0][1] is None:
        raise Location.DoesNotExist(location)
    levels = {
        sku: (on_hand, reserved)
        for sku, on_hand, reserved in _LEVELS_AT_LOCATION.rows(skus=skus, location=location, now=timezone.now())
    }
    return [StockFigures(sku, location, *levels.get(sku, (0, 0))) for sku, _location in known]


def available_by_product(products: Iterable[Product], *, own: Iterable[int] = ()) -> dict[int, tuple[int, int]]:
    """Each product's units that can be promised, ``(at the own locations, everywhere)``
    (a level below zero counts as none): what a list of products shows beside each. One query."""
    own = frozenset(own)
    figures: dict[int, list[int]] = {product.pk: [0, 0] for product in products}
    for level in StockLevel.objects.filter(product__in=list(figures), location__is_active=True).with_available():
        units = max(level.available, 0)
        figures[level.product_id][1] += units
        if level.location_id in own:
            figures[level.product_id][0] += units
    return {pk: (here, everywhere) for pk, (here, everywhere) in figures.items()}


def availability(*, skus: Iterable[str], location: Location | None = None) -> list[StockRow]:
    """Stock rows of these SKUs: at ``location`` one row per known SKU (zeros when the
    location never held it), else one row per location that holds or held it."""
    locations = {loc.code: loc for loc in ([location] if location else Location.objects.filter(is_active=True))}
    return [
        StockRow(
            sku=row.sku,
            location=row.location,
            location_id=locations[row.location].pk,
            location_name=locations[row.location].name,
            on_hand=row.on_hand,
            live_reserved=row.live_reserved,
            click_and_collect=locations[row.location].click_and_collect,
        )
        for row in stock_rows(skus=skus, location=location.code if location else None)
    ]


def available_at(*, skus: Iterable[str], location: Location) -> dict[str, int]:
    """What can be promised now at ``location``, by SKU (0 for unknown SKUs)."""
    rows = {row.sku: row.available for row in stock_rows(skus=skus, location=location.code)}
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
