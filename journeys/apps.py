from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JourneysConfig(AppConfig):
    name = "journeys"
    verbose_name = _("Journeys")

    def ready(self) -> None:
        from customers import signals as customer_signals
        from customers.facts import Fact
        from customers.sections import CustomerSection
        from customers.timeline import TimelineSource
        from loyalty import signals as loyalty_signals
        from omni.registry import ApiLink, NavEntry, Seeder, registry
        from orders import signals as order_signals
        from promotions import signals as promotion_signals

        from . import receivers
        from .facts import researched_online_bought_in_store
        from .seed import seed_journeys
        from .timeline import touchpoint_entries

        order_signals.order_placed.connect(receivers.on_order_placed, dispatch_uid="journeys-order-placed")
        order_signals.order_tracked.connect(receivers.on_order_tracked, dispatch_uid="journeys-order-tracked")
        promotion_signals.code_redeemed.connect(receivers.on_code_redeemed, dispatch_uid="journeys-code-redeemed")
        loyalty_signals.points_redeemed.connect(receivers.on_points_redeemed, dispatch_uid="journeys-points-redeemed")
        customer_signals.contact_recorded.connect(receivers.on_contact_recorded, dispatch_uid="journeys-contact")
        customer_signals.customers_merged.connect(receivers.on_customers_merged, dispatch_uid="journeys-merged")
        customer_signals.customer_erased.connect(receivers.on_customer_erased, dispatch_uid="journeys-erased")
        registry.add(
            TimelineSource("journeys", touchpoint_entries),
            CustomerSection(_("Journeys across channels"), "journeys:customer", order=10),
            Fact(
                "researched_online_bought_in_store",
                _("Researched online, bought in store"),
                researched_online_bought_in_store,
            ),
            NavEntry(_("Journeys"), "journeys:dashboard", "signpost-split", _reads_analytics, order=60),
            Seeder("journeys", seed_journeys),
            ApiLink("events", "event-ingest"),
            ApiLink("journeys_summary", "journey-summary"),
        )


def _reads_analytics(actor) -> bool:
    from .api import reads_analytics

    return reads_analytics(actor)
