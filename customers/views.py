"""Staff pages: customer search, the 360° customer page, duplicates and merge, segments,
GDPR export and erasure. Thin: they call selectors and services; an htmx request gets
the fragment of the same view."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from omni.actor import Actor
from omni.errors import DomainError
from omni.pages import refuse
from omni.sorting import Sorting

from .facts import all_facts, get_fact
from .identifiers import format_phone
from .models import ConsentEvent, Contact, Customer, CustomerIdentifier, Medium, Segment
from .permissions import (
    may_edit_segments,
    may_handle_personal_data,
    may_merge_customers,
    may_read_customers,
    may_write_customers,
)
from .sections import customer_sections
from .selectors import (
    CUSTOMER_ORDER,
    customer_get,
    customer_merges,
    customer_search,
    duplicate_suggestions,
    segment_list,
)
from .services import (
    contact_point_confirm,
    contact_record,
    customer_erase,
    customer_export,
    customer_merge,
    customer_update,
    segment_recompute,
    segment_save,
)
from .timeline import customer_timeline

PAGE_SIZE = 25
CUSTOMER_SORTING = Sorting(
    columns={"name": CUSTOMER_ORDER[:2], "store": ("preferred_store__name",), "since": ("created_at",)},
    default="name",
)
TIMELINE_PAGE = 30


@login_required
@require_GET
def customer_list_page(request):
    actor = Actor.from_request(request)
    if not may_read_customers(actor):
        return refuse(request, _("You may not look customers up."))
    query = request.GET.get("q", "").strip()[:100]
    customers = customer_search(query) if query else Customer.objects.active().order_by(*CUSTOMER_ORDER)
    customers = customers.select_related("preferred_store")
    sort = ""
    if request.GET.get("sort"):  # else a search keeps its own order: exact matches first
        customers, sort = CUSTOMER_SORTING.apply(customers, request)
    page = Paginator(customers, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "query": query, "may_write": may_write_customers(actor), "sort": sort}
    if request.htmx and request.htmx.target == "customer-results":
        return render(request, "customers/_customer_table.html", context)
    return render(request, "customers/customer_list.html", context)


def _detail_context(request, customer: Customer, actor: Actor) -> dict:
    return {
        "customer": customer,
        "phone_display": format_phone(customer.phone),
        "channels": list(customer.channel_uses.all()),
        "segments": list(customer.segments.all()),
        "identifiers": list(CustomerIdentifier.objects.filter(customer=customer).order_by("kind", "first_seen_at")),
        "consent_events": list(
            ConsentEvent.objects.filter(customer=customer).select_related("actor_user", "actor_client")[:10]
        ),
        "merges": customer_merges(customer=customer),
        "timeline": customer_timeline(customer, limit=TIMELINE_PAGE),
        "contact_kinds": Contact.Kind.choices,
        "may_write": may_write_customers(actor) and not customer.is_erased,
        "may_handle_personal_data": may_handle_personal_data(actor),
        "may_merge": may_merge_customers(actor),
        "media": Medium.choices,
        "sections": customer_sections(),
    }


@login_required
@require_GET
def customer_detail_page(request, customer_id):
    actor = Actor.from_request(request)
    customer = customer_get(actor=actor, customer_id=customer_id)
    if customer.pk != customer_id:
        return redirect("customers:customer-detail", customer.pk)
    return render(request, "customers/customer_detail.html", _detail_context(request, customer, actor))


@login_required
@require_GET
def timeline_fragment(request, customer_id):
    customer = customer_get(actor=Actor.from_request(request), customer_id=customer_id)
    return render(request, "customers/_timeline.html", {"timeline": customer_timeline(customer, limit=TIMELINE_PAGE)})


@login_required
@require_POST
def contact_add(request, customer_id):
    actor = Actor.from_request(request)
    customer = customer_get(actor=actor, customer_id=customer_id)
    kind = request.POST.get("kind", "")
    note = request.POST.get("note", "")[:4000]
    if kind not in Contact.Kind.values:
        return refuse(request, _("Choose what kind of contact this was."), status=400)
    try:
        contact_record(customer=customer, kind=kind, note=note, actor=actor)
    except DomainError as exc:
        return refuse(request, exc.detail, status=exc.status)
    if request.htmx:
        return render(
            request,
            "customers/_timeline.html",
            {"timeline": customer_timeline(customer, limit=TIMELINE_PAGE), "saved": True},
        )
    messages.success(request, _("Contact noted."))
    return redirect("customers:customer-detail", customer.pk)


@login_required
@require_POST
def consents_update(request, customer_id):
    """The customer says, at the counter or on the phone, what they accept."""
    actor = Actor.from_request(request)
    customer = customer_get(actor=actor, customer_id=customer_id)
    consents = {medium: request.POST.get(medium) == "on" for medium in Medium.values}
    try:
        customer_update(customer=customer, actor=actor, consents=consents)
    except DomainError as exc:
        return refuse(request, exc.detail, status=exc.status)
    messages.success(request, _("Consents saved."))
    return redirect("customers:customer-detail", customer.pk)


@login_required
@require_POST
def contact_point_confirm_view(request, customer_id, medium):
    """The customer, at the counter or on the line, confirms their e-mail or phone."""
    actor = Actor.from_request(request)
    customer = customer_get(actor=actor, customer_id=customer_id)
    try:
        contact_point_confirm(customer=customer, medium=medium, actor=actor)
    except DomainError as exc:
        return refuse(request, exc.detail, status=exc.status)
    messages.success(request, _("Contact details confirmed."))
    return redirect("customers:customer-detail", customer.pk)


@login_required
@require_GET
def export_download(request, customer_id):
    actor = Actor.from_request(request)
    customer = customer_get(actor=actor, customer_id=customer_id)
    try:
        data = customer_export(customer=customer, actor=actor)
    except DomainError as exc:
        return refuse(request, exc.detail, status=exc.status)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="customer-{customer.pk}.json"'
    return response


@login_required
@require_POST
def erase_view(request, customer_id):
    actor = Actor.from_request(request)
    customer = customer_get(actor=actor, customer_id=customer_id)
    if request.POST.get("confirm") != "erase":
        return refuse(request, _("Tick the box to confirm the erasure."), status=400)
    try:
        customer_erase(customer=customer, actor=actor, reason=request.POST.get("reason", "")[:200])
    except DomainError as exc:
        return refuse(request, exc.detail, status=exc.status)
    messages.success(request, _("The customer's personal data was erased."))
    url = reverse("customers:customer-detail", args=[customer.pk])
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


# --- duplicates and merge -----------------------------------------------------------------
@login_required
@require_GET
def duplicates_page(request):
    actor = Actor.from_request(request)
    if not may_merge_customers(actor):
        return refuse(request, _("Only administrators and store managers merge customers."))
    return render(request, "customers/duplicates.html", {"suggestions": duplicate_suggestions(limit=50)})


def _customer_or_none(value) -> Customer | None:
    try:
        return Customer.objects.select_related("preferred_store").filter(pk=value).first() if value else None
    except ValidationError:  # not a UUID
        return None


@login_required
@require_http_methods(["GET", "POST"])
def merge_page(request):
    actor = Actor.from_request(request)
    if not may_merge_customers(actor):
        return refuse(request, _("Only administrators and store managers merge customers."))
    data = request.POST if request.method == "POST" else request.GET
    source = _customer_or_none(data.get("source", "").strip())
    target = _customer_or_none(data.get("target", "").strip())
    context = {
        "source": source,
        "target": target,
        "source_value": data.get("source", ""),
        "target_value": data.get("target", ""),
        "query": request.GET.get("q", "").strip()[:100],
    }
    if target is not None and source is None and context["query"]:
        context["candidates"] = list(
            customer_search(context["query"]).exclude(pk=target.pk).select_related("preferred_store")[:10]
        )
    if request.method == "POST":
        if source is None or target is None:
            context["error"] = _("Give two existing customers.")
            return render(request, "customers/merge.html", context, status=400)
        try:
            merged = customer_merge(source=source, target=target, actor=actor)
        except DomainError as exc:
            context["error"] = exc.detail
            return render(request, "customers/merge.html", context, status=exc.status)
        messages.success(request, _("Customers merged."))
        return redirect("customers:customer-detail", merged.pk)
    return render(request, "customers/merge.html", context)


# --- segments -----------------------------------------------------------------------------
@login_required
@require_GET
def segment_list_page(request):
    actor = Actor.from_request(request)
    if not may_edit_segments(actor):
        return refuse(request, _("Segments belong to the marketing team."))
    return render(request, "customers/segment_list.html", {"segments": segment_list(actor=actor)})


@login_required
@require_POST
def segment_recompute_view(request, slug):
    actor = Actor.from_request(request)
    if not may_edit_segments(actor):
        return refuse(request, _("Segments belong to the marketing team."))
    segment = get_object_or_404(Segment, slug=slug)
    segment_recompute(segment=segment, actor=actor)
    segment.refresh_from_db()
    if request.htmx:
        return render(request, "customers/_segment_row.html", {"segment": segment})
    messages.success(request, _("Segment recomputed."))
    return redirect("customers:segment-list")


BLANK_RULE_ROWS = 3


def _rule_rows(rules: list[dict]) -> list[dict]:
    """Rules as the editor's rows: a fact, one value, "not"; plus blank rows to add rules."""
    rows = []
    for rule in rules:
        fact = get_fact(rule.get("fact", ""))
        params = rule.get("params") or {}
        if fact is not None and len(fact.params) == 1:
            value = params.get(fact.params[0].name, "")
            value = ", ".join(value) if isinstance(value, list) else str(value)
        else:
            value = "; ".join(f"{key}={', '.join(v) if isinstance(v, list) else v}" for key, v in params.items())
        rows.append({"fact": rule.get("fact", ""), "value": value, "negate": bool(rule.get("negate"))})
    return rows + [{"fact": "", "value": "", "negate": False}] * BLANK_RULE_ROWS


