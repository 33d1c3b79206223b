"""Actions on several promotions at once, from the list: each through the same service as
its own form, back to the list as it was."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from omni.actor import Actor
from omni.pages import back_to

from .selectors import promotion_list
from .services import promotion_update
from .views import marketing_required

MAX_AT_ONCE = 500


@marketing_required
@require_POST
def promotion_bulk_view(request):
    """Activate or deactivate the promotions ticked on the list, each through the service;
    back to the list as it was (its filters, sort and page)."""
    actor = Actor.from_request(request)
    active = {"activate": True, "deactivate": False}.get(request.POST.get("action", ""))
    chosen = promotion_list(actor=actor, filters={}).filter(pk__in=_uuids(request.POST.getlist("promotion")))
    if active is None or not chosen:
        messages.error(request, _("Tick at least one promotion, then an action."))
    else:
        changed = [promotion_update(promotion=promotion, actor=actor, is_active=active)
                   for promotion in chosen if promotion.is_active != active]
        text = (ngettext("%(count)s promotion activated.", "%(count)s promotions activated.", len(changed)) if active
                else ngettext("%(count)s promotion deactivated.", "%(count)s promotions deactivated.", len(changed)))
        messages.success(request, text % {"count": len(changed)})
    return redirect(back_to(request, reverse("promotions:list")))


def _uuids(values: list[str]) -> list[uuid.UUID]:
    found = []
    for value in values[:MAX_AT_ONCE]:
        try:
            found.append(uuid.UUID(value))
        except ValueError:
            continue
    return found
