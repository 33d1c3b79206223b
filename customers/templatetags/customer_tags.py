from django import template

from ..identifiers import format_phone

register = template.Library()


@register.filter
def phone(value: str | None) -> str:
    """An E.164 number as people read it."""
    return format_phone(value)
