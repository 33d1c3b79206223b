from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from customers.exports import register_customer_export
        from customers.sections import CustomerSection, register_customer_section
        from customers.signals import customer_erased, customers_merged
        from customers.timeline import register_timeline_source
        from omni.api_urls import ROOT_LINKS
        from omni.registry import DashboardPanel, NavEntry, registry

        from . import hooks
        from .permissions import may_see_pickups
        from .seed import seed_orders

        for link in (("carts", "cart-list"), ("orders", "order-list")):
            if link not in ROOT_LINKS:
                ROOT_LINKS.append(link)
        registry.add_nav(NavEntry(_("Pickups"), "orders:pickup-board", "bag-check", may_see_pickups, order=30))
        registry.add_nav(NavEntry(_("Orders"), "orders:order-list", "receipt", hooks.sees_orders, order=31))
        registry.add_search(hooks.search_orders, hooks.exact_order)
        registry.add_panel(
            DashboardPanel("orders/_pickup_panel.html", hooks.pickup_panel, hooks.sees_pickup_panel, order=10)
        )
        registry.add_seeder("orders", seed_orders)
        register_timeline_source(hooks.timeline_entries)
        register_customer_section(CustomerSection(_("Orders, every channel"), "orders:customer-orders", order=5))
        register_customer_export("orders", hooks.export_orders)
        hooks.register_facts()
        customers_merged.connect(hooks.on_customers_merged, dispatch_uid="orders-customers-merged")
        customer_erased.connect(hooks.on_customer_erased, dispatch_uid="orders-customer-erased")
