"""Staff pages: the click & collect board, orders, hand-over, slips, returns, the
endless-aisle order form and carts opened by QR code. Thin: call selectors and services;
an htmx request gets the fragment of the same view; refusals render in place."""

from __future__ import annotations

import segno
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from giftcards.services import CardPayment
from loyalty.selectors import balance_of
from omni.actor import Actor
from omni.errors import DomainError
from omni.models import Location
from omni.money import typed_amount
from omni.pages import refuse
from omni.sorting import Sorting

from . import selectors, services
from .errors import MissingField
from .models import (
    HANDED_OVER_STATUSES,
    Cart,
    Fulfilment,
    ItemCondition,
    Order,
    OrderStatus,
    RefundMethod,
    ReturnReason,
)
from .permissions import (
    may_act_on_pickup,
    may_cancel,
    may_order_for_customer,
    may_read_all_orders,
    may_see_pickups,
    may_ship,
    may_unlock_pickup,
)

PAGE_SIZE = 25
ORDER_SORTING = Sorting(
    columns={"number": ("number",), "placed": ("created_at",), "status": ("status",), "total": ("total",),
             "customer": ("customer__last_name", "customer__first_name")},
    default="-placed",
)
ORDER_ALERT = "#order-alert"  # the alert box above an order's actions: the order stays as it was


def _actor(request) -> Actor:
    actor = Actor.from_request(request)
    if not may_read_all_orders(actor):
        raise PermissionDenied
    return actor


def _order_or_404(actor: Actor, number: str, *, details: bool = True) -> Order:
    order = selectors.order_get(actor=actor, number=number, details=details)
    if order is None:
        raise Http404
    return order


def _board_locations(actor: Actor, request) -> tuple[list[Location], Location | None]:
    if actor.acts_everywhere:
        locations = list(Location.objects.filter(click_and_collect=True, is_active=True).order_by("name"))
    else:
        locations = list(Location.objects.filter(pk__in=actor.location_ids).order_by("name"))
    wanted = request.GET.get("location")
    chosen = next((loc for loc in locations if loc.code == wanted), locations[0] if locations else None)
    return locations, chosen


# --- the click & collect board -------------------------------------------------------------------
@login_required
@require_GET
def pickup_board(request):
    actor = Actor.from_request(request)
    if not may_see_pickups(actor):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    if query:
        number = query.upper() if query.upper().startswith("OM-") else f"OM-{query.upper()}"
        if Order.objects.filter(number=number).exists():
            url = reverse("orders:order-detail", args=[number])
            if request.htmx:
                response = HttpResponse(status=204)
                response["HX-Redirect"] = url
                return response
            return redirect(url)
    locations, location = _board_locations(actor, request)
    board = selectors.pickup_board(location_ids=[location.pk] if location else [])
    context = {
        "locations": locations, "location": location, "board": board, "query": query,
        "not_found": bool(query), "now": timezone.now(),
        "columns": [
            {"key": key, "label": label, "icon": icon, "colour": colour, "orders": board[key]}
            for key, label, icon, colour in (
                ("to_prepare", _("To prepare"), "box-seam", "primary"),
                ("ready", _("Ready"), "bag-check", "success"),
                ("overdue", _("Overdue"), "alarm", "danger"),
                ("collected", _("Collected today"), "check2-all", "secondary"),
            )
        ],
    }
    template = "orders/_board.html" if request.htmx and not query else "orders/pickup_board.html"
    return render(request, template, context)


# --- orders ---------------------------------------------------------------------------------------
@login_required
@require_GET
def order_list(request):
    actor = _actor(request)
    filters = {key: request.GET.get(key, "").strip() for key in ("status", "channel", "fulfilment", "pickup_location")}
    query = request.GET.get("q", "").strip().upper()
    queryset = selectors.order_list(actor=actor, filters={k: v for k, v in filters.items() if v}, details=False)
    if query:
        queryset = queryset.filter(number__icontains=query)
    queryset, sort = ORDER_SORTING.apply(queryset, request)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    # The pickups this actor's store may mark ready from the list, several at once.
    preparable = {order.number for order in page if order.is_pickup and order.status == OrderStatus.PLACED
                  and may_act_on_pickup(actor, order)}
    context = {"page": page, "filters": filters, "query": query, "statuses": OrderStatus.choices,
               "fulfilments": Fulfilment.choices, "may_order": may_order_for_customer(actor), "sort": sort,
               "preparable": preparable}
    template = "orders/_order_table.html" if request.htmx else "orders/order_list.html"
    return render(request, template, context)


