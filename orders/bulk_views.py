"""Actions on several orders at once, from the orders list: each order through the same
service as its own page, one by one, the refusals reported beside the successes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from omni.actor import Actor
from omni.errors import DomainError
from omni.pages import back_to

from . import selectors, services

MAX_AT_ONCE = 100  # a page of the list is 25


@login_required
@require_POST
def orders_mark_ready_view(request):
    """Mark the ticked pickups ready (the store has prepared them): each customer gets
    their message, as from the order's page."""
    actor = Actor.from_request(request)
    numbers = request.POST.getlist("number")[:MAX_AT_ONCE]
    ready, refused = 0, []
    for number in numbers:
        order = selectors.order_get(actor=actor, number=number, details=False)
        if order is None:
            refused.append(_("%(number)s: no such order.") % {"number": number})
            continue
        try:
            services.order_mark_ready(order=order, actor=actor)
        except DomainError as exc:
            refused.append(f"{order.number}: {exc.detail}")
        else:
            ready += 1
    if not numbers:
        messages.error(request, _("Tick at least one order."))
    if ready:
        messages.success(request, ngettext("%(count)s order marked ready.", "%(count)s orders marked ready.", ready)
                         % {"count": ready})
    for refusal in refused:
        messages.error(request, refusal)
    return redirect(back_to(request, reverse("orders:order-list")))
