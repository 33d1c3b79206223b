"""The endless aisle: a store sells what it lacks, as a real sale.

Several lines, the customer recognised by any identifier (their last delivery address
offered), delivered to their home from the warehouse (or a store that ships) or collected
at another store, paid now or when collected. "Review" prices the lines with every
promotion, as the order will be; "Place the order" places it and sends the customer its
confirmation with the tracking link. A post without ``action`` places at once (what a
script or an older page sends).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from customers.selectors import customer_exact_match
from inventory.models import Product
from inventory.selectors import stock_for_product
from omni.actor import Actor
from omni.errors import DomainError
from omni.models import Location
from promotions.pricing import MAX_LINE_QUANTITY, price_cart

from . import selectors, services
from .models import Fulfilment, Payment
from .permissions import may_order_for_customer
from .views import gift_card_payments, points_to_spend

LINE_SLOTS = 5
ADDRESS_FIELDS = ("name", "line1", "postcode", "city")


def _lines(post) -> tuple[list[dict], list[str]]:
    """The typed lines (blank rows left out) and what is wrong with them, one query."""
    pairs = zip(post.getlist("sku"), post.getlist("quantity"), strict=False)
    typed = [(sku.strip(), quantity) for sku, quantity in pairs if sku.strip()][:LINE_SLOTS]
    skus = [sku for sku, _quantity in typed]
    known = set(Product.objects.filter(sku__in=skus, is_active=True).values_list("sku", flat=True))
    lines, errors = [], []
    for sku, quantity in typed:
        if sku not in known:
            errors.append(_("No product has the SKU %(sku)s.") % {"sku": sku})
            continue
        try:
            count = int(quantity or "1")
        except ValueError:
            count = 0
        if not 0 < count <= MAX_LINE_QUANTITY:
            errors.append(_("%(sku)s: enter a quantity between 1 and %(max)s.")
                          % {"sku": sku, "max": MAX_LINE_QUANTITY})
            continue
        lines.append({"sku": sku, "quantity": count})
    if not typed:
        errors.append(_("Add at least one item."))
    return lines, errors


def _form_rows(skus: list[str], quantities: list[str]) -> list[dict]:
    """The form's line slots, the typed ones first."""
    rows = [{"sku": sku, "quantity": quantity} for sku, quantity in zip(skus, quantities, strict=False)][:LINE_SLOTS]
    return rows + [{"sku": "", "quantity": "1"}] * (LINE_SLOTS - len(rows))


@login_required
def order_create(request):
    actor = Actor.from_request(request)
    if not may_order_for_customer(actor):
        raise PermissionDenied
    pickup_locations = list(Location.objects.filter(click_and_collect=True, is_active=True).order_by("name"))
    context: dict = {"pickup_locations": pickup_locations, "errors": {}, "payments": Payment.choices}
    if request.method != "POST":
        context["values"] = {"fulfilment": "delivery", "payment": Payment.PAID}
        context["rows"] = _form_rows([request.GET.get("sku", "")], ["1"])  # from a product page
        return render(request, "orders/order_form.html", context)
    values = request.POST.dict()
    context.update(values=values, rows=_form_rows(request.POST.getlist("sku"), request.POST.getlist("quantity")))
    lines, line_errors = _lines(request.POST)
    errors: dict = {"lines": line_errors} if line_errors else {}
    customer = None
    if values.get("customer", "").strip():
        customer = customer_exact_match(values["customer"].strip())  # e-mail, phone in any format, loyalty card
        if customer is None:
            errors["customer"] = _("No customer has this e-mail, phone or loyalty card.")
    fulfilment, pickup_location, address = values.get("fulfilment"), None, None
    if fulfilment == Fulfilment.CLICK_AND_COLLECT:
        pickup_location = next((loc for loc in pickup_locations if loc.code == values.get("pickup_location")), None)
        if pickup_location is None:
            errors["pickup_location"] = _("Choose the store where the customer collects.")
    elif fulfilment == Fulfilment.DELIVERY:
        if customer is not None and not values.get("line1", "").strip():
            values.update(selectors.last_shipping_address(customer=customer))  # offered, to check
        address = {key: values.get(key, "").strip() for key in ADDRESS_FIELDS} | {"country": "FR"}
        if not (address["line1"] and address["postcode"] and address["city"]):
            errors["address"] = _("Enter the street, postcode and city.")
    else:
        errors["fulfilment"] = _("Choose delivery or click & collect.")
    payment = values.get("payment") or Payment.PAID
    later = {Payment.PAY_AT_PICKUP: Fulfilment.CLICK_AND_COLLECT, Payment.PAY_ON_DELIVERY: Fulfilment.DELIVERY}
    if payment not in Payment.values or later.get(payment, fulfilment) != fulfilment:
        errors["payment"] = _("Pay at pickup is for click & collect, pay on delivery for home delivery.")
    try:
        gift_cards = gift_card_payments(request.POST)
    except DomainError as exc:
        errors["gift_cards"] = exc.detail
    try:
        loyalty_points = points_to_spend(request.POST)
    except DomainError as exc:
        errors["gift_cards"] = exc.detail
    if errors:
        context["errors"] = errors
        return render(request, "orders/order_form.html", context, status=400)
    if request.POST.get("action") == "review":
        try:
            context["priced"] = price_cart(lines=lines, channel=actor.channel_or_default, customer=customer,
                                           loyalty_points=loyalty_points)
        except DomainError as exc:
            context["refusal"] = exc.detail
            return render(request, "orders/order_form.html", context, status=exc.status)
        context["customer"] = customer
        return render(request, "orders/order_form.html", context)
    try:
        order = services.order_place(lines=lines, fulfilment=fulfilment, customer=customer, payment=payment,
                                     pickup_location=pickup_location, shipping_address=address, actor=actor,
                                     gift_cards=gift_cards, loyalty_points=loyalty_points)
    except DomainError as exc:
        context["refusal"] = exc.detail
        return render(request, "orders/order_form.html", context, status=exc.status)
    services.order_confirmation_send(order=order)
    request.session[f"pickup-code-{order.number}"] = services.pickup_code_for(order)
    return redirect("orders:order-detail", number=order.number)


@login_required
@require_GET
def aisle_availability(request):
    """As the salesperson types a SKU: where it can come from (htmx fragment)."""
    actor = Actor.from_request(request)
    product = Product.objects.filter(sku=request.GET.get("sku", "").strip(), is_active=True).first()
    rows = stock_for_product(product=product, actor=actor) if product else []
    return render(request, "orders/_aisle_availability.html", {"product": product, "rows": rows})
