"""What the promotions app plugs into the core: the global search finds promotions by
name or shared code, and an exact code (shared or generated) opens its promotion."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from omni.actor import Actor
from omni.permissions import marketing_or_admin
from omni.registry import SearchHit

from .codes import normalise_code
from .models import DiscountCode, Promotion


def search_promotions(query: str, actor: Actor, limit: int) -> list[SearchHit]:
    if not marketing_or_admin(actor):
        return []
    promotions = Promotion.objects.filter(Q(name__icontains=query) | Q(code=normalise_code(query)))
    return [
        SearchHit(
            kind=_("Promotion"),
            label=promotion.name,
            detail=promotion.get_status_display(),
            url=reverse("promotions:detail", args=[promotion.pk]),
        )
        for promotion in promotions.order_by("-priority", "name")[:limit]
    ]


def exact_code(query: str, actor: Actor) -> str | None:
    if not marketing_or_admin(actor):
        return None
    code = normalise_code(query)
    promotion_id = (
        DiscountCode.objects.filter(code=code).values_list("promotion_id", flat=True).first()
        or Promotion.objects.filter(code=code).values_list("pk", flat=True).first()
    )
    return reverse("promotions:detail", args=[promotion_id]) if promotion_id else None
