"""Staff pages: stock look-up (scan), product page with history and stock forms, CSV
imports. Each view renders the full page, or its fragment for htmx."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from omni.actor import Actor
from omni.errors import DomainError
from omni.models import Location
from omni.registry import ProductAction, registry

from . import imports, selectors, services
from .models import MAX_STOCK_QUANTITY, ImportJob, MovementKind, Product
from .permissions import can_move_stock, can_move_stock_at, can_write_catalogue

PAGE_SIZE = 25
HISTORY_PAGE_SIZE = 25


def _staff(request) -> Actor | None:
    actor = Actor.from_request(request)
    return actor if actor.user is not None else None


def _movable_locations(actor: Actor) -> list[Location]:
    locations = Location.objects.filter(is_active=True).order_by("kind", "name")
    movable = [location for location in locations if can_move_stock_at(actor, location)]
    return sorted(movable, key=lambda location: location.pk not in actor.location_ids)  # own first


# --- forms ---------------------------------------------------------------------------------
class MovementForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Movement"),
        choices=[
            (MovementKind.RECEIPT, gettext_lazy("Receipt (adds)")),
            (MovementKind.ADJUSTMENT, gettext_lazy("Adjustment (+/-)")),
            (MovementKind.COUNT, gettext_lazy("Count (sets on hand)")),
        ],
    )
    location = forms.ModelChoiceField(
        label=gettext_lazy("Location"), queryset=Location.objects.none(), to_field_name="code"
    )
    quantity = forms.IntegerField(
        label=gettext_lazy("Quantity"), min_value=-MAX_STOCK_QUANTITY, max_value=MAX_STOCK_QUANTITY
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200, required=False)

    def __init__(self, *args, locations=(), **kwargs):
        super().__init__(*args, **kwargs)
        _offer_locations(self.fields["location"], locations)
        if locations and not self.is_bound:
            self.initial.setdefault("location", locations[0].code)


def _choices(locations) -> list[tuple[str, str]]:
    return [("", "---------")] + [(location.code, location.name) for location in locations]


def _offer_locations(field: forms.Field, locations) -> None:
    """Narrow a location choice (a ``ModelChoiceField`` by code) to these locations."""
    choice = cast(forms.ModelChoiceField, field)
    choice.queryset = Location.objects.filter(pk__in=[location.pk for location in locations])
    choice.choices = _choices(locations)


class TransferForm(forms.Form):
    from_location = forms.ModelChoiceField(
        label=gettext_lazy("From"), queryset=Location.objects.none(), to_field_name="code"
    )
    to_location = forms.ModelChoiceField(
        label=gettext_lazy("To"), queryset=Location.objects.filter(is_active=True), to_field_name="code"
    )
    quantity = forms.IntegerField(label=gettext_lazy("Quantity"), min_value=1, max_value=MAX_STOCK_QUANTITY)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200, required=False)

    def __init__(self, *args, locations=(), all_locations=(), **kwargs):
        super().__init__(*args, **kwargs)
        _offer_locations(self.fields["from_location"], locations)
        if locations and not self.is_bound:
            self.initial.setdefault("from_location", locations[0].code)
        cast(forms.ModelChoiceField, self.fields["to_location"]).choices = _choices(all_locations)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("from_location") and data.get("from_location") == data.get("to_location"):
            self.add_error("to_location", _("Choose a location other than the origin."))
        return data


class ThresholdForm(forms.Form):
    location = forms.ModelChoiceField(
        label=gettext_lazy("Location"), queryset=Location.objects.none(), to_field_name="code"
    )
    threshold = forms.IntegerField(
        label=gettext_lazy("Alert when available is at most"),
        min_value=0,
        max_value=MAX_STOCK_QUANTITY,
        required=False,
        help_text=gettext_lazy("Empty: the product's threshold."),
    )

    def __init__(self, *args, locations=(), **kwargs):
        super().__init__(*args, **kwargs)
        _offer_locations(self.fields["location"], locations)
        if locations and not self.is_bound:
            self.initial.setdefault("location", locations[0].code)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What"), choices=ImportJob.Kind.choices)
    file = forms.FileField(label=gettext_lazy("CSV file"))


# --- look-up -------------------------------------------------------------------------------
@login_required
@require_GET
def stock_lookup(request):
    """Scan or type: an exact SKU/barcode shows that product's stock everywhere at once."""
    actor = _staff(request)
    if actor is None:
        return HttpResponseForbidden()
    query = request.GET.get("q", "").strip()[:100]
    exact = selectors.product_find(code=query) if query else None
    context = {"query": query, "exact": exact, "may_import": _may_import(actor)}
    if exact is not None:
        context["rows"] = selectors.stock_for_product(product=exact, actor=actor)
        context["total_available"] = selectors.total_available(context["rows"])
    else:
        products = Product.objects.active().search(query).order_by("name", "sku")
        page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
        figures = selectors.available_by_product(page.object_list, own=actor.location_ids)
        context.update(
            page=page,
            results=[(product, *figures[product.pk]) for product in page.object_list],
            has_own=bool(actor.location_ids),
        )
    template = "inventory/_lookup_results.html" if request.htmx else "inventory/lookup.html"
    return render(request, template, context)


