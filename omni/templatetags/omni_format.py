"""How staff pages write what has a code underneath: money as the active language writes
it (``21,52 €``, ``€21.52``), a channel by its name (``Centre d'appels``, not ``call_centre``)."""

from django import template

from omni.channels import Channel
from omni.money import money_text

register = template.Library()

CHANNEL_LABELS = dict(Channel.choices)


@register.filter
def money(amount) -> str:
    return "" if amount is None or amount == "" else money_text(amount)


@register.filter
def channel_label(code: str | None) -> str:
    return str(CHANNEL_LABELS.get(code or "", code or ""))