def _detail_context(actor: Actor, order: Order) -> dict:
    return {
        "order": order,
        "notifications": order.messages.all(),
        "may_prepare": order.is_pickup and may_act_on_pickup(actor, order),
        "pickup_locked": order.is_pickup and services.pickup_is_locked(order),
        "may_unlock_pickup": order.is_pickup and may_unlock_pickup(actor, order),
        "may_ship": not order.is_pickup and may_ship(actor, order),
        "may_cancel": order.is_open and may_cancel(actor, order),
        "return_locations": _return_locations(actor),
        "may_see_pickups": may_see_pickups(actor),
        "is_returnable": order.status in HANDED_OVER_STATUSES
        and any(line.returnable_quantity for line in order.lines.all()),
        "return_reasons": ReturnReason.choices,
        "refund_methods": RefundMethod.choices,
        "item_conditions": ItemCondition.choices,
    }


def _return_locations(actor: Actor) -> list[Location]:
    if actor.acts_everywhere:
        return list(Location.objects.filter(is_active=True, kind=Location.Kind.STORE).order_by("name"))
    return list(Location.objects.filter(pk__in=actor.location_ids, is_active=True).order_by("name"))


@login_required
@require_GET
def order_detail(request, number):
    actor = _actor(request)
    order = _order_or_404(actor, number)
    context = _detail_context(actor, order)
    # Shown once to the salesperson who placed the order for the customer.
    context["pickup_code"] = request.session.pop(f"pickup-code-{order.number}", None)
    return render(request, "orders/order_detail.html", context)


def _after_action(request, actor: Actor, number: str):
    order = _order_or_404(actor, number)
    if request.htmx:
        return render(request, "orders/_order_main.html", _detail_context(actor, order))
    return redirect("orders:order-detail", number=number)


@login_required
@require_POST
def order_action(request, number, action):
    actor = _actor(request)
    order = _order_or_404(actor, number, details=False)  # the service reads it under its lock
    try:
        if action == "ready":
            services.order_mark_ready(order=order, actor=actor)
        elif action == "collect":
            services.order_collect(order=order, pickup_code=request.POST.get("pickup_code", ""), actor=actor)
        elif action == "unlock":
            services.order_pickup_unlock(order=order, actor=actor)
        elif action == "ship":
            services.order_ship(order=order, actor=actor)
        elif action == "deliver":
            services.order_deliver(order=order, actor=actor)
        elif action == "cancel":
            services.order_cancel(order=order, actor=actor, reason=request.POST.get("reason", "")[:200])
        else:
            raise Http404
    except DomainError as exc:
        return refuse(request, exc, target=ORDER_ALERT)
    # Back to the board the action came from; the board holds click & collect orders only,
    # so any other order (a stale or hand-made form) answers its own page.
    if request.POST.get("from") == "board" and order.pickup_location is not None:
        return redirect(f"{reverse('orders:pickup-board')}?location={order.pickup_location.code}")
    return _after_action(request, actor, number)


@login_required
@require_POST
def order_return(request, number):
    actor = _actor(request)
    order = _order_or_404(actor, number)
    location = Location.objects.filter(code=request.POST.get("location", ""), is_active=True).first()
    items = []
    for line in order.lines.all():
        raw = request.POST.get(f"quantity-{line.sku}", "").strip()
        if raw:
            try:
                quantity = int(raw)
            except ValueError:
                quantity = -1
            if quantity < 0:
                return refuse(request, MissingField("lines", _("Enter whole quantities.")), target=ORDER_ALERT)
            condition = request.POST.get(f"condition-{line.sku}", ItemCondition.RESELLABLE)
            if condition not in ItemCondition.values:
                return refuse(request, MissingField("lines", _("Choose the items' condition.")), target=ORDER_ALERT)
            if quantity:
                items.append(services.ReturnItem(line.sku, quantity, condition))
    if location is None or not items:
        return refuse(
            request, MissingField("lines", _("Choose the store and at least one item to return.")), target=ORDER_ALERT
        )
    reason, refund_method = request.POST.get("reason", ""), request.POST.get("refund_method", RefundMethod.ORIGINAL)
    if reason not in ReturnReason.values or refund_method not in RefundMethod.values:
        return refuse(request, MissingField("reason", _("Choose why the items come back and how they are refunded.")),
                      target=ORDER_ALERT)
    try:
        services.return_create(order=order, location=location, lines=items, actor=actor, reason=reason,
                               refund_method=refund_method)
    except DomainError as exc:
        return refuse(request, exc, target=ORDER_ALERT)
    return _after_action(request, actor, number)


