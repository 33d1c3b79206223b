"""Segments: save their rules, recompute their membership."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from omni.actor import Actor
from omni.channels import Channel
from omni.errors import Forbidden
from omni.models import Location

from ..errors import InvalidSegmentRules
from ..facts import get_fact
from ..models import Customer, Medium, Segment, SegmentMembership
from ..permissions import may_edit_segments


def _clean_param(kind: str, name: str, value: Any) -> Any:
    if kind == "int":
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = -1
        if number < 0 or number > 1_000_000_000:
            raise InvalidSegmentRules(_("“%(name)s” must be a whole number.") % {"name": name})
        return number
    if kind == "channels":
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, list) or not value or any(v not in Channel.values for v in value):
            raise InvalidSegmentRules(
                _("“%(name)s” must list channels among %(choices)s.")
                % {"name": name, "choices": ", ".join(Channel.values)}
            )
        return sorted(set(value), key=Channel.values.index)
    if kind == "medium":
        if value not in Medium.values:
            raise InvalidSegmentRules(_("“%(name)s” must be email or sms.") % {"name": name})
        return value
    if kind == "location":
        if not isinstance(value, str) or not Location.objects.filter(code=value).exists():
            raise InvalidSegmentRules(_("“%(name)s” must be a location code.") % {"name": name})
        return value
    if kind == "date":
        try:
            return datetime.date.fromisoformat(str(value)).isoformat()
        except ValueError as exc:
            raise InvalidSegmentRules(_("“%(name)s” must be a date (YYYY-MM-DD).") % {"name": name}) from exc
    if not isinstance(value, str | int | float) or not str(value).strip() or len(str(value)) > 200:
        raise InvalidSegmentRules(_("“%(name)s” is required.") % {"name": name})
    return str(value).strip()


def segment_rules_clean(rules: Any) -> list[dict]:
    """Validate rules against the registered facts; returns them normalised."""
    if not isinstance(rules, list) or not rules:
        raise InvalidSegmentRules(_("A segment needs at least one rule."))
    if len(rules) > 20:
        raise InvalidSegmentRules(_("A segment has at most 20 rules."))
    cleaned = []
    for rule in rules:
        if not isinstance(rule, dict) or not isinstance(rule.get("fact"), str):
            raise InvalidSegmentRules(_("Each rule names a fact."))
        fact = get_fact(rule["fact"])
        if fact is None:
            raise InvalidSegmentRules(_("Unknown fact “%(fact)s”.") % {"fact": rule["fact"]})
        params = rule.get("params") or {}
        if not isinstance(params, dict):
            raise InvalidSegmentRules(_("Rule parameters must be an object."))
        cleaned.append(
            {
                "fact": fact.name,
                "params": {p.name: _clean_param(p.kind, p.name, params.get(p.name)) for p in fact.params},
                "negate": bool(rule.get("negate", False)),
            }
        )
    return cleaned


@transaction.atomic
def segment_save(
    *,
    actor: Actor,
    name: str,
    rules: list,
    segment: Segment | None = None,
    slug: str = "",
    description: str = "",
    is_active: bool = True,
) -> Segment:
    if not may_edit_segments(actor):
        raise Forbidden()
    name = (name or "").strip()[:120]
    if not name:
        raise InvalidSegmentRules(_("A segment needs a name."), field="name")
    rules = segment_rules_clean(rules)
    if segment is None:
        slug = slugify(slug or name)[:60]
        if not slug or Segment.objects.filter(slug=slug).exists():
            raise InvalidSegmentRules(_("Another segment already has this name."), field="slug")
        segment = Segment(slug=slug)
    segment.name, segment.description, segment.rules, segment.is_active = name, description, rules, is_active
    segment.updated_by = actor.user
    segment.save()
    return segment


def segment_evaluate(rules: list[dict], customers: QuerySet | None = None) -> set:
    """The ids of the customers that satisfy every rule."""
    base = customers if customers is not None else Customer.objects.active()
    matching = base
    in_python: list[tuple[bool, set]] = []
    for rule in rules:
        fact = get_fact(rule["fact"])
        if fact is None:  # a fact whose app is gone: nobody matches rather than everybody
            return set()
        result = fact.fn(base, rule.get("params") or {})
        if isinstance(result, QuerySet):
            ids = result.values("pk") if result.model is Customer else result
            # ``ids`` is a subquery of customer ids; the plugin expects a list of values here.
            matching = (
                matching.exclude(pk__in=ids)  # type: ignore[misc]
                if rule.get("negate")
                else matching.filter(pk__in=ids)  # type: ignore[misc]
            )
        else:
            in_python.append((bool(rule.get("negate")), set(result)))
    members = set(matching.values_list("pk", flat=True))
    for negate, found in in_python:
        members = members - found if negate else members & found
    return members


@transaction.atomic
def segment_recompute(*, segment: Segment, actor: Actor | None = None) -> int:
    """Bring the membership in line with the rules; returns the member count."""
    if actor is not None and actor.is_authenticated and not may_edit_segments(actor):
        raise Forbidden()
    segment = Segment.objects.select_for_update().get(pk=segment.pk)
    members = segment_evaluate(segment.rules) if segment.is_active else set()
    current = set(SegmentMembership.objects.filter(segment=segment).values_list("customer_id", flat=True))
    gone = current - members
    if gone:
        gone_list = list(gone)
        for start in range(0, len(gone_list), 500):
            SegmentMembership.objects.filter(segment=segment, customer_id__in=gone_list[start : start + 500]).delete()
    now = timezone.now()
    SegmentMembership.objects.bulk_create(
        [
            SegmentMembership(segment=segment, customer_id=customer_id, added_at=now)
            for customer_id in members - current
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    segment.member_count = len(members)
    segment.recomputed_at = now
    segment.save(update_fields=["member_count", "recomputed_at"])
    return segment.member_count


def segment_recompute_all() -> dict[str, int]:
    return {segment.slug: segment_recompute(segment=segment) for segment in Segment.objects.order_by("pk")}
