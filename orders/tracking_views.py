"""The public tracking page (``/t/<token>/``), and the staff side of tracking: a customer's
orders of every channel on the 360° page, with the tracking link sent again on request.
Thin: selectors and services do the work; refusals render in place."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from customers.templatetags.customer_tags import phone as phone_display
from omni.actor import Actor
from omni.channels import Channel
from omni.errors import DomainError
from omni.pages import refuse

from . import selectors
from .models import Order, TrackingLinkSent
from .permissions import may_order_for_customer, may_read_all_orders, may_send_tracking_link
from .services.tracking import order_tracking_link_send, order_tracking_opened
from .tracking import supported_language, tracking_data, tracking_link_works, tracking_url

logger = logging.getLogger(__name__)
CUSTOMER_ORDERS_SHOWN = 20


# --- the public page ------------------------------------------------------------------------
@require_GET
def tracking_page(request, token):
    """No login: the signed token is the key. In the language of the link's message, or the
    one the reader picks (``?lang=``); a forged, altered or expired link is a 404."""
    found = selectors.order_for_tracking(token=token)
    if found is None:
        response = render(request, "orders/tracking/not_found.html",
                          {"days": settings.OMNI_TRACKING_DAYS_AFTER_CLOSE}, status=404)
        return _private(response)
    order, link = found
    language = supported_language(request.GET.get("lang")) if request.GET.get("lang") else link.language
    if not request.user.is_authenticated:  # staff looking at what the customer sees are no visit
        try:
            order_tracking_opened(order=order, link=link, channel=Channel.WEB)
        except DatabaseError:  # the visit is for marketing; the customer gets the page anyway
            logger.warning("tracking visit of %s not recorded", order.number, exc_info=True)
    with translation.override(language):
        response = render(request, "orders/tracking/page.html", {
            "track": tracking_data(order),
            "languages": [(code, translation.get_language_info(code)["name_local"]) for code, _n in settings.LANGUAGES],
        })
        response["Content-Language"] = language
    return _private(response)


def _private(response):
    """One order's page: kept out of shared caches and search engines."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# --- staff: the customer's orders of every channel ----------------------------------------------
def _staff(request) -> Actor:
    actor = Actor.from_request(request)
    if not may_read_all_orders(actor) or actor.user is None:
        raise PermissionDenied
    return actor


@login_required
@require_GET
def customer_orders(request, customer_id):
    """A section of the 360° page (and the call centre's view of it): what the customer
    spent, their open carts (a store continues one at the till from here), and every order
    of the customer, web, app, call centre and every store, in one table, newest first."""
    actor = _staff(request)
    orders = list(selectors.customer_orders(customer_id=customer_id, limit=CUSTOMER_ORDERS_SHOWN + 1))
    via = actor.channel or Channel.STORE
    context = {
        "rows": [(order, tracking_url(order, via=via) if tracking_link_works(order, returns=()) else "")
                 for order in orders[:CUSTOMER_ORDERS_SHOWN]],
        "more": len(orders) > CUSTOMER_ORDERS_SHOWN,
        "customer_id": customer_id,
        "spend": selectors.customer_spend(customer_id=customer_id),
        "carts": list(selectors.customer_open_carts(customer_id=customer_id)),
        "may_continue_carts": may_order_for_customer(actor),
        "may_send": may_send_tracking_link(actor),
        "languages": settings.LANGUAGES,
        # The customer's language first (every row is the same customer's order).
        "current_language": next((order.customer.message_language for order in orders if order.customer),
                                 supported_language(translation.get_language())),
    }
    template = "orders/_customer_orders.html" if request.htmx else "orders/customer_orders.html"
    return render(request, template, context)


@login_required
@require_POST
def tracking_link_send(request, number):
    """Send the order's tracking link again by SMS or e-mail (POST ``medium``, ``language``)."""
    actor = _staff(request)
    order = selectors.order_get(actor=actor, number=number, details=False)
    if order is None:
        raise Http404
    medium = request.POST.get("medium", "")
    try:
        sent = order_tracking_link_send(order=order, medium=medium, actor=actor, language=request.POST.get("language"))
    except DomainError as exc:
        if request.htmx:
            return refuse(request, exc)
        messages.error(request, exc.detail)
        return _back_to_customer(order)
    customer = sent.order.customer
    if customer is None:  # not reached: the service refuses an order without a customer (NoContact)
        raise RuntimeError(f"Order {order.number}: a tracking link was sent without a customer.")
    to = phone_display(customer.phone) if sent.medium == TrackingLinkSent.Medium.SMS else customer.email
    detail = _("Tracking link of %(number)s sent by %(medium)s to %(to)s.") % {
        "number": order.number, "medium": sent.get_medium_display(), "to": to}
    if request.htmx:
        return render(request, "orders/_tracking_sent.html", {"detail": detail, "sent": sent})
    messages.success(request, detail)
    return _back_to_customer(order)


def _back_to_customer(order: Order):
    if order.customer_id:
        return redirect("customers:customer-detail", customer_id=order.customer_id)
    return redirect("orders:order-detail", number=order.number)
