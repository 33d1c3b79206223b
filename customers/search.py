"""What the customers app plugs into the shell: global search hits and the dashboard panel."""

from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from omni.actor import Actor
from omni.registry import SearchHit, SearchResults

from .identifiers import format_phone
from .models import Customer
from .permissions import may_read_customers
from .selectors import customer_exact_match, customer_search


def customer_search_hits(query: str, actor: Actor, limit: int) -> SearchResults:
    if not may_read_customers(actor):
        return SearchResults([])
    return SearchResults.of(
        customer_search(query),
        limit,
        lambda customer: SearchHit(
            kind=_("Customer"),
            label=customer.full_name or _("(no name)"),
            detail=" · ".join(filter(None, [customer.email, format_phone(customer.phone), customer.loyalty_card])),
            url=reverse("customers:customer-detail", args=[customer.pk]),
        ),
    )


def customer_exact_match_url(query: str, actor: Actor) -> str | None:
    if not may_read_customers(actor):
        return None
    customer = customer_exact_match(query)
    return reverse("customers:customer-detail", args=[customer.pk]) if customer else None


def dashboard_context(actor: Actor) -> dict:
    week_ago = timezone.now() - timedelta(days=7)
    counts = Customer.objects.active().aggregate(
        total=Count("pk"),
        new=Count("pk", filter=Q(created_at__gte=week_ago)),
        sms=Count("pk", filter=Q(sms_consent=True)),
    )
    return counts
