from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GiftCardsConfig(AppConfig):
    name = "giftcards"
    verbose_name = _("Gift cards")

    def ready(self) -> None:
        from customers.sections import CustomerSection
        from customers.signals import customers_merged
        from omni.registry import ApiLink, NavEntry, Seeder, registry

        from . import receivers
        from .permissions import may_issue_cards
        from .seed import seed_gift_cards

        customers_merged.connect(receivers.repoint_merged_customer, dispatch_uid="giftcards-customers-merged")
        registry.add(
            ApiLink("gift_cards", "gift-card-list"),
            NavEntry(_("Gift cards"), "giftcards:home", "gift", may_issue_cards, order=45),
            Seeder("giftcards", seed_gift_cards),
            CustomerSection(_("Gift cards and store credit"), "giftcards:customer", order=6),
        )