# --- product page --------------------------------------------------------------------------
def _product_context(request, product: Product, actor: Actor, **extra) -> dict:
    rows = selectors.stock_for_product(product=product, actor=actor)
    history = Paginator(selectors.movement_list(product=product), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    movable = _movable_locations(actor) if can_move_stock(actor) else []
    return {
        "product": product,
        "rows": rows,
        "total_available": selectors.total_available(rows),
        "history": history,
        "reservations": list(selectors.reservation_list(product=product)[:50]),
        "movement_form": extra.pop("movement_form", None) or MovementForm(locations=movable),
        "transfer_form": extra.pop("transfer_form", None)
        or TransferForm(locations=movable, all_locations=_locations_of(rows)),
        "threshold_form": extra.pop("threshold_form", None) or ThresholdForm(locations=movable),
        "can_move": bool(movable),
        "price_rows": [(price.get_channel_display(), price.price) for price in product.channel_prices.all()],
        "actions": _product_actions(product, actor, rows),
        **extra,
    }


def _product_actions(product: Product, actor: Actor, rows) -> list[tuple[str, str, str]]:
    """The other apps' buttons for this product (omni.registry.ProductAction)."""
    here = selectors.total_available([row for row in rows if row.is_own])
    found = ((action, action.link(product.sku, actor, here)) for action in registry.entries(ProductAction))
    return [(str(action.label), url, action.icon) for action, url in found if url]


def _locations_of(rows) -> list[Location]:
    return [Location(pk=row.location_id, code=row.location, name=row.location_name) for row in rows]


def _get_product(sku: str) -> Product:
    return get_object_or_404(Product.objects.prefetch_related(Prefetch("channel_prices")), sku=sku)


@login_required
@require_GET
def product_detail(request, sku):
    actor = _staff(request)
    if actor is None:
        return HttpResponseForbidden()
    product = _get_product(sku)
    context = _product_context(request, product, actor)
    if request.htmx and request.GET.get("page"):
        return render(request, "inventory/_history.html", context)
    return render(request, "inventory/product.html", context)


def _panel(request, product, actor, *, status=200, **extra):
    context = _product_context(request, product, actor, **extra)
    if request.htmx:
        return render(request, "inventory/_product_panel.html", context, status=status)
    return render(request, "inventory/product.html", context, status=status)


def _product_form(request, sku, *, form_name: str, make_form, act):
    """The product page's forms share one flow: validate, call the service, and answer
    the product panel with the outcome in place (a redirect without htmx).
    ``make_form(actor)`` binds the form; ``act(product, data, actor)`` returns the message."""
    actor = _staff(request)
    if actor is None:
        return HttpResponseForbidden()
    product = _get_product(sku)
    form = make_form(actor)
    if not form.is_valid():
        return _panel(request, product, actor, status=400, error=_("Check the form."), **{form_name: form})
    try:
        message = act(product, form.cleaned_data, actor)
    except DomainError as exc:
        return _panel(request, product, actor, status=exc.status, error=exc.detail, **{form_name: form})
    if not request.htmx:
        return redirect("inventory:product", sku=product.sku)
    return _panel(request, product, actor, success=message)


@login_required
@require_POST
def movement_create(request, sku):
    def act(product, data, actor):
        level = services.stock_move(
            sku=product.sku,
            location=data["location"],
            kind=data["kind"],
            quantity=data["quantity"],
            reason=data["reason"],
            actor=actor,
        )
        return _("%(location)s now holds %(on_hand)s on hand, %(available)s available.") % {
            "location": level.location.name,
            "on_hand": level.on_hand,
            "available": level.available,
        }

    return _product_form(
        request,
        sku,
        form_name="movement_form",
        act=act,
        make_form=lambda actor: MovementForm(request.POST, locations=_movable_locations(actor)),
    )


@login_required
@require_POST
def transfer_create(request, sku):
    def make_form(actor):
        all_locations = list(Location.objects.filter(is_active=True).order_by("kind", "name"))
        return TransferForm(request.POST, locations=_movable_locations(actor), all_locations=all_locations)

    def act(product, data, actor):
        transfer = services.stock_transfer(
            sku=product.sku,
            from_location=data["from_location"],
            to_location=data["to_location"],
            quantity=data["quantity"],
            reason=data["reason"],
            actor=actor,
        )
        return _("%(quantity)s moved from %(source)s to %(target)s (%(reference)s).") % {
            "quantity": data["quantity"],
            "source": transfer.source.location.name,
            "target": transfer.target.location.name,
            "reference": transfer.reference,
        }

    return _product_form(request, sku, form_name="transfer_form", make_form=make_form, act=act)


@login_required
@require_POST
def threshold_set(request, sku):
    def act(product, data, actor):
        level = services.stock_threshold_set(
            sku=product.sku, location=data["location"], threshold=data["threshold"], actor=actor
        )
        if level.low_stock_threshold is None:
            return _("%(location)s now alerts at the product's threshold.") % {"location": data["location"].name}
        return _("%(location)s now alerts at %(threshold)s available or fewer.") % {
            "location": data["location"].name,
            "threshold": level.low_stock_threshold,
        }

    return _product_form(
        request,
        sku,
        form_name="threshold_form",
        act=act,
        make_form=lambda actor: ThresholdForm(request.POST, locations=_movable_locations(actor)),
    )


@login_required
@require_GET
def low_stock_page(request):
    """Every level running low, by location, paginated; the dashboard panel links here."""
    actor = _staff(request)
    if actor is None:
        return HttpResponseForbidden()
    locations = list(Location.objects.filter(is_active=True).order_by("kind", "name"))
    location = next((loc for loc in locations if loc.code == request.GET.get("location")), None)
    page = Paginator(selectors.low_stock_list(actor=actor, location=location), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "locations": locations, "location": location}
    template = "inventory/_low_stock_table.html" if request.htmx else "inventory/low_stock.html"
    return render(request, template, context)


# --- imports -------------------------------------------------------------------------------
def _may_import(actor: Actor) -> bool:
    return can_write_catalogue(actor) or actor.is_store_staff


@login_required
def import_start(request):
    actor = _staff(request)
    if actor is None or not _may_import(actor):
        return HttpResponseForbidden()
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "jobs": ImportJob.objects.filter(created_by=actor.user)[:10]}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > imports.MAX_BYTES:
                raise imports.ImportRefused(_("The file is larger than 5 MB."))
            content = imports.decode(upload.read())
            job, results = services.import_prepare(
                kind=form.cleaned_data["kind"], filename=upload.name, content=content, actor=actor
            )
        except DomainError as exc:
            context["error"] = exc.detail
            return render(request, "inventory/import.html", context, status=exc.status)
        return redirect("inventory:import-detail", job_id=job.pk)
    return render(request, "inventory/import.html", context, status=400 if form.errors else 200)


@login_required
def import_detail(request, job_id):
    """Preview (rows and their errors, then confirm) or progress of a running import."""
    actor = _staff(request)
    if actor is None or not _may_import(actor):
        return HttpResponseForbidden()
    job = get_object_or_404(ImportJob, pk=job_id, created_by=actor.user)
    context: dict[str, Any] = {"job": job}
    if request.method == "POST":
        try:
            job = services.import_confirm(job=job, actor=actor)
        except DomainError as exc:
            context["error"] = exc.detail
        if not request.htmx:
            return redirect("inventory:import-detail", job_id=job.pk)
        context["job"] = job
    if job.status == ImportJob.Status.PREVIEW:
        try:
            results = imports.preview(kind=job.kind, content=job.content, actor=actor)
        except DomainError as exc:
            results, context["error"] = [], exc.detail
        context["preview_rows"] = results[:50]
        context["error_results"] = [result for result in results if not result.is_valid][:200]
        context["valid_count"] = sum(1 for result in results if result.is_valid)
    template = "inventory/_import_progress.html" if request.htmx else "inventory/import_detail.html"
    return render(request, template, context)
