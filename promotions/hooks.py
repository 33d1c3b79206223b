"""What the promotions app plugs into the core: the global search finds promotions by
name or shared code, and an exact code (shared or generated) opens its promotion."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from omni.actor import Actor
from omni.permissions import marketing_or_admin
from omni.registry import SearchHit, SearchResults

from .codes import normalise_code
from .models import DiscountCode, Promotion


def search_promotions(query: str, actor: Actor, limit: int) -> SearchResults:
    query = query.replace("\x00", "")
    if not marketing_or_admin(actor) or not query:
        return SearchResults([])
    promotions = Promotion.objects.filter(Q(name__icontains=query) | Q(code=normalise_code(query)))
    return SearchResults.of(
        promotions.order_by("-priority", "name"),
        limit,
        lambda promotion: SearchHit(
            kind=_("Promotion"),
            label=promotion.name,
            detail=promotion.get_status_display(),
            url=reverse("promotions:detail", args=[promotion.pk]),
        ),
    )


def exact_code(query: str, actor: Actor) -> str | None:
    if not marketing_or_admin(actor):
        return None
    code = normalise_code(query)
    promotion_id = (
        DiscountCode.objects.filter(code=code).values_list("promotion_id", flat=True).first()
        or Promotion.objects.filter(code=code).values_list("pk", flat=True).first()
    )
    return reverse("promotions:detail", args=[promotion_id]) if promotion_id else None


def sees_offers(actor: Actor) -> bool:
    return marketing_or_admin(actor) and actor.user is not None


def offers_panel(actor: Actor) -> dict:
    """Running promotions and the last campaigns, for the marketing dashboard (4 queries)."""
    from .models import Campaign
    from .selectors import campaign_report, redemption_stats

    now = timezone.now()
    running = list(Promotion.objects.running(now).order_by("-priority", "name")[:6])
    campaigns = list(Campaign.objects.select_related("segment").order_by("-created_at")[:1])
    return {
        "running": running,
        "running_count": Promotion.objects.running(now).count(),
        "by_channel": redemption_stats(),
        "campaign": campaigns[0] if campaigns else None,
        "report": campaign_report(campaigns[0]) if campaigns else None,
    }
