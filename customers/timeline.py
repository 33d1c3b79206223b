"""The customer timeline: contacts, messages and consent changes of this app, plus every
source that higher apps register at start-up (orders, touchpoints...), newest first.

A source is ``fn(customer, limit) -> list[dict]``; each entry carries at least
``at`` (an aware datetime), ``channel``, ``kind`` and ``summary``, and may add anything
else (``url``, ``reference``, ``amount``...). Register it in ``AppConfig.ready()``, into
the one registry::

    registry.add(TimelineSource("orders", order_timeline_entries))

A source should cost a constant number of queries whatever the customer's history.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from omni.notifications import messages_about
from omni.registry import registry

from .models import ConsentEvent, Contact, Customer, Medium

logger = logging.getLogger(__name__)

TimelineEntries = Callable[[Customer, int], list[dict[str, Any]]]


@dataclass(frozen=True)
class TimelineSource:
    name: str
    entries: TimelineEntries
    order: int = 100

    @property
    def key(self) -> str:
        return self.name


def timeline_sources() -> list[TimelineEntries]:
    return [source.entries for source in registry.entries(TimelineSource)]


def contact_entries(customer: Customer, limit: int) -> list[dict[str, Any]]:
    contacts = Contact.objects.filter(customer=customer).select_related("staff", "client", "location")[:limit]
    return [
        {
            "at": contact.at,
            "channel": contact.channel,
            "kind": "contact",
            "contact_kind": contact.kind,
            "summary": f"{contact.get_kind_display()}: {contact.note}" if contact.note else contact.get_kind_display(),
            "note": contact.note,
            "by": _contact_author(contact),
            "location": contact.location.code if contact.location else None,
            "id": contact.pk,
        }
        for contact in contacts
    ]


def _contact_author(contact: Contact) -> str:
    if contact.staff:
        return contact.staff.get_full_name() or contact.staff.get_username()
    if contact.client:
        return contact.client.name
    return ""


def message_entries(customer: Customer, limit: int) -> list[dict[str, Any]]:
    messages = messages_about(customer).order_by("-created_at")[:limit]
    return [
        {
            "at": message.created_at,
            "channel": message.medium,
            "kind": "message",
            "summary": _("%(medium)s sent: %(kind)s") % {"medium": message.get_medium_display(), "kind": message.kind},
            "status": message.status,
        }
        for message in messages
    ]


def consent_entries(customer: Customer, limit: int) -> list[dict[str, Any]]:
    events = ConsentEvent.objects.filter(customer=customer)[:limit]
    labels = dict(Medium.choices)
    return [
        {
            "at": event.at,
            "channel": event.channel,
            "kind": "consent",
            "summary": (_("%(medium)s consent given") if event.granted else _("%(medium)s consent withdrawn"))
            % {"medium": labels.get(event.medium, event.medium)},
            "medium": event.medium,
            "granted": event.granted,
        }
        for event in events
    ]


# This app's own sources, registered by ``CustomersConfig.ready()`` before every other.
BUILTIN_SOURCES = [
    TimelineSource("contacts", contact_entries, order=0),
    TimelineSource("messages", message_entries, order=0),
    TimelineSource("consents", consent_entries, order=0),
]


def customer_timeline(customer: Customer, *, limit: int = 50) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for source in timeline_sources():
        try:
            entries.extend(source(customer, limit))
        except Exception:  # one broken plug-in must not hide the rest of the history
            logger.exception("timeline source %r failed for customer %s", source, customer.pk)
    entries.sort(key=_sort_key, reverse=True)
    return entries[:limit]


def _sort_key(entry: dict[str, Any]) -> datetime:
    return entry["at"]
