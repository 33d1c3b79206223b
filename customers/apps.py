from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from omni.api_urls import ROOT_LINKS
        from omni.registry import DashboardPanel, NavEntry, registry

        from .facts import register_builtin_facts
        from .permissions import may_edit_segments, may_merge_customers, may_read_customers
        from .search import customer_exact_match_url, customer_search_hits, dashboard_context
        from .seed import seed_customers

        register_builtin_facts()
        registry.add_nav(NavEntry(_("Customers"), "customers:customer-list", "people", may_read_customers, order=20))
        registry.add_nav(NavEntry(_("Segments"), "customers:segment-list", "diagram-3", may_edit_segments, order=60))
        registry.add_nav(NavEntry(_("Duplicates"), "customers:duplicates", "intersect", may_merge_customers, order=70))
        registry.add_search(customer_search_hits, customer_exact_match_url)
        registry.add_panel(
            DashboardPanel("customers/_dashboard_panel.html", dashboard_context, may_read_customers, order=20)
        )
        registry.add_seeder("customers", seed_customers)
        for link in [("customers", "customer-list"), ("segments", "segment-list")]:
            if link not in ROOT_LINKS:
                ROOT_LINKS.append(link)
