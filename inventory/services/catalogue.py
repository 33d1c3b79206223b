"""Writes of the catalogue: products and their channel prices."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from omni.actor import Actor
from omni.errors import Forbidden
from omni.money import to_money

from ..models import ChannelPrice, Product
from ..permissions import can_write_catalogue

PRODUCT_FIELDS = {"barcode", "name", "category", "attributes", "price", "is_active", "low_stock_threshold"}


def _set_channel_prices(product: Product, channel_prices: dict[str, Decimal | str | None]) -> None:
    """Set the given channels' prices; a ``None`` price removes that channel's own price."""
    removed = [channel for channel, price in channel_prices.items() if price is None]
    if removed:
        ChannelPrice.objects.filter(product=product, channel__in=removed).delete()
    kept = {channel: to_money(price) for channel, price in channel_prices.items() if price is not None}
    if kept:
        ChannelPrice.objects.bulk_create(
            [ChannelPrice(product=product, channel=channel, price=price) for channel, price in kept.items()],
            update_conflicts=True,
            unique_fields=["product", "channel"],
            update_fields=["price"],
        )


@transaction.atomic
def product_create(
    *,
    actor: Actor,
    sku: str,
    name: str,
    price: Decimal | str,
    barcode: str | None = None,
    category: str = "",
    attributes: dict | None = None,
    channel_prices: dict[str, Decimal | str | None] | None = None,
    is_active: bool = True,
    low_stock_threshold: int | None = None,
) -> Product:
    if not can_write_catalogue(actor):
        raise Forbidden()
    product = Product(
        sku=sku,
        barcode=barcode or None,
        name=name,
        category=category or "",
        attributes=attributes or {},
        price=to_money(price),
        is_active=is_active,
        low_stock_threshold=low_stock_threshold,
    )
    product.full_clean(validate_unique=False, validate_constraints=False)
    product.save()
    if channel_prices:
        _set_channel_prices(product, channel_prices)
    return product


@transaction.atomic
def product_update(
    *,
    product: Product,
    actor: Actor,
    channel_prices: dict[str, Decimal | str | None] | None = None,
    **fields: Any,
) -> Product:
    if not can_write_catalogue(actor):
        raise Forbidden()
    unknown = set(fields) - PRODUCT_FIELDS
    if unknown:
        raise TypeError(f"Not a product field: {', '.join(sorted(unknown))}")
    if "price" in fields:
        fields["price"] = to_money(fields["price"])
    if "barcode" in fields:
        fields["barcode"] = fields["barcode"] or None
    for name, value in fields.items():
        setattr(product, name, value)
    if fields:
        product.full_clean(validate_unique=False, validate_constraints=False)
        product.save(update_fields=[*fields, "updated_at"])
    if channel_prices:
        _set_channel_prices(product, channel_prices)
    return product
