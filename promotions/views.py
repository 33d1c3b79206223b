"""Marketing pages: promotions, codes, campaigns and redemption statistics. Thin: they
call selectors and services; an htmx request gets the fragment of the same view."""

from __future__ import annotations

import csv
import uuid
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from inventory.models import Product
from inventory.selectors import price_for
from omni.actor import Actor
from omni.channels import Channel
from omni.errors import DomainError
from omni.pages import refuse
from omni.permissions import marketing_or_admin
from omni.sms import sms_segments
from omni.sorting import Sorting

from . import engine
from .errors import InvalidPromotion, PromotionNotRunning
from .forms import CampaignForm, CodesForm, PromotionForm
from .models import Campaign, CampaignRecipient, Promotion
from .selectors import (
    campaign_list,
    campaign_report,
    campaign_results,
    promotion_list,
    redemption_stats,
    redemption_stats_by_promotion,
)
from .services import (
    campaign_create,
    campaign_preview,
    campaign_reach,
    campaign_send,
    campaign_test_send,
    codes_generate,
    promotion_create,
    promotion_update,
)

PAGE_SIZE = 25
PROMOTION_SORTING = Sorting(
    columns={"name": ("name",), "starts": ("starts_at",), "ends": ("ends_at",), "priority": ("priority", "-name"),
             "redemptions": ("redemptions_count",)},
    default="-priority",
)
EXAMPLE_LINES = 3


