from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoyaltyConfig(AppConfig):
    name = "loyalty"
    verbose_name = _("Loyalty")

    def ready(self) -> None:
        from customers.sections import CustomerSection
        from customers.signals import customers_merged
        from customers.timeline import TimelineSource
        from omni.registry import ApiLink, NavEntry, Seeder, registry

        from . import receivers
        from .seed import seed_loyalty
        from .timeline import points_entries
        from .views import sees_programme

        customers_merged.connect(receivers.repoint_merged_customer, dispatch_uid="loyalty-customers-merged")
        registry.add(
            ApiLink("loyalty_program", "loyalty-program"),
            TimelineSource("loyalty", points_entries),
            CustomerSection(_("Loyalty points"), "loyalty:customer", order=7),
            NavEntry(_("Loyalty"), "loyalty:programme", "star", sees_programme, order=55),
            Seeder("loyalty", seed_loyalty),
        )
