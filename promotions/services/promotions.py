"""Creating and changing promotions. The checks live in ``promotion_errors`` so that the
API's serializer, the marketing form and the services refuse the same things."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Segment
from inventory.models import Product
from omni.actor import Actor
from omni.channels import Channel

from ..codes import MAX_CODE_LENGTH, normalise_code
from ..errors import InvalidPromotion
from ..models import DiscountCode, Kind, Promotion

FIELDS = (
    "name", "description", "kind", "value", "buy_quantity", "get_quantity", "channels", "starts_at", "ends_at", "skus",
    "categories", "min_subtotal", "requires_code", "code", "usage_limit", "per_customer_limit", "priority",
    "stackable", "is_active",
)


def _same_minute(moment: datetime, other: datetime | None) -> bool:
    """A form gives moments to the minute: the end an ended promotion already had, sent
    back unchanged, is not a new end."""
    return other is not None and moment.replace(second=0, microsecond=0) == other.replace(second=0, microsecond=0)


def promotion_errors(values: dict, *, instance: Promotion | None = None) -> dict[str, str]:
    """Field -> message for every rule ``values`` (merged over ``instance``) breaks."""

    def get(name: str) -> Any:
        if name in values:
            return values[name]
        return getattr(instance, name, None) if instance is not None else None

    errors: dict[str, str] = {}
    kind = get("kind")
    value = get("value")
    if kind not in Kind.values:
        errors["kind"] = _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(Kind.values)}
    if value is not None and Decimal(value) < 0:
        errors["value"] = _("The value cannot be negative.")
    elif kind == Kind.PERCENT and (value is None or not Decimal(0) < Decimal(value) <= 100):
        errors["value"] = _("A percentage is more than 0 and at most 100.")
    elif kind in (Kind.AMOUNT, Kind.FIXED_PRICE) and value is None:
        errors["value"] = _("This kind of promotion needs a value.")
    if kind == Kind.BUY_X_GET_Y:
        for name in ("buy_quantity", "get_quantity"):
            quantity = get(name)
            if quantity is None or quantity < 1:
                errors[name] = _("At least 1.")
    for name in ("min_subtotal",):
        amount = get(name)
        if amount is not None and Decimal(amount) < 0:
            errors[name] = _("The amount cannot be negative.")
    for name in ("usage_limit", "per_customer_limit"):
        limit = get(name)
        if limit is not None and limit < 1:
            errors[name] = _("At least 1, or leave it empty for no limit.")
    starts_at, ends_at = get("starts_at"), get("ends_at")
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = _("The end must come after the start.")
    elif values.get("ends_at") and values["ends_at"] <= timezone.now() and not _same_minute(
        values["ends_at"], instance.ends_at if instance is not None else None
    ):  # a new or moved end in the past: the promotion would be over before anyone saw it
        errors["ends_at"] = _("The end is already past.")
    unknown = sorted(set(get("channels") or []) - set(Channel.values))
    if unknown:
        errors["channels"] = _("Unknown channel: %(channels)s.") % {"channels": ", ".join(map(str, unknown))}
    drops_code = instance is not None and values.get("requires_code") is False and not values.get("code", instance.code)
    if drops_code and instance is not None and instance.codes.exists():
        errors["requires_code"] = _("This promotion has generated codes: it can only apply with a code.")
    code = get("code")
    if code:
        code = normalise_code(code)
        if len(code) > MAX_CODE_LENGTH or not code.replace("-", "").isalnum():
            errors["code"] = _("Letters, digits and dashes only, at most 40.")
        else:
            others = Promotion.objects.filter(code=code)
            if instance is not None:
                others = others.exclude(pk=instance.pk)
            if others.exists() or DiscountCode.objects.filter(code=code).exists():
                errors["code"] = _("This code is already in use.")
    skus = values.get("skus") or []  # only those given: a product withdrawn since keeps its promotion editable
    if skus:
        known = set(Product.objects.filter(sku__in=skus).values_list("sku", flat=True))
        missing = sorted(set(skus) - known)
        if missing:
            errors["skus"] = _("Unknown SKU: %(skus)s.") % {"skus": ", ".join(missing[:10])}
    return errors


def _prepare(fields: dict) -> dict:
    if fields.get("code"):
        fields["code"] = normalise_code(fields["code"])
        fields["requires_code"] = True
    elif "code" in fields:
        fields["code"] = None
    for name in ("skus", "categories", "channels"):
        if name in fields and fields[name] is not None:
            fields[name] = sorted({str(item).strip() for item in fields[name] if str(item).strip()})
    return fields


@transaction.atomic
def promotion_create(*, actor: Actor, segments: Iterable[Segment] | None = None, **fields: Any) -> Promotion:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown promotion fields: {sorted(unknown)}")
    errors = promotion_errors(fields)
    if errors:
        raise InvalidPromotion(next(iter(errors.values())), errors=errors)
    fields = _prepare(fields)
    promotion = Promotion.objects.create(**fields, created_by=actor.label, updated_by=actor.label)
    if segments:
        promotion.segments.set(segments)
    return promotion


@transaction.atomic
def promotion_update(
    *, promotion: Promotion, actor: Actor, segments: Iterable[Segment] | None = None, **fields: Any
) -> Promotion:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown promotion fields: {sorted(unknown)}")
    promotion = Promotion.objects.select_for_update().get(pk=promotion.pk)
    errors = promotion_errors(fields, instance=promotion)
    if errors:
        raise InvalidPromotion(next(iter(errors.values())), errors=errors)
    fields = _prepare(fields)
    for name, value in fields.items():
        setattr(promotion, name, value)
    promotion.updated_by = actor.label
    promotion.save()
    if segments is not None:
        promotion.segments.set(segments)
    return promotion