def marketing_required(view):
    """Marketing staff and administrators; everybody else gets 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not marketing_or_admin(Actor.from_request(request)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


# --- promotions -----------------------------------------------------------------------------
@marketing_required
@require_GET
def promotion_list_page(request):
    actor = Actor.from_request(request)
    filters = {name: request.GET.get(name, "").strip()[:100] for name in ("status", "search", "channel")}
    promotions = promotion_list(actor=actor, filters=filters).annotate(
        codes_count=Count("codes", distinct=True),
        redemptions_count=Count("redemptions", filter=Q(redemptions__released_at__isnull=True), distinct=True),
    )
    promotions, sort = PROMOTION_SORTING.apply(promotions, request)
    page = Paginator(promotions, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "filters": filters, "statuses": Promotion.Status.choices, "channels": Channel.choices,
               "sort": sort}
    if request.htmx and request.htmx.target == "promotion-results":
        return render(request, "promotions/_promotion_table.html", context)
    return render(request, "promotions/promotion_list.html", context)


def _promotion_form_page(request, promotion: Promotion | None):
    actor = Actor.from_request(request)
    form = PromotionForm(request.POST or None, instance=promotion)
    if request.method == "POST" and form.is_valid():
        try:
            if promotion is None:
                promotion = promotion_create(actor=actor, **form.service_fields())
                messages.success(request, _("Promotion created."))
            else:
                promotion = promotion_update(promotion=promotion, actor=actor, **form.service_fields())
                messages.success(request, _("Promotion saved."))
        except InvalidPromotion as exc:
            errors = exc.extra.get("errors")
            for name, message in (errors if isinstance(errors, dict) and errors else {"__all__": exc.detail}).items():
                form.add_error(name if name in form.fields else None, message)
        else:
            return redirect("promotions:detail", promotion_id=promotion.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "promotions/promotion_form.html", {"form": form, "promotion": promotion}, status=status)


@marketing_required
def promotion_create_page(request):
    return _promotion_form_page(request, None)


@marketing_required
def promotion_edit_page(request, promotion_id):
    promotion = get_object_or_404(promotion_list(actor=Actor.from_request(request)), pk=promotion_id)
    return _promotion_form_page(request, promotion)


def _example_lines(spec: engine.PromotionSpec) -> tuple[list[Product], int]:
    """A small cart this promotion targets (or any products), in two queries."""
    products = Product.objects.active().prefetch_related("channel_prices").order_by("sku")
    if spec.is_targeted:
        products = products.filter(Q(sku__in=spec.skus) | Q(category__in=spec.categories))
    chosen, names = [], set()
    for product in products[: EXAMPLE_LINES * 10]:  # variants of one model make a dull example
        model = "-".join(product.sku.split("-")[:2])  # CAP-5PN-KAK, CAP-5PN-NOI: one model
        if model not in names:
            names.add(model)
            chosen.append(product)
        if len(chosen) == EXAMPLE_LINES:
            break
    quantity = 1
    if spec.kind == engine.BUY_X_GET_Y and chosen:
        group = (spec.buy_quantity or 1) + (spec.get_quantity or 1)
        quantity = max(1, -(-group // len(chosen)))  # enough units for one full group
    return chosen, quantity


@marketing_required
@require_POST
def promotion_preview(request):
    """The example cart priced on each channel with the promotion as typed (not saved)."""
    promotion = None
    if request.POST.get("promotion_id"):
        try:
            promotion = Promotion.objects.filter(pk=uuid.UUID(request.POST["promotion_id"])).first()
        except ValueError:
            promotion = None
    form = PromotionForm(request.POST, instance=promotion)
    if not form.is_valid():
        return render(request, "promotions/_preview.html", {"errors": form.errors}, status=200)
    data = form.cleaned_data
    spec = engine.PromotionSpec(
        id="preview",
        name=data["name"],
        kind=data["kind"],
        value=data.get("value"),
        buy_quantity=data.get("buy_quantity"),
        get_quantity=data.get("get_quantity"),
        channels=frozenset(data.get("channels") or ()),
        skus=frozenset(data.get("skus") or ()),
        categories=frozenset(data.get("categories") or ()),
        min_subtotal=data.get("min_subtotal"),
        priority=data.get("priority") or 0,
        stackable=data.get("stackable", False),
        requires_code=bool(data.get("requires_code") or data.get("code")),
    )
    products, quantity = _example_lines(spec)
    now = data.get("starts_at") or timezone.now()
    rows = []
    for channel, label in Channel.choices:
        lines = [
            engine.LineInput(sku=p.sku, name=p.name, category=p.category, quantity=quantity,
                              unit_price=price_for(p, channel))
            for p in products
        ]
        priced = engine.price(
            lines=lines, channel=channel, promotions=[spec], now=now,
            segment_ids=spec.segment_ids, codes={"CODE": spec.id} if spec.requires_code else {},
        )
        rows.append({"channel": label, "cart": priced, "applies": spec.is_for_channel(channel)})
    return render(request, "promotions/_preview.html", {"rows": rows, "spec": spec, "products": products,
                                                         "quantity": quantity})


@marketing_required
@require_GET
def promotion_detail_page(request, promotion_id):
    actor = Actor.from_request(request)
    promotion = get_object_or_404(promotion_list(actor=actor), pk=promotion_id)
    context = {
        "promotion": promotion,
        "stats": redemption_stats(promotion=promotion),
        **_code_counts(promotion),
        "recent_codes": promotion.codes.order_by("-created_at", "code")[:20],
        "campaigns": promotion.campaigns.select_related("segment").order_by("-created_at")[:10],
        "codes_form": CodesForm(),
    }
    return render(request, "promotions/promotion_detail.html", context)


def _code_counts(promotion: Promotion) -> dict:
    counts = {row["state"]: row["n"] for row in promotion.codes.order_by().values("state").annotate(n=Count("pk"))}
    return {"code_counts": counts, "codes_total": sum(counts.values())}


@marketing_required
@require_POST
def codes_generate_view(request, promotion_id):
    actor = Actor.from_request(request)
    promotion = get_object_or_404(promotion_list(actor=actor), pk=promotion_id)
    form = CodesForm(request.POST)
    if not form.is_valid():
        return refuse(request, " ".join(str(e) for errors in form.errors.values() for e in errors), status=400)
    try:
        codes = codes_generate(promotion=promotion, actor=actor, **form.cleaned_data)
    except DomainError as exc:
        return refuse(request, exc.detail, status=exc.status)
    message = _("%(count)s codes generated.") % {"count": len(codes)}
    if request.htmx:
        return render(request, "promotions/_codes_generated.html", {"promotion": promotion, "codes": codes[:20],
                                                                    "count": len(codes), "message": message,
                                                                    **_code_counts(promotion)})
    messages.success(request, message)
    return redirect("promotions:detail", promotion_id=promotion.pk)


class _Echo:
    def write(self, value):
        return value


@marketing_required
@require_GET
def codes_export(request, promotion_id):
    """Every code of the promotion as CSV, streamed (a batch may hold thousands)."""
    promotion = get_object_or_404(promotion_list(actor=Actor.from_request(request)), pk=promotion_id)
    writer = csv.writer(_Echo())
    rows = promotion.codes.order_by("created_at", "code").values_list("code", "state", "single_use", "batch",
                                                                      "created_at")

    def stream():
        yield writer.writerow(["code", "state", "single_use", "batch", "created_at"])
        for code, state, single_use, batch, created_at in rows.iterator(chunk_size=2000):
            yield writer.writerow([code, state, "yes" if single_use else "no", batch, created_at.isoformat()])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="codes-{promotion.pk}.csv"'
    return response


@marketing_required
@require_GET
def redemption_stats_page(request):
    rows = redemption_stats_by_promotion()
    by_channel = redemption_stats()
    table: dict = {}
    for row in rows:
        entry = table.setdefault(row["promotion_id"], {"name": row["promotion__name"], "id": row["promotion_id"],
                                                       "channels": {}, "count": 0})
        entry["channels"][row["channel"]] = row["count"]
        entry["count"] += row["count"]
    context = {
        "by_channel": by_channel,
        "promotions": list(table.values()),
        "channels": Channel.choices,
    }
    return render(request, "promotions/stats.html", context)


# --- campaigns ------------------------------------------------------------------------------
@marketing_required
@require_GET
def campaign_list_page(request):
    campaigns = campaign_list(actor=Actor.from_request(request)).annotate(
        sent_count=Count("recipients", filter=Q(recipients__status=CampaignRecipient.Status.SENT))
    )
    page = Paginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "promotions/campaign_list.html", {"page": page})


@marketing_required
def campaign_create_page(request):
    actor = Actor.from_request(request)
    initial = {"promotion": request.GET.get("promotion")} if request.GET.get("promotion") else None
    form = CampaignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaign_create(actor=actor, **form.cleaned_data)
        except InvalidPromotion as exc:
            form.add_error(None, exc.detail)
        except PromotionNotRunning as exc:
            form.add_error("promotion", exc.detail)
        else:
            return redirect("promotions:campaign-detail", campaign_id=campaign.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "promotions/campaign_form.html", {"form": form}, status=status)


def _campaign(request, campaign_id) -> Campaign:
    return get_object_or_404(campaign_list(actor=Actor.from_request(request)), pk=campaign_id)


@marketing_required
@require_GET
def campaign_detail_page(request, campaign_id):
    campaign = _campaign(request, campaign_id)
    previews = campaign_preview(campaign=campaign)
    parts, units = sms_segments(previews[0]["sms"]) if campaign.sms_text else (0, 0)
    context = {
        "campaign": campaign,
        "report": campaign_report(campaign),
        "previews": previews,
        "reach": campaign_reach(campaign),
        "results": campaign_results(campaign),
        "sms_parts": parts,
        "sms_units": units,
        "recent": campaign.recipients.select_related("customer", "code").order_by("-at", "-pk")[:20],
    }
    return render(request, "promotions/campaign_detail.html", context)


@marketing_required
@require_POST
def campaign_send_view(request, campaign_id):
    campaign = _campaign(request, campaign_id)
    try:
        campaign = campaign_send(campaign=campaign, actor=Actor.from_request(request))
    except DomainError as exc:
        return refuse(request, exc.detail, status=exc.status)
    campaign.refresh_from_db()  # the task may have run inline already
    if request.htmx:
        return render(request, "promotions/_campaign_progress.html",
                      {"campaign": campaign, "report": campaign_report(campaign)})
    return redirect("promotions:campaign-detail", campaign_id=campaign.pk)


@marketing_required
@require_POST
def campaign_test_view(request, campaign_id):
    """Send the campaign's messages to oneself first; the outcome appears in place."""
    campaign = _campaign(request, campaign_id)
    try:
        address = campaign_test_send(campaign=campaign, actor=Actor.from_request(request))
    except DomainError as exc:
        return refuse(request, exc, target="#campaign-test-result")
    message = _("Test sent to %(address)s.") % {"address": address}
    if request.htmx:
        return render(request, "omni/_alert.html", {"message": message, "level": "success"})
    messages.success(request, message)
    return redirect("promotions:campaign-detail", campaign_id=campaign.pk)


@marketing_required
@require_GET
def campaign_progress(request, campaign_id):
    campaign = _campaign(request, campaign_id)
    return render(request, "promotions/_campaign_progress.html",
                  {"campaign": campaign, "report": campaign_report(campaign)})
