"""The customer timeline: contacts, messages and consent changes of this app, plus every
source that higher apps register at start-up (orders, touchpoints...), newest first.

A source is ``fn(customer, limit) -> list[dict]``; each entry carries at least
``at`` (an aware datetime), ``channel``, ``kind`` and ``summary``, and may add anything
else (``url``, ``reference``, ``amount``...). Register it in ``AppConfig.ready()``::

    from customers.timeline import register_timeline_source
    register_timeline_source(order_timeline_entries)

A source should cost a constant number of queries whatever the customer's history.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from django.utils.translation import gettext as _

from omni.notifications import messages_about

from .models import ConsentEvent, Contact, Customer, Medium

logger = logging.getLogger(__name__)

TimelineSource = Callable[[Customer, int], list[dict]]
_sources: list[TimelineSource] = []


def register_timeline_source(source: TimelineSource) -> None:
    if source not in _sources:
        _sources.append(source)


def unregister_timeline_source(source: TimelineSource) -> None:
    if source in _sources:
        _sources.remove(source)


def timeline_sources() -> list[TimelineSource]:
    return [contact_entries, message_entries, consent_entries, *_sources]


def contact_entries(customer: Customer, limit: int) -> list[dict]:
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


def message_entries(customer: Customer, limit: int) -> list[dict]:
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


def consent_entries(customer: Customer, limit: int) -> list[dict]:
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


def customer_timeline(customer: Customer, *, limit: int = 50) -> list[dict]:
    entries: list[dict] = []
    for source in timeline_sources():
        try:
            entries.extend(source(customer, limit))
        except Exception:  # one broken plug-in must not hide the rest of the history
            logger.exception("timeline source %r failed for customer %s", source, customer.pk)
    entries.sort(key=_sort_key, reverse=True)
    return entries[:limit]


def _sort_key(entry: dict) -> datetime:
    return entry["at"]
