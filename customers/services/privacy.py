"""GDPR: export every personal datum of a customer, or erase them, with an audit trail."""

from __future__ import annotations

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from omni.actor import Actor
from omni.errors import Forbidden
from omni.models import Message

from ..exports import customer_exports
from ..models import (
    ConsentEvent,
    Contact,
    Customer,
    CustomerIdentifier,
    CustomerMerge,
    PrivacyAuditEntry,
    SegmentMembership,
)
from ..permissions import may_handle_personal_data
from ..signals import customer_erased
from ..timeline import customer_timeline
from .merge import identity_snapshot

EXPORT_TIMELINE_LIMIT = 10_000


def _audit(*, customer: Customer, action: str, actor: Actor, reason: str = "") -> PrivacyAuditEntry:
    return PrivacyAuditEntry.objects.create(
        customer_id=customer.pk,
        action=action,
        actor_user=actor.user,
        actor_client=actor.client,
        actor_label=actor.label,
        channel=actor.channel or "",
        reason=reason[:200],
        at=timezone.now(),
    )


@transaction.atomic
def customer_export(*, customer: Customer, actor: Actor) -> dict:
    """Every personal datum Omni holds about the customer, as JSON-ready data."""
    if not may_handle_personal_data(actor):
        raise Forbidden()
    _audit(customer=customer, action=PrivacyAuditEntry.Action.EXPORT, actor=actor)
    customer = Customer.objects.select_related("preferred_store").get(pk=customer.pk)
    return {
        "exported_at": timezone.now().isoformat(),
        "customer": {
            **identity_snapshot(customer),  # the identity a merge keeps, and what only an export adds
            "preferred_store": customer.preferred_store.code if customer.preferred_store else None,
            "language": customer.language,
            "is_erased": customer.is_erased,
        },
        "consents": {
            medium: {
                "granted": customer.consent(medium),
                "at": _iso(getattr(customer, f"{medium}_consent_at")),
                "channel": getattr(customer, f"{medium}_consent_channel") or None,
            }
            for medium in ("email", "sms")
        },
        "consent_history": [
            {"medium": event.medium, "granted": event.granted, "channel": event.channel, "at": event.at.isoformat()}
            for event in customer.consent_events.all()
        ],
        "channels": [
            {
                "channel": use.channel,
                "first_seen_at": use.first_seen_at.isoformat(),
                "last_seen_at": use.last_seen_at.isoformat(),
            }
            for use in customer.channel_uses.all()
        ],
        "identifiers": [
            {
                "kind": ident.kind,
                "value": ident.value,
                "channel": ident.channel,
                "first_seen_at": ident.first_seen_at.isoformat(),
            }
            for ident in customer.identifiers.all()
        ],
        "contacts": [
            {"kind": contact.kind, "channel": contact.channel, "note": contact.note, "at": contact.at.isoformat()}
            for contact in customer.contacts.all()
        ],
        "segments": list(customer.segments.values_list("slug", flat=True)),
        "merged_duplicates": [
            {"at": merge.at.isoformat(), "duplicate": merge.snapshot} for merge in customer.merges.all()
        ],
        "timeline": [
            {key: (_iso(value) if key == "at" else value) for key, value in entry.items()}
            for entry in customer_timeline(customer, limit=EXPORT_TIMELINE_LIMIT)
        ],
        # What the higher apps hold about the customer (orders and their addresses...).
        **{key: exporter(customer) for key, exporter in customer_exports().items()},
    }


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


@transaction.atomic
def customer_erase(*, customer: Customer, actor: Actor, reason: str = "") -> Customer:
    """Remove the customer's personal data: identity, identifiers, consents, notes and
    messages are wiped; the row stays, anonymous, so that orders keep their customer for
    the accounts. Higher apps anonymise their own rows on ``customer_erased``."""
    if not may_handle_personal_data(actor):
        raise Forbidden()
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.is_erased:
        return customer
    known = [value for value in (customer.email, customer.phone) if value]
    about_customer = Q(about_type=ContentType.objects.get_for_model(Customer), about_id=str(customer.pk))
    messages = (
        Message.objects.filter(about_customer | Q(recipient__in=known))
        if known
        else Message.objects.filter(about_customer)
    )
    messages.filter(status=Message.Status.PENDING).update(status=Message.Status.FAILED)
    messages.update(recipient="", body="", subject_line="", last_error="", provider_reference="")
    Contact.objects.filter(customer=customer).delete()
    ConsentEvent.objects.filter(customer=customer).delete()
    CustomerIdentifier.objects.filter(customer=customer).delete()
    SegmentMembership.objects.filter(customer=customer).delete()
    CustomerMerge.objects.filter(target=customer).update(snapshot={})
    CustomerMerge.objects.filter(source=customer).update(snapshot={})
    now = timezone.now()
    for field in ("first_name", "last_name", "city", "email_consent_channel", "sms_consent_channel"):
        setattr(customer, field, "")
    customer.email = customer.phone = customer.loyalty_card = None
    customer.preferred_store = None
    customer.email_consent = customer.sms_consent = False
    customer.email_consent_at = customer.sms_consent_at = None
    customer.email_confirmed_at = customer.phone_confirmed_at = None
    customer.is_erased = True
    customer.erased_at = now
    customer.save()
    _audit(customer=customer, action=PrivacyAuditEntry.Action.ERASE, actor=actor, reason=reason)
    customer_erased.send(sender=Customer, customer_id=customer.pk, actor=actor)
    return customer
