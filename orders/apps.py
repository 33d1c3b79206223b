from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from customers.exports import CustomerExport
        from customers.sections import CustomerSection
        from customers.signals import customer_erased, customers_merged
        from customers.timeline import TimelineSource
        from omni.registry import (
            ApiLink,
            DashboardPanel,
            NavEntry,
            ProductAction,
            SearchProvider,
            Seeder,
            list_url,
            registry,
        )

        from . import hooks
        from .permissions import may_see_pickups
        from .seed import seed_orders

        registry.add(
            ApiLink("carts", "cart-list"),
            ApiLink("orders", "order-list"),
            NavEntry(_("Pickups"), "orders:pickup-board", "bag-check", may_see_pickups, order=30),
            NavEntry(_("Orders"), "orders:order-list", "receipt", hooks.sees_orders, order=31),
            SearchProvider("orders", hooks.search_orders, hooks.exact_order, list_url=list_url("orders:order-list")),
            DashboardPanel("orders/_pickup_panel.html", hooks.pickup_panel, hooks.sees_pickup_panel, order=10),
            Seeder("orders", seed_orders),
            ProductAction("aisle", _("Sell it from elsewhere"), "truck", hooks.aisle_link),
            TimelineSource("orders", hooks.timeline_entries),
            CustomerSection(_("Orders, every channel"), "orders:customer-orders", order=5),
            CustomerExport("orders", hooks.export_orders),
            *hooks.facts(),
        )
        customers_merged.connect(hooks.on_customers_merged, dispatch_uid="orders-customers-merged")
        customer_erased.connect(hooks.on_customer_erased, dispatch_uid="orders-customer-erased")
