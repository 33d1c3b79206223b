from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "inventory"
    verbose_name = _("Inventory")

    def ready(self) -> None:
        from omni.api_urls import ROOT_LINKS
        from omni.registry import DashboardPanel, NavEntry, registry

        from . import hooks
        from .seed import seed_inventory

        for link in (("products", "product-list"), ("stock", "stock-list")):
            if link not in ROOT_LINKS:
                ROOT_LINKS.append(link)
        registry.add_nav(NavEntry(_("Stock"), "inventory:lookup", "box-seam", hooks.sees_stock, order=20))
        registry.add_search(hooks.search_products, hooks.exact_product)
        registry.add_panel(
            DashboardPanel("inventory/_low_stock_panel.html", hooks.low_stock_panel, hooks.sees_low_stock, order=30)
        )
        registry.add_seeder("inventory", seed_inventory)
