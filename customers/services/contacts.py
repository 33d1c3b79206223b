"""Writes on a customer's contacts with the business: channels used, calls and visits
noted, contact points confirmed by staff."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from omni.actor import Actor
from omni.errors import Forbidden
from omni.models import Location

from ..contact_points import set_confirmation
from ..errors import CustomerErased, InvalidIdentifier
from ..models import CONTACT_FIELDS, Contact, Customer, CustomerChannel
from ..permissions import may_write_customers
from ..signals import contact_recorded


def touch_channel(customer: Customer, channel: str | None, *, at: datetime) -> None:
    if not channel:
        return
    if not CustomerChannel.objects.filter(customer=customer, channel=channel).update(last_seen_at=at):
        CustomerChannel.objects.bulk_create(
            [CustomerChannel(customer=customer, channel=channel, first_seen_at=at, last_seen_at=at)],
            ignore_conflicts=True,
        )


def customer_touch_channel(*, customer: Customer, channel: str, at: datetime | None = None) -> None:
    """Record that the customer used a channel (for higher apps: an order, a touchpoint)."""
    touch_channel(customer, channel, at=at or timezone.now())


def customers_touch_channel(*, customer_ids: Iterable[UUID], channel: str, at: datetime) -> None:
    """The same for many customers at once (a batch of events), in three queries."""
    ids = set(customer_ids)
    if not channel or not ids:
        return
    known = CustomerChannel.objects.filter(customer_id__in=ids, channel=channel)
    seen = set(known.values_list("customer_id", flat=True))
    known.filter(last_seen_at__lt=at).update(last_seen_at=at)
    CustomerChannel.objects.bulk_create(
        [
            CustomerChannel(customer_id=customer_id, channel=channel, first_seen_at=at, last_seen_at=at)
            for customer_id in ids - seen
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def contact_point_confirm(*, customer: Customer, medium: str, actor: Actor) -> Customer:
    """Staff confirm, with the customer in front of them or on the line, that the e-mail
    address or phone number on file is theirs: messages with a secret may go there."""
    if not may_write_customers(actor) or actor.user is None:
        raise Forbidden(_("Only staff confirm a customer's contact details."))
    if medium not in CONTACT_FIELDS:
        raise InvalidIdentifier(field="medium")
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.is_erased:
        raise CustomerErased()
    field = CONTACT_FIELDS[medium]
    if not getattr(customer, field):
        raise InvalidIdentifier(_("There is nothing to confirm."), field=field)
    now = timezone.now()
    columns = set_confirmation(customer, [field], confirmed=True, at=now)
    customer.save(update_fields=[*columns, "updated_at"])
    contact = Contact.objects.create(
        customer=customer,
        kind=Contact.Kind.VISIT if actor.location_ids else Contact.Kind.CALL,
        note=_("Confirmed the phone number on file.")
        if field == "phone"
        else _("Confirmed the e-mail address on file."),
        channel=actor.channel or "",
        staff=actor.user,
        at=now,
    )
    contact_recorded.send(sender=Contact, contact=contact, actor=actor)
    return customer


@transaction.atomic
def contact_record(
    *, customer: Customer, kind: str, note: str = "", actor: Actor, at: datetime | None = None
) -> Contact:
    """Note a call, visit, e-mail or chat with the customer."""
    if not may_write_customers(actor):
        raise Forbidden()
    if customer.is_erased:
        raise CustomerErased()
    if kind not in Contact.Kind.values:
        raise InvalidIdentifier(field="kind")
    location = actor.location
    if location is None and actor.user is not None and len(actor.location_ids) == 1:
        location = Location.objects.filter(pk=next(iter(actor.location_ids))).first()
    contact = Contact.objects.create(
        customer=customer,
        kind=kind,
        note=(note or "").strip()[:4000],
        channel=actor.channel or "",
        staff=actor.user,
        client=actor.client,
        location=location,
        at=at or timezone.now(),
    )
    touch_channel(customer, actor.channel, at=contact.at)
    contact_recorded.send(sender=Contact, contact=contact, actor=actor)
    return contact