def _rules_from_post(post) -> list[dict]:
    facts, values = post.getlist("fact"), post.getlist("value")
    negated = set(post.getlist("negate"))
    rules = []
    for index, name in enumerate(facts):
        if not name:
            continue
        value = values[index].strip() if index < len(values) else ""
        fact = get_fact(name)
        if fact is None or not fact.params:
            params = {}
        elif len(fact.params) == 1:
            params = {fact.params[0].name: value}
        else:
            params = dict(part.split("=", 1) for part in value.split(";") if "=" in part)
            params = {key.strip(): item.strip() for key, item in params.items()}
        rules.append({"fact": name, "params": params, "negate": str(index) in negated})
    return rules


@login_required
@require_http_methods(["GET", "POST"])
def segment_edit_page(request, slug=None):
    actor = Actor.from_request(request)
    if not may_edit_segments(actor):
        return refuse(request, _("Segments belong to the marketing team."))
    segment = get_object_or_404(Segment, slug=slug) if slug else None
    context: dict[str, Any] = {"segment": segment, "facts": all_facts()}
    if request.method == "GET":
        context.update(
            name=segment.name if segment else "",
            description=segment.description if segment else "",
            is_active=segment.is_active if segment else True,
            rows=_rule_rows(segment.rules if segment else []),
        )
        return render(request, "customers/segment_edit.html", context)
    name = request.POST.get("name", "")
    description = request.POST.get("description", "")[:2000]
    is_active = request.POST.get("is_active") == "on"
    rules = _rules_from_post(request.POST)
    context.update(name=name, description=description, is_active=is_active, rows=_rule_rows(rules))
    try:
        segment = segment_save(
            actor=actor, segment=segment, name=name, description=description, rules=rules, is_active=is_active
        )
    except DomainError as exc:
        context["error"] = exc.detail
        return render(request, "customers/segment_edit.html", context, status=exc.status)
    count = segment_recompute(segment=segment, actor=actor)
    messages.success(request, _("Segment saved: %(count)s customers.") % {"count": count})
    return redirect("customers:segment-list")
