"""Merging a duplicate customer into the one who stays."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from omni.actor import Actor
from omni.errors import Forbidden
from omni.models import Message

from ..contact_points import confirmation_fields
from ..errors import MergeNotAllowed
from ..models import ConsentEvent, Contact, Customer, CustomerMerge, Medium, SegmentMembership
from ..permissions import may_merge_customers
from ..signals import customers_merged
from .customers import IDENTIFIER_FIELDS

# What a tombstone gives up: its identifiers are unique, its consents no longer count.
TOMBSTONE_FIELDS = (
    "first_name",
    "last_name",
    "city",
    "email",
    "phone",
    "loyalty_card",
    "email_consent",
    "sms_consent",
    "merged_into",
    "updated_at",
)


def identity_snapshot(customer: Customer) -> dict[str, Any]:
    return {
        "id": str(customer.pk),
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "email": customer.email,
        "phone": customer.phone,
        "loyalty_card": customer.loyalty_card,
        "city": customer.city,
        "created_at": customer.created_at.isoformat() if customer.created_at else None,
        "created_channel": customer.created_channel,
    }


@transaction.atomic
def customer_merge(*, source: Customer, target: Customer, actor: Actor) -> Customer:
    """Merge the duplicate ``source`` into ``target``: identifiers the target lacks,
    contacts, consents (the most recent decision wins), channels and every higher app's
    rows (through ``customers_merged``) move over; the duplicate stays as a tombstone
    pointing at the target, so that its old id still leads somewhere."""
    if not may_merge_customers(actor):
        raise Forbidden()
    if source.pk == target.pk:
        raise MergeNotAllowed(detail=str(MergeNotAllowed.default_detail))
    source, target = _lock_mergeable(source, target)
    now = timezone.now()
    snapshot = identity_snapshot(source)
    source_consents = {medium: source.consent(medium) for medium in Medium.values}
    moved = {
        field: getattr(source, field)
        for field in IDENTIFIER_FIELDS
        if getattr(source, field) and not getattr(target, field)
    }
    _make_tombstone(source, target=target)  # first: the identifiers it gives up are unique
    changed = _take_identifiers(target, moved, source=source)
    changed += _take_identity(target, snapshot=snapshot, source=source)
    changed += _take_recent_consents(target, source_consents, source=source)
    _keep_earliest_creation(target, source=source)
    target.save(update_fields=[*changed, "updated_at"])
    _move_history(source, target=target)
    CustomerMerge.objects.create(
        source=source,
        target=target,
        snapshot=snapshot,
        actor_user=actor.user,
        actor_client=actor.client,
        actor_label=actor.label,
        channel=actor.channel or "",
        at=now,
    )
    customers_merged.send(sender=Customer, source_id=source.pk, target_id=target.pk, actor=actor)
    return target


def _lock_mergeable(source: Customer, target: Customer) -> tuple[Customer, Customer]:
    """Both customers locked (in pk order) and read again; neither merged nor erased."""
    locked = {
        c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")
    }
    source, target = locked[source.pk], locked[target.pk]
    if source.merged_into_id or target.merged_into_id or source.is_erased or target.is_erased:
        raise MergeNotAllowed()
    return source, target


def _make_tombstone(source: Customer, *, target: Customer) -> None:
    source.first_name = source.last_name = source.city = ""
    source.email = source.phone = source.loyalty_card = None
    source.email_consent = source.sms_consent = False
    source.merged_into = target
    source.save(update_fields=list(TOMBSTONE_FIELDS))


def _take_identifiers(target: Customer, moved: dict[str, str], *, source: Customer) -> list[str]:
    """The identifiers the target lacked; a contact point moves with what was known of it."""
    changed = list(moved)
    for field, value in moved.items():
        setattr(target, field, value)
        column = confirmation_fields(field)
        if column:
            setattr(target, column, getattr(source, column))
            changed.append(column)
    return changed


def _take_identity(target: Customer, *, snapshot: dict[str, Any], source: Customer) -> list[str]:
    """The names, city and preferred store the target lacked."""
    changed = []
    for field in ("first_name", "last_name", "city"):
        if not getattr(target, field) and snapshot[field]:
            setattr(target, field, snapshot[field])
            changed.append(field)
    if target.preferred_store_id is None and source.preferred_store_id is not None:
        target.preferred_store_id = source.preferred_store_id
        changed.append("preferred_store")
    return changed


def _take_recent_consents(target: Customer, source_consents: dict[str, bool], *, source: Customer) -> list[str]:
    """The customer's most recent decision, wherever it was made, is the one that counts."""
    changed: list[str] = []
    for medium in Medium.values:
        source_at = getattr(source, f"{medium}_consent_at")
        target_at = getattr(target, f"{medium}_consent_at")
        if source_at and (target_at is None or source_at > target_at):
            setattr(target, f"{medium}_consent", source_consents[medium])
            setattr(target, f"{medium}_consent_at", source_at)
            setattr(target, f"{medium}_consent_channel", getattr(source, f"{medium}_consent_channel"))
            changed += [f"{medium}_consent", f"{medium}_consent_at", f"{medium}_consent_channel"]
    return changed


def _keep_earliest_creation(target: Customer, *, source: Customer) -> None:
    """The customer has been a customer since the duplicate's first visit."""
    if source.created_at and target.created_at and source.created_at < target.created_at:
        Customer.objects.filter(pk=target.pk).update(created_at=source.created_at)
        target.created_at = source.created_at


def _move_history(source: Customer, *, target: Customer) -> None:
    """Contacts, consent statements, identifiers seen, channels, earlier merges and
    messages follow the customer; segment memberships are recomputed for the target."""
    Contact.objects.filter(customer=source).update(customer=target)
    ConsentEvent.objects.filter(customer=source).update(customer=target)
    _move_identifiers_seen(source, target=target)
    _move_channel_uses(source, target=target)
    SegmentMembership.objects.filter(customer=source).delete()
    Customer.objects.filter(merged_into=source).update(merged_into=target)
    Message.objects.filter(about_type=ContentType.objects.get_for_model(Customer), about_id=str(source.pk)).update(
        about_id=str(target.pk)
    )


def _move_identifiers_seen(source: Customer, *, target: Customer) -> None:
    known = set(target.identifiers.values_list("kind", "value"))
    for identifier in list(source.identifiers.all()):
        if (identifier.kind, identifier.value) in known:
            identifier.delete()
        else:
            identifier.customer = target
            identifier.save(update_fields=["customer"])


def _move_channel_uses(source: Customer, *, target: Customer) -> None:
    """A channel both used keeps the earliest first and the latest last visit."""
    target_channels = {use.channel: use for use in target.channel_uses.all()}
    for use in list(source.channel_uses.all()):
        mine = target_channels.get(use.channel)
        if mine is None:
            use.customer = target
            use.save(update_fields=["customer"])
        else:
            mine.first_seen_at = min(mine.first_seen_at, use.first_seen_at)
            mine.last_seen_at = max(mine.last_seen_at, use.last_seen_at)
            mine.save(update_fields=["first_seen_at", "last_seen_at"])
            use.delete()
