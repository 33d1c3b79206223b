from django import template
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from omni.channels import Channel

from ..identifiers import format_phone
from ..models import Medium

register = template.Library()

CHANNEL_LABELS = {**dict(Channel.choices), **dict(Medium.choices)}
KIND_LABELS = {
    "contact": _("Contact"),
    "message": _("Message"),
    "consent": _("Consent"),
    "order": _("Order"),
}


@register.filter
def phone(value: str | None) -> str:
    """An E.164 number as people read it."""
    return format_phone(value)


@register.filter
def channel_label(value: str | None) -> str:
    return str(CHANNEL_LABELS.get(value or "", value or ""))


@register.filter
def timeline_kind(entry: dict) -> str:
    """The entry's own label if its source gave one, else a readable form of its kind."""
    kind = entry.get("kind", "")
    return str(entry.get("kind_label") or KIND_LABELS.get(kind) or capfirst(kind.replace("_", " ")))
