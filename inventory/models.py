"""The catalogue and the one stock: products, channel prices, stock levels per location,
the append-only movement ledger, reservations, and CSV import jobs.

Invariants kept by the database itself, so that a path that forgets a check fails loudly
instead of overselling: on hand >= 0, reserved >= 0, reserved <= on hand (available is
never negative), one level per (product, location), one price per (product, channel).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from omni.channels import Channel
from omni.models import ApiClient, Location, history_user
from omni.money import MONEY_COLUMN
from omni.text import searchable

DEFAULT_LOW_STOCK_THRESHOLD = 3
# The largest quantity one movement, transfer, count or threshold may name: the API, the
# pages, the CSV import and the services all refuse beyond it.
MAX_STOCK_QUANTITY = 1_000_000


def low_stock_default() -> int:
    return getattr(settings, "OMNI_LOW_STOCK_THRESHOLD", DEFAULT_LOW_STOCK_THRESHOLD)


def units_available(on_hand: int, live_reserved: int) -> int:
    """What can be promised now: the one definition of availability in Python (queries
    use the ``available`` alias of ``StockLevelQuerySet.with_available``, the same rule in
    SQL). Every object that shows availability reads it through here."""
    return on_hand - live_reserved


def ean13_check_digit(first_twelve: str) -> int:
    total = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(first_twelve))
    return (10 - total % 10) % 10


def is_valid_ean13(code: str) -> bool:
    return len(code) == 13 and code.isdigit() and ean13_check_digit(code[:12]) == int(code[12])


def validate_ean13(value: str) -> None:
    if not is_valid_ean13(value or ""):
        raise ValidationError(_("Enter a valid EAN-13 barcode (13 digits with a correct check digit)."), code="ean13")


class ProductQuerySet(models.QuerySet):
    def active(self) -> ProductQuerySet:
        return self.filter(is_active=True)

    def bulk_create(self, objs, *args, **kwargs):
        """As Django's, with each product's search name derived as ``save()`` derives it."""
        products = list(objs)
        for product in products:
            product.search_name = searchable(product.name)
        return super().bulk_create(products, *args, **kwargs)

    def search(self, query: str) -> ProductQuerySet:
        query = (query or "").strip()
        if not query:
            return self
        # The name as every search compares it (omni.text.searchable: accents and case aside).
        return self.filter(
            Q(search_name__contains=searchable(query))
            | Q(sku__icontains=query)
            | Q(barcode=query)
            | Q(category__iexact=query)
        )


class Product(models.Model):
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    barcode = models.CharField(
        _("barcode (EAN-13)"), max_length=13, unique=True, null=True, blank=True, validators=[validate_ean13]
    )
    name = models.CharField(_("name"), max_length=200)
    category = models.SlugField(_("category"), max_length=40, blank=True, db_index=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    price = models.DecimalField(_("base price"), **MONEY_COLUMN)
    is_active = models.BooleanField(_("active"), default=True)
    low_stock_threshold = models.PositiveIntegerField(
        _("low-stock threshold"), null=True, blank=True, help_text=_("Empty: the default threshold.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The name as searches compare it (omni.text.searchable), derived on every save.
    search_name = models.CharField(max_length=200, blank=True, default="", editable=False)

    objects = ProductQuerySet.as_manager()
    # Who changed a price or a barcode, and when (the stock has its own ledger).
    history = HistoricalRecords(get_user=history_user, excluded_fields=["updated_at", "search_name"])

    class Meta:
        ordering = ["sku"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="product_price_not_negative"),
            models.CheckConstraint(
                condition=Q(barcode__isnull=True) | Q(barcode__regex=r"^[0-9]{13}$"), name="product_barcode_13_digits"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} · {self.name}"

    def save(self, *args, **kwargs) -> None:
        self.search_name = searchable(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    @property
    def size(self) -> str:
        return str((self.attributes or {}).get("size", ""))

    @property
    def colour(self) -> str:
        return str((self.attributes or {}).get("colour", ""))


class ChannelPrice(models.Model):
    """A channel's own price for a product; without one, the channel pays the base price."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="channel_prices")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    price = models.DecimalField(_("price"), **MONEY_COLUMN)

    class Meta:
        verbose_name = _("channel price")
        verbose_name_plural = _("channel prices")
        constraints = [
            models.UniqueConstraint(fields=["product", "channel"], name="one_price_per_product_channel"),
            models.CheckConstraint(condition=Q(price__gte=0), name="channel_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} {self.channel} {self.price}"


class StockLevelQuerySet(models.QuerySet):
    def for_location(self, location: Location | int) -> StockLevelQuerySet:
        return self.filter(location=location)

    def with_available(self, now=None) -> StockLevelQuerySet:
        """Each level's ``live_reserved``: its reserved units less those of reservations that
        expired but were not yet released by the sweeper (availability must not wait for it).

        ``available`` is the model's property; the alias of the same name lets a query filter
        and sort by it.
        """
        now = now or timezone.now()
        expired = (
            Reservation.objects.filter(
                product_id=OuterRef("product_id"),
                location_id=OuterRef("location_id"),
                status=Reservation.Status.ACTIVE,
                expires_at__lte=now,
            )
            .order_by()
            .values("product_id")
            .annotate(total=Sum("quantity"))
            .values("total")
        )
        return self.annotate(
            live_reserved=F("reserved") - Coalesce(Subquery(expired, output_field=models.IntegerField()), Value(0))
        ).alias(available=F("on_hand") - F("live_reserved"))

    def with_threshold(self, default: int | None = None) -> StockLevelQuerySet:
        """Each level's alert ``threshold``: its own, else its product's, else ``default``
        (the configured default unless given)."""
        default = low_stock_default() if default is None else default
        threshold = Coalesce(F("low_stock_threshold"), F("product__low_stock_threshold"), Value(default))
        return self.annotate(threshold=threshold)


class StockLevel(models.Model):
    """What one location holds of one product. Written only by ``inventory.services``."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="stock_levels")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="stock_levels")
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    low_stock_threshold = models.PositiveIntegerField(
        _("low-stock threshold"), null=True, blank=True, help_text=_("Empty: the product's threshold.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = StockLevelQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        constraints = [
            models.UniqueConstraint(fields=["product", "location"], name="one_stock_level_per_product_location"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stock_on_hand_not_negative"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="stock_reserved_not_negative"),
            models.CheckConstraint(condition=Q(reserved__lte=F("on_hand")), name="stock_available_not_negative"),
        ]
        indexes = [models.Index(fields=["location", "product"], name="stock_level_location_product")]

    def __str__(self) -> str:
        return f"{self.product_id}@{self.location_id}: {self.on_hand} on hand, {self.reserved} reserved"

    @property
    def live_reserved(self) -> int:
        """Reserved units of unexpired reservations: annotated by ``with_available()``. A level
        a service has just written holds no expired reservation (the service released them
        first), so its stored ``reserved`` is the live one."""
        return self.__dict__.get("live_reserved", self.reserved)

    @live_reserved.setter
    def live_reserved(self, value: int) -> None:
        self.__dict__["live_reserved"] = value

    @property
    def available(self) -> int:
        return units_available(self.on_hand, self.live_reserved)


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    ADJUSTMENT = "adjustment", _("Adjustment")
    COUNT = "count", _("Count")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    RESERVATION = "reservation", _("Reservation")
    RELEASE = "release", _("Release")
    SALE = "sale", _("Sale")
    RETURN = "return", _("Return")
    WRITE_OFF = "write_off", _("Written off")


class StockMovement(models.Model):
    """The append-only ledger: the sum of the deltas of a (product, location) is its level."""

    Kind = MovementKind

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="movements")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="stock_movements")
    kind = models.CharField(_("kind"), max_length=16, choices=MovementKind.choices)
    # Units as the operation names them: received, adjusted (signed), counted, moved...
    quantity = models.IntegerField(_("quantity"))
    on_hand_delta = models.IntegerField(_("on-hand change"), default=0)
    reserved_delta = models.IntegerField(_("reserved change"), default=0)
    on_hand_after = models.IntegerField(_("on hand after"))
    reserved_after = models.IntegerField(_("reserved after"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    reference = models.CharField(_("reference"), max_length=100, blank=True, db_index=True)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_client = models.ForeignKey(ApiClient, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(_("by"), max_length=160, blank=True)
    channel = models.CharField(_("channel"), max_length=16, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        indexes = [models.Index(fields=["product", "location", "-created_at"], name="movement_product_location")]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity} of {self.product_id}@{self.location_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise RuntimeError("The stock ledger is append-only.")
        super().save(*args, **kwargs)


class Reservation(models.Model):
    """Units promised to a reference (an order, a cart) at one location."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        RELEASED = "released", _("Released")
        CONSUMED = "consumed", _("Sold")
        EXPIRED = "expired", _("Expired")

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="reservations")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="reservations")
    reference = models.CharField(_("reference"), max_length=100, db_index=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    actor_label = models.CharField(max_length=160, blank=True)
    channel = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="reservation_quantity_positive")]
        indexes = [
            models.Index(
                fields=["product", "location", "expires_at"],
                name="reservation_active_expiry",
                condition=Q(status="active"),
            ),
            models.Index(fields=["expires_at"], name="reservation_active_due", condition=Q(status="active")),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.quantity} × {self.product_id}@{self.location_id} ({self.status})"

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.ACTIVE and (self.expires_at is None or self.expires_at > timezone.now())


class ImportJob(models.Model):
    """A CSV import (products or stock counts): previewed, then applied by a Celery task."""

    class Kind(models.TextChoices):
        PRODUCTS = "products", _("Products")
        COUNTS = "counts", _("Stock counts")

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Preview")
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PREVIEW)
    filename = models.CharField(_("file"), max_length=200, blank=True)
    content = models.TextField()
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    applied_rows = models.PositiveIntegerField(default=0)
    error_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.kind} import {self.filename} ({self.status})"

    @property
    def percent(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 100

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
