"""Staff pages for loyalty: the programme (its figures by channel for marketing, its
settings for administrators) and the customer's points on the 360° page, where an
administrator adjusts them with a note. Each answer is a whole page (or the section's
fragment for htmx), refusals in place."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from customers.permissions import may_read_customers
from omni.actor import Actor
from omni.channels import Channel
from omni.errors import DomainError
from omni.money import typed_amount

from . import services
from .models import EntryKind, LoyaltyProgram, PointsEntry
from .selectors import balance_of

FIGURES_DAYS = 30
SETTINGS = ("redeem_step", "min_redeem", "expire_after_days")


def sees_programme(actor: Actor) -> bool:
    return actor.is_admin or actor.is_marketing


def programme_figures(*, now=None) -> list[dict]:
    """Per channel: points issued and spent over the last 30 days, and the points that
    expire within the next 30 (one query)."""
    now = now or timezone.now()
    since, soon = now - timedelta(days=FIGURES_DAYS), now + timedelta(days=FIGURES_DAYS)
    rows = PointsEntry.objects.values("channel").annotate(
        issued=Sum("points", filter=Q(at__gte=since, points__gt=0, pending=False)),
        spent=Sum("points", filter=Q(at__gte=since, kind=EntryKind.REDEEM)),
        expiring=Sum("remaining", filter=Q(pending=False, remaining__gt=0, expires_at__lte=soon)),
    )
    by_channel = {row["channel"]: row for row in rows}
    labels = dict(Channel.choices)
    return [
        {"channel": labels.get(channel, channel or _("Other")), "issued": row["issued"] or 0,
         "spent": -(row["spent"] or 0), "expiring": row["expiring"] or 0}
        for channel, row in sorted(by_channel.items(), key=lambda item: str(item[0]))
    ]


@login_required
def programme(request):
    actor = Actor.from_request(request)
    if not sees_programme(actor):
        raise PermissionDenied
    program = LoyaltyProgram.current()
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not actor.is_admin:
            raise PermissionDenied
        errors = _apply_settings(program, request.POST)
        if not errors:
            return redirect("loyalty:programme")
    context = {"program": program, "figures": programme_figures(), "may_edit": actor.is_admin, "errors": errors,
               "rates": [(code, label, program.rate_for(code)) for code, label in Channel.choices],
               "days": FIGURES_DAYS}
    return render(request, "loyalty/programme.html", context, status=400 if errors else 200)


def _apply_settings(program: LoyaltyProgram, post) -> dict[str, str]:
    errors: dict[str, str] = {}
    values: dict = {}
    for name in SETTINGS:
        raw = post.get(name, "").strip()
        if not raw.isdigit() or int(raw) < 1:
            errors[name] = _("Enter a whole number, at least 1.")
        else:
            values[name] = int(raw)
    point_value = typed_amount(post.get("point_value"), below=Decimal("100.0001"))
    if not point_value:
        errors["point_value"] = _("Enter the value of a point, for example 0.01.")
    else:
        values["point_value"] = point_value
    rates = {}
    for code in Channel.values:
        rate = typed_amount(post.get(f"rate-{code}") or "0", below=Decimal("10000"))
        if rate is None:
            errors[f"rate-{code}"] = _("Enter the points per unit of money, for example 1.")
        else:
            rates[code] = format(rate.normalize(), "f")
    if errors:
        return errors
    for name, value in values.items():
        setattr(program, name, value)
    program.earn_rate, program.active, program.updated_at = rates, post.get("active") == "on", timezone.now()
    program.save()
    return {}


@login_required
def customer_points(request, customer_id):
    """A section of the 360° page: balance, pending points, the next expiry and the
    ledger; an administrator adjusts with a note (POST)."""
    actor = Actor.from_request(request)
    if not may_read_customers(actor):
        raise PermissionDenied
    customer = get_object_or_404(Customer, pk=customer_id)
    refusal, status = "", 200
    if request.method == "POST":
        try:
            points = int(request.POST.get("points", ""))
        except ValueError:
            refusal, status = _("Enter a whole number of points, negative to take some away."), 400
        else:
            try:
                services.points_adjust(customer=customer, points=points, note=request.POST.get("note", ""),
                                       actor=actor)
            except DomainError as exc:
                refusal, status = exc.detail, exc.status
    balance, program = balance_of(customer.pk), LoyaltyProgram.current()
    context = {"customer": customer, "balance": balance, "program": program,
               "value": balance.balance * program.point_value,
               "entries": PointsEntry.objects.filter(customer=customer).select_related("location")[:50],
               "may_adjust": actor.is_admin, "refusal": refusal}
    template = "loyalty/_customer_points.html" if request.htmx else "loyalty/customer_points.html"
    return render(request, template, context, status=status)
