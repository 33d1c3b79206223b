"""Reads shared by the pricing loader, the API and the pages; each costs a constant number
of queries whatever the number of promotions, codes or redemptions."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.db.models import Count, IntegerField, Prefetch, Q, QuerySet, Sum, TextField, Value
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone

from customers.models import Customer, Segment, SegmentMembership
from omni.actor import Actor
from omni.channels import Channel
from omni.money import to_money
from omni.permissions import marketing_or_admin

from . import engine
from .codes import Usage, check_usable, normalise_code
from .errors import CodeUnknown
from .models import Campaign, CampaignRecipient, DiscountCode, Promotion, Redemption


# --- promotions ---------------------------------------------------------------------------
def promotion_list(*, actor: Actor, filters: dict | None = None) -> QuerySet[Promotion]:
    if not marketing_or_admin(actor):
        return Promotion.objects.none()
    # PostgreSQL refuses NUL bytes in a query with an error; nobody types them.
    filters = {name: str(value).replace("\x00", "")[:100] for name, value in (filters or {}).items() if value}
    now = timezone.now()
    queryset = Promotion.objects.prefetch_related(Prefetch("segments", queryset=Segment.objects.order_by("slug")))
    status = filters.get("status")
    if status == Promotion.Status.RUNNING:
        queryset = queryset.running(now)
    elif status == Promotion.Status.SCHEDULED:
        queryset = queryset.filter(is_active=True, starts_at__gt=now)
    elif status == Promotion.Status.ENDED:
        queryset = queryset.filter(ends_at__lte=now)
    elif status == Promotion.Status.INACTIVE:
        queryset = queryset.filter(is_active=False).exclude(ends_at__lte=now)
    if filters.get("search"):
        queryset = queryset.filter(Q(name__icontains=filters["search"]) | Q(code__iexact=filters["search"]))
    if filters.get("channel"):
        # channels is a JSON list; "empty = all", so filter in the database loosely and
        # let the page show both.
        queryset = queryset.filter(Q(channels=[]) | Q(channels__icontains=f'"{filters["channel"]}"'))
    return queryset.order_by("-priority", "name", "pk")


def _json_list(text: str | None) -> list:
    """A JSON list of plain strings as PostgreSQL and Django write it (``["a", "b"]``),
    split without the JSON parser; anything less plain goes through ``json.loads``."""
    if not text or text == "[]":
        return []
    if text.startswith('["') and text.endswith('"]') and "\\" not in text:
        items = text[2:-2].split('", "')
        if not any('"' in item for item in items):
            return items
    parsed: list[str] = json.loads(text)
    return parsed


def current_specs(*, now: datetime) -> list[engine.PromotionSpec]:
    """Every active promotion not ended by ``now`` (running or still to start) as the
    engine sees it, in one query: the segments come in through a LEFT JOIN (one row per promotion and
    segment, folded here). The JSON columns are read as text and parsed here: Django's
    JSON converter dominated the load time."""
    json_fields = ("channels", "skus", "categories")
    plain = [name for name in engine.SPEC_FIELDS if name not in json_fields]
    rows = (
        Promotion.objects.filter(is_active=True)
        .exclude(ends_at__lte=now)
        .order_by("pk")
        .annotate(**{f"{name}_text": Cast(name, TextField()) for name in json_fields})
        .values_list(*plain, *(f"{name}_text" for name in json_fields), "segments__id")
    )
    fields: dict[object, dict] = {}
    segments: dict[object, list[int]] = defaultdict(list)
    for values in rows:
        promotion_id, segment_id = values[plain.index("id")], values[-1]
        if segment_id is not None:
            segments[promotion_id].append(segment_id)
        if promotion_id in fields:
            continue
        row = dict(zip(plain, values[: len(plain)], strict=True))
        for name, text in zip(json_fields, values[len(plain) : -1], strict=True):
            row[name] = _json_list(text)
        fields[promotion_id] = row
    return [engine.PromotionSpec.from_values(row, segments.get(key, ())) for key, row in fields.items()]


def customer_segment_ids(customer: Customer | None) -> frozenset[int]:
    if customer is None:
        return frozenset()
    memberships = SegmentMembership.objects.filter(customer=customer, segment__is_active=True)
    return frozenset(memberships.values_list("segment_id", flat=True))


def usage_for(*, promotion_ids: Iterable[UUID | str], customer: Customer | None) -> dict[str, Usage]:
    """Unreleased redemptions per promotion, overall and by ``customer``, in one query."""
    promotion_ids = list(promotion_ids)
    if not promotion_ids:
        return {}
    by_customer = (
        Count("pk", filter=Q(customer=customer)) if customer is not None else Value(0, output_field=IntegerField())
    )
    rows = (
        Redemption.objects.filter(promotion_id__in=promotion_ids, released_at__isnull=True)
        .order_by()
        .values("promotion_id")
        .annotate(total=Count("pk"), mine=by_customer)
    )
    return {str(row["promotion_id"]): Usage(total=row["total"], by_customer=row["mine"]) for row in rows}


def codes_load(codes: Iterable[str]) -> dict[str, tuple[Promotion, DiscountCode | None]]:
    """Entered codes (normalised, each once) -> the promotion each names and its generated
    code row (``None`` for a promotion's shared code), with the promotions' segments; an
    unknown code raises ``code_unknown``. Three queries, whatever the number of codes."""
    wanted = list(dict.fromkeys(normalise_code(code) for code in codes if normalise_code(code)))
    if not wanted:
        return {}
    generated = {
        code.code: code
        for code in DiscountCode.objects.filter(code__in=wanted).select_related("promotion")
    }
    shared = {promotion.code: promotion for promotion in Promotion.objects.filter(code__in=wanted)}
    loaded: dict[str, tuple[Promotion, DiscountCode | None]] = {}
    for code in wanted:
        discount_code = generated.get(code)
        promotion = discount_code.promotion if discount_code else shared.get(code)
        if promotion is None:
            raise CodeUnknown(str(CodeUnknown.default_detail), code_value=code)
        loaded[code] = (promotion, discount_code)
    promotions = {str(promotion.pk): promotion for promotion, _code in loaded.values()}
    memberships = defaultdict(set)
    through = Promotion.segments.through.objects.filter(promotion_id__in=list(promotions))
    for promotion_id, segment_id in through.values_list("promotion_id", "segment_id"):
        memberships[str(promotion_id)].add(segment_id)
    for promotion, _code in loaded.values():
        promotion.loaded_segment_ids = frozenset(memberships[str(promotion.pk)])
    return loaded


def limited_ids(promotions: Iterable[Promotion | engine.PromotionSpec]) -> list[str]:
    """The ids of those ``promotions`` (rows or specs) whose uses are counted."""
    return [str(p.id) for p in promotions if p.usage_limit is not None or p.per_customer_limit is not None]


def codes_check(
    *,
    loaded: dict[str, tuple[Promotion, DiscountCode | None]],
    channel: str | None,
    customer: Customer | None,
    segment_ids: frozenset[int],
    now: datetime,
    usage: dict[str, Usage],
) -> dict[str, str]:
    """Loaded codes -> the id of the promotion each unlocks, judged on ``usage`` (the one
    read of the counted uses that the rest of the pricing also judges on); the first
    refused code raises the contract's error."""
    resolved = {}
    for code, (promotion, discount_code) in loaded.items():
        check_usable(
            code=code,
            promotion=promotion,
            discount_code=discount_code,
            channel=channel,
            segment_ids=segment_ids,
            has_customer=customer is not None,
            now=now,
            usage=usage.get(str(promotion.pk), Usage()),
        )
        resolved[code] = str(promotion.pk)
    return resolved


def codes_resolve(
    *,
    codes: Iterable[str],
    channel: str | None,
    customer: Customer | None,
    segment_ids: frozenset[int],
    now: datetime,
) -> dict[str, str]:
    """Entered codes -> the id of the promotion each unlocks; the first refused code
    raises the contract's error (``code_unknown``, ``code_expired``, ``code_not_applicable``,
    ``code_used``). At most four queries, whatever the number of codes."""
    loaded = codes_load(codes)
    if not loaded:
        return {}
    usage = usage_for(promotion_ids=limited_ids(p for p, _code in loaded.values()), customer=customer)
    return codes_check(loaded=loaded, channel=channel, customer=customer, segment_ids=segment_ids, now=now,
                       usage=usage)


# --- codes, redemptions, campaigns --------------------------------------------------------


def redemption_stats(*, promotion: Promotion | None = None) -> list[dict]:
    """Redemptions per channel (unreleased), with the discount they gave, in one query."""
    queryset = Redemption.objects.filter(released_at__isnull=True)
    if promotion is not None:
        queryset = queryset.filter(promotion=promotion)
    rows = queryset.order_by().values("channel").annotate(count=Count("pk"), amount=Sum("amount")).order_by("channel")
    return [_rounded(row) for row in rows]


def campaign_results(campaign: Campaign, *, days: int = 30) -> dict[str, list[dict]]:
    """What the campaign's codes brought: per channel the codes redeemed, the orders they
    were used on and the discount given, and the codes redeemed per day over the last
    ``days``. Two queries."""
    redeemed = Redemption.objects.filter(code__campaign_recipient__campaign=campaign, released_at__isnull=True)
    by_channel = (
        redeemed.order_by().values("channel")
        .annotate(count=Count("pk"), orders=Count("order_reference", distinct=True), amount=Sum("amount"))
        .order_by("channel")
    )
    since = timezone.now() - timedelta(days=days)
    by_day = (
        redeemed.filter(at__gte=since).annotate(day=TruncDate("at")).order_by()
        .values("day").annotate(count=Count("pk")).order_by("day")
    )
    return {"by_channel": [_rounded(row) for row in by_channel], "by_day": [dict(row) for row in by_day]}


def redemption_stats_by_promotion() -> list[dict]:
    """Per promotion and channel, for the statistics page, in one query."""
    rows = (
        Redemption.objects.filter(released_at__isnull=True)
        .order_by()
        .values("promotion_id", "promotion__name", "channel")
        .annotate(count=Count("pk"), amount=Sum("amount"))
        .order_by("promotion__name", "channel")
    )
    return [_rounded(row) for row in rows]


def _rounded(row: Mapping[str, Any]) -> dict[str, Any]:
    # SQLite sums decimals as floats' text; show cents.
    label = dict(Channel.choices).get(row["channel"], row["channel"] or "—")
    return {**row, "amount": to_money(str(row["amount"] or 0)), "label": label}


def campaign_list(*, actor: Actor) -> QuerySet[Campaign]:
    if not marketing_or_admin(actor):
        return Campaign.objects.none()
    return Campaign.objects.select_related("promotion", "segment").order_by("-created_at")


def campaign_report(campaign: Campaign) -> dict:
    """How far the send got and what happened to each recipient, in one query."""
    counts = dict.fromkeys(CampaignRecipient.Status.values, 0)
    for row in campaign.recipients.order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    done = sum(counts.values())
    audience = max(campaign.audience, done)
    return {
        "counts": counts,
        "done": done,
        "audience": audience,
        "percent": int(done * 100 / audience) if audience else (100 if campaign.status == Campaign.Status.SENT else 0),
    }
