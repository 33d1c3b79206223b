from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "inventory"
    verbose_name = _("Inventory")

    def ready(self) -> None:
        from omni.registry import ApiLink, DashboardPanel, NavEntry, SearchProvider, Seeder, list_url, registry

        from . import hooks
        from .seed import seed_inventory

        registry.add(
            ApiLink("products", "product-list"),
            ApiLink("stock", "stock-list"),
            NavEntry(_("Stock"), "inventory:lookup", "box-seam", hooks.sees_stock, order=20),
            SearchProvider("inventory", hooks.search_products, hooks.exact_product,
                           list_url=list_url("inventory:lookup")),
            DashboardPanel("inventory/_low_stock_panel.html", hooks.low_stock_panel, hooks.sees_low_stock, order=30),
            Seeder("inventory", seed_inventory),
        )
