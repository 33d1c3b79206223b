from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromotionsConfig(AppConfig):
    name = "promotions"
    verbose_name = _("Promotions")

    def ready(self) -> None:
        from customers.signals import customers_merged
        from omni.permissions import marketing_or_admin
        from omni.registry import ApiLink, DashboardPanel, NavEntry, SearchProvider, Seeder, list_url, registry

        from . import hooks, receivers
        from .seed import seed_promotions

        registry.add(
            ApiLink("promotions", "promotion-list"),
            ApiLink("pricing_quote", "pricing-quote"),
            NavEntry(_("Promotions"), "promotions:list", "tags", marketing_or_admin, order=50),
            SearchProvider("promotions", hooks.search_promotions, hooks.exact_code,
                           list_url=list_url("promotions:list", "search")),
            DashboardPanel("promotions/_dashboard_panel.html", hooks.offers_panel, hooks.sees_offers, order=40),
            Seeder("promotions", seed_promotions),
        )
        customers_merged.connect(receivers.repoint_merged_customer, dispatch_uid="promotions-customers-merged")
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from .models import Promotion

        post_save.connect(receivers.promotion_changed, sender=Promotion, dispatch_uid="promotions-pricing-saved")
        post_delete.connect(receivers.promotion_changed, sender=Promotion, dispatch_uid="promotions-pricing-deleted")
        m2m_changed.connect(
            receivers.promotion_changed, sender=Promotion.segments.through, dispatch_uid="promotions-pricing-segments"
        )
