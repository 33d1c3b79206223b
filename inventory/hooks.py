"""What the inventory plugs into the core: global search, scan-to-open, the dashboard's
low-stock panel."""

from django.urls import reverse
from django.utils.translation import gettext as _

from omni.actor import Actor
from omni.registry import SearchHit, SearchResults

from . import selectors
from .models import Product


def sees_stock(actor: Actor) -> bool:
    return actor.user is not None


def sees_low_stock(actor: Actor) -> bool:
    return actor.is_admin or actor.is_store_staff and bool(actor.location_ids) or actor.is_manager


def search_products(query: str, actor: Actor, limit: int) -> SearchResults:
    """Products with what can be promised of each: at the actor's own locations when it
    works at some, and everywhere."""
    products = Product.objects.active().search(query).order_by("name")
    found = list(products[:limit])
    figures = selectors.available_by_product(found, own=actor.location_ids)

    def stock_text(product: Product) -> str:
        here, everywhere = figures[product.pk]
        if actor.location_ids:
            return _("%(here)s here, %(everywhere)s everywhere") % {"here": here, "everywhere": everywhere}
        return _("%(everywhere)s available") % {"everywhere": everywhere}

    hits = [
        SearchHit(
            kind=_("Product"),
            label=product.name,
            detail=" · ".join(filter(None, [product.sku, stock_text(product)])),
            url=reverse("inventory:product", args=[product.sku]),
        )
        for product in found
    ]
    return SearchResults(hits, SearchResults.total_of(products, found, limit))


def exact_product(query: str, actor: Actor) -> str | None:
    product = selectors.product_find(code=query)
    return reverse("inventory:product", args=[product.sku]) if product else None


def low_stock_panel(actor: Actor) -> dict:
    levels, total = selectors.low_stock(actor=actor)
    return {"levels": levels, "total": total}
