"""Marketing's journeys dashboard, its CSV exports, and a customer's journeys page."""

import csv
from datetime import datetime, time

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from omni.actor import Actor
from omni.channels import Channel
from omni.models import Location

from . import analytics
from .api import reads_analytics, reads_customer_journeys
from .selectors import customer_journeys

EXPORTS = ("conversion", "switches", "typology", "purchases")


def _day(value: str | None):
    """A date from the form, or None when absent or impossible (2026-13-45)."""
    try:
        return parse_date(value or "")
    except ValueError:
        return None


def _period_and_store(request):
    """Period and store from the filter form; bad values fall back to the defaults."""
    since_day, until_day = _day(request.GET.get("since")), _day(request.GET.get("until"))
    tz = timezone.get_current_timezone()
    since = timezone.make_aware(datetime.combine(since_day, time.min), tz) if since_day else None
    until = timezone.make_aware(datetime.combine(until_day, time.max), tz) if until_day else None
    period = analytics.Period.from_bounds(since, until)
    if period.since > period.until:
        period = analytics.Period.from_bounds(None, None)
    store = Location.objects.filter(code=request.GET.get("store") or "").first()
    return period, store


def _require_analytics(request) -> None:
    if not reads_analytics(Actor.from_request(request)):
        raise PermissionDenied


def _figures(period, store) -> dict:
    summary = analytics.journeys_summary(period=period, location=store)
    channels, matrix = analytics.switch_matrix(summary["channel_switches"])
    labels = {channel: str(label) for channel, label in Channel.choices}
    purchases = analytics.purchases_by_channel(period, store)
    conversion = [
        (labels.get(channel, channel), round(rate * 100, 1))
        for channel, rate in summary["conversion_by_channel"].items()
    ]
    typology_labels = {
        "mono": _("Mono-channel"),
        "multi": _("Multi-channel"),
        "cross": _("Cross-channel"),
        "omni": _("Omnichannel"),
    }
    return {
        "summary": summary,
        "facts": analytics.purchase_facts(period, store),
        "order_facts": analytics.order_facts(period, store),
        "redemptions": _labelled(analytics.code_redemptions(period, store), labels),
        "tracking": _tracking_labelled(analytics.order_tracking(period, store)),
        "purchases": purchases,
        "conversion_rows": conversion,
        "matrix_channels": [(channel, labels[channel]) for channel in channels],
        "matrix_rows": [(labels[channel], row) for channel, row in zip(channels, matrix, strict=True)],
        "chart_conversion": {
            "label": _("Conversion (%)"),
            "labels": [label for label, _rate in conversion],
            "values": [rate for _label, rate in conversion],
        },
        "chart_typology": {
            "label": _("Customers"),
            "labels": [str(typology_labels[key]) for key in summary["typology"]],
            "values": list(summary["typology"].values()),
        },
        "chart_purchases": {
            "label": _("Purchases"),
            "labels": [labels.get(channel, channel) for channel in purchases],
            "values": list(purchases.values()),
        },
    }


def _tracking_labelled(tracking: dict) -> dict:
    from customers.templatetags.customer_tags import source_label

    return {**tracking, "by_via": {source_label(via): row for via, row in tracking["by_via"].items()}}


def _labelled(redemptions: dict, labels: dict) -> dict:
    by_channel = {labels.get(channel, channel): count for channel, count in redemptions["by_channel"].items()}
    return {**redemptions, "by_channel": by_channel}


@login_required
@require_GET
def dashboard(request):
    _require_analytics(request)
    period, store = _period_and_store(request)
    context = {
        "period": period,
        "store": store,
        "stores": Location.objects.filter(kind=Location.Kind.STORE, is_active=True),
        "query": request.GET.urlencode(),
        **_figures(period, store),
    }
    template = "journeys/_figures.html" if request.htmx else "journeys/dashboard.html"
    return render(request, template, context)


@login_required
@require_GET
def export_csv(request, table: str):
    _require_analytics(request)
    if table not in EXPORTS:
        raise PermissionDenied
    period, store = _period_and_store(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="journeys-{table}.csv"'
    writer = csv.writer(response)
    if table == "purchases":  # each table reads only its own figures, not the whole dashboard's
        writer.writerow([_("channel"), _("purchases")])
        writer.writerows(analytics.purchases_by_channel(period, store).items())
        return response
    summary = analytics.journeys_summary(period=period, location=store)
    if table == "conversion":
        writer.writerow([_("channel"), _("conversion rate")])
        writer.writerows(summary["conversion_by_channel"].items())
    elif table == "switches":
        writer.writerow([_("from"), _("to"), _("count")])
        writer.writerows((row["from"], row["to"], row["count"]) for row in summary["channel_switches"])
    else:
        writer.writerow([_("typology"), _("customers")])
        writer.writerows(summary["typology"].items())
    return response


@login_required
@require_GET
def customer_journeys_page(request, customer_id):
    if not reads_customer_journeys(Actor.from_request(request)):
        raise PermissionDenied
    journeys = customer_journeys(customer_id=customer_id)
    return render(
        request,
        "journeys/customer_journeys.html" if not request.htmx else "journeys/_customer_journeys.html",
        {"journeys": journeys, "customer_id": customer_id, "channel_labels": dict(Channel.choices)},
    )
