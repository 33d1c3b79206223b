from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class JourneysConfig(AppConfig):
    name = "journeys"
    verbose_name = _("Journeys")

    def ready(self) -> None:
        from customers import signals as customer_signals
        from customers.facts import register_fact
        from customers.models import Contact
        from customers.sections import CustomerSection, register_customer_section
        from customers.timeline import register_timeline_source
        from omni.api_urls import ROOT_LINKS
        from omni.registry import NavEntry, registry
        from orders import signals as order_signals
        from promotions import signals as promotion_signals

        from . import receivers
        from .facts import researched_online_bought_in_store
        from .seed import seed_journeys
        from .timeline import touchpoint_entries

        order_signals.order_placed.connect(receivers.on_order_placed, dispatch_uid="journeys-order-placed")
        order_signals.order_tracked.connect(receivers.on_order_tracked, dispatch_uid="journeys-order-tracked")
        promotion_signals.code_redeemed.connect(receivers.on_code_redeemed, dispatch_uid="journeys-code-redeemed")
        post_save.connect(receivers.on_contact_saved, sender=Contact, dispatch_uid="journeys-contact")
        customer_signals.customers_merged.connect(receivers.on_customers_merged, dispatch_uid="journeys-merged")
        customer_signals.customer_erased.connect(receivers.on_customer_erased, dispatch_uid="journeys-erased")
        register_timeline_source(touchpoint_entries)
        register_customer_section(CustomerSection(_("Journeys across channels"), "journeys:customer", order=10))
        register_fact(
            "researched_online_bought_in_store",
            _("Researched online, bought in store"),
            researched_online_bought_in_store,
        )
        registry.add_nav(NavEntry(_("Journeys"), "journeys:dashboard", "signpost-split", _reads_analytics, order=60))
        registry.add_seeder("journeys", seed_journeys)
        for entry in [("events", "event-ingest"), ("journeys_summary", "journey-summary")]:
            if entry not in ROOT_LINKS:
                ROOT_LINKS.append(entry)


def _reads_analytics(actor) -> bool:
    from .api import reads_analytics

    return reads_analytics(actor)
