from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromotionsConfig(AppConfig):
    name = "promotions"
    verbose_name = _("Promotions")

    def ready(self) -> None:
        from customers.signals import customers_merged
        from omni.api_urls import ROOT_LINKS
        from omni.permissions import marketing_or_admin
        from omni.registry import DashboardPanel, NavEntry, registry

        from . import hooks, receivers
        from .seed import seed_promotions

        for link in (("promotions", "promotion-list"), ("pricing_quote", "pricing-quote")):
            if link not in ROOT_LINKS:
                ROOT_LINKS.append(link)
        registry.add_nav(NavEntry(_("Promotions"), "promotions:list", "tags", marketing_or_admin, order=50))
        registry.add_search(hooks.search_promotions, hooks.exact_code)
        registry.add_panel(DashboardPanel("promotions/_dashboard_panel.html", hooks.offers_panel, hooks.sees_offers,
                                          order=40))
        registry.add_seeder("promotions", seed_promotions)
        customers_merged.connect(receivers.repoint_merged_customer, dispatch_uid="promotions-customers-merged")