@login_required
@require_GET
def pickup_slip(request, number):
    actor = _actor(request)
    order = _order_or_404(actor, number)
    return render(request, "orders/pickup_slip.html", _printed(request, order))


@login_required
def return_receipt(request, number, return_id):
    actor = _actor(request)
    order = _order_or_404(actor, number)
    order_return = get_object_or_404(order.returns.select_related("location"), pk=return_id)
    return render(request, "orders/return_receipt.html", {**_printed(request, order), "order_return": order_return})


def _printed(request, order: Order) -> dict:
    """What a printed page of an order needs: its format (A4, or ``?format=receipt`` for an
    80 mm printer), and the order number as a QR code the board's scan field opens."""
    receipt = request.GET.get("format") == "receipt"
    number_code = segno.make(order.number, error="m").svg_data_uri(scale=3 if receipt else 4)
    return {"order": order, "receipt": receipt, "number_code": number_code}


def points_to_spend(post) -> int:
    """The loyalty points typed into a till's form (blank: none), or a 400 refusal."""
    raw = post.get("loyalty_points", "").strip()
    if not raw:
        return 0
    if not raw.isdigit():
        raise MissingField("loyalty_points", _("Enter a whole number of points."))
    return int(raw)


def gift_card_payments(post) -> list[CardPayment]:
    """The gift cards typed into a till's form (``gift_card_code``, ``gift_card_amount``:
    blank for what is left to pay), or a 400 refusal for an amount that is not one."""
    payments = []
    for code, amount in zip(post.getlist("gift_card_code"), post.getlist("gift_card_amount"), strict=False):
        if not code.strip():
            continue
        value = typed_amount(amount) if amount.strip() else None
        if amount.strip() and not value:
            raise MissingField("gift_cards", _("Enter the amount to take from the card, or leave it blank."))
        payments.append(CardPayment(code=code.strip(), amount=value))
    return payments


# --- carts opened by QR code ------------------------------------------------------------------------
@login_required
@require_GET
def cart_open(request):
    """Scan the QR code the website shows (it holds the cart's URL or id)."""
    _actor(request)
    raw = request.GET.get("code", "").strip().rstrip("/")
    cart_id = raw.rsplit("/", 1)[-1]
    cart = Cart.objects.filter(pk=cart_id).first() if _is_uuid(cart_id) else None
    if cart is None:
        return render(request, "orders/cart_open.html", {"code": raw, "not_found": bool(raw)},
                      status=404 if raw else 200)
    return redirect("orders:cart-detail", cart_id=cart.pk)


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@login_required
def cart_detail(request, cart_id):
    actor = _actor(request)
    cart = selectors.cart_get(actor=actor, cart_id=cart_id)
    if cart is None:
        raise Http404
    refusal = None
    if request.method == "POST":
        try:
            order = services.cart_checkout(cart=cart, fulfilment=Fulfilment.IN_STORE, actor=actor,
                                           location=Location.objects.filter(code=request.POST.get("location")).first(),
                                           gift_cards=gift_card_payments(request.POST),
                                           loyalty_points=points_to_spend(request.POST))
        except DomainError as exc:
            refusal = exc.detail
        else:
            return redirect("orders:order-detail", number=order.number)
    try:
        priced = services.cart_price(cart).priced
    except DomainError as exc:
        priced, refusal = None, exc.detail
    return render(request, "orders/cart_detail.html", {
        "cart": cart, "priced": priced, "refusal": refusal, "locations": _return_locations(actor),
        "points": balance_of(cart.customer_id) if cart.customer_id else None,
        "values": request.POST.dict() if request.method == "POST" else {},
    }, status=409 if refusal else 200)


@require_GET
def cart_qr(request, cart_id):
    """The QR code a website shows so that a store can open the cart; it carries only the
    cart's id (a UUID), so it is served without login, like the website's own page."""
    if not Cart.objects.filter(pk=cart_id).exists():
        raise Http404
    url = request.build_absolute_uri(reverse("orders:cart-detail", args=[cart_id]))
    svg = segno.make(url, error="m").svg_inline(scale=4)
    return HttpResponse(svg, content_type="image/svg+xml")
