"""Journey facts that customer segments can use (registered in ``apps.ready()``)."""

from django.db.models import QuerySet

from omni.channels import Channel

from .models import JourneyChannel


def researched_online_bought_in_store(customers: QuerySet, params: dict) -> QuerySet:
    """Customers with a store purchase whose journey touched the web shop or the app."""
    buyers = JourneyChannel.objects.filter(
        converted=True, purchase_channel=Channel.STORE, channel__in=[Channel.WEB, Channel.APP]
    ).values("customer_id")
    return customers.filter(pk__in=buyers)
