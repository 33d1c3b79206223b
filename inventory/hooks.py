"""What the inventory plugs into the core: global search, scan-to-open, the dashboard's
low-stock panel."""

from django.urls import reverse
from django.utils.translation import gettext as _

from omni.actor import Actor
from omni.registry import SearchHit

from . import selectors
from .models import Product


def sees_stock(actor: Actor) -> bool:
    return actor.user is not None


def sees_low_stock(actor: Actor) -> bool:
    return actor.is_admin or actor.is_store_staff and bool(actor.location_ids) or actor.is_manager


def search_products(query: str, actor: Actor, limit: int) -> list[SearchHit]:
    products = Product.objects.active().search(query).order_by("name")[:limit]
    return [
        SearchHit(
            kind=_("Product"),
            label=product.name,
            detail=" · ".join(filter(None, [product.sku, product.barcode or "", product.category])),
            url=reverse("inventory:product", args=[product.sku]),
        )
        for product in products
    ]


def exact_product(query: str, actor: Actor) -> str | None:
    product = selectors.product_find(code=query)
    return reverse("inventory:product", args=[product.sku]) if product else None


def low_stock_panel(actor: Actor) -> dict:
    levels, total = selectors.low_stock(actor=actor)
    return {"levels": levels, "total": total}
