from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from omni.registry import ApiLink, DashboardPanel, NavEntry, SearchProvider, Seeder, list_url, registry

        from .facts import BUILTIN_FACTS
        from .permissions import may_edit_segments, may_merge_customers, may_read_customers
        from .search import customer_exact_match_url, customer_search_hits, dashboard_context
        from .seed import seed_customers
        from .timeline import BUILTIN_SOURCES

        registry.add(
            *BUILTIN_FACTS,
            *BUILTIN_SOURCES,
            NavEntry(_("Customers"), "customers:customer-list", "people", may_read_customers, order=20),
            NavEntry(_("Segments"), "customers:segment-list", "diagram-3", may_edit_segments, order=60),
            NavEntry(_("Duplicates"), "customers:duplicates", "intersect", may_merge_customers, order=70),
            SearchProvider("customers", customer_search_hits, customer_exact_match_url,
                           list_url=list_url("customers:customer-list")),
            DashboardPanel("customers/_dashboard_panel.html", dashboard_context, may_read_customers, order=20),
            Seeder("customers", seed_customers),
            ApiLink("customers", "customer-list"),
            ApiLink("segments", "segment-list"),
        )
