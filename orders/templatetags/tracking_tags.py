"""Dates on the public tracking page as the customer's language writes them
(``09/12/2026 14:30`` in French, ``9 Dec 2026, 14:30`` in English)."""

from django import template
from django.utils import dateformat, timezone, translation

register = template.Library()

FORMATS = {"fr": ("d/m/Y", "d/m/Y H:i"), "en": ("j M Y", "j M Y, H:i")}


def _format(value, with_time: bool) -> str:
    if not value:
        return ""
    language = (translation.get_language() or "en").split("-")[0]
    day, moment = FORMATS.get(language, FORMATS["en"])
    return dateformat.format(timezone.localtime(value), moment if with_time else day)


@register.filter
def local_moment(value) -> str:
    return _format(value, with_time=True)


@register.filter
def local_day(value) -> str:
    return _format(value, with_time=False)
