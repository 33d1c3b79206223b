from django import template
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from omni.templatetags.omni_format import CHANNEL_LABELS

from ..identifiers import format_phone
from ..models import Medium

register = template.Library()

SOURCE_LABELS = {**CHANNEL_LABELS, **dict(Medium.choices)}
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
def source_label(value: str | None) -> str:
    """What a timeline entry came through: a channel, or a medium (a message, a consent)."""
    return str(SOURCE_LABELS.get(value or "", value or ""))


@register.filter
def timeline_kind(entry: dict) -> str:
    """The entry's own label if its source gave one, else a readable form of its kind."""
    kind = entry.get("kind", "")
    return str(entry.get("kind_label") or KIND_LABELS.get(kind) or capfirst(kind.replace("_", " ")))
