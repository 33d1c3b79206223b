"""Touchpoints on the customer timeline (a source registered with customers.timeline)."""

from customers.templatetags.customer_tags import source_label

from .models import NOT_A_STEP_TYPES, Touchpoint, TouchpointType

# Purchases appear on the timeline as orders (from the orders app), not twice; an order
# followed through its tracking link is worth seeing there (the call centre), though no step.
SHOWN_ELSEWHERE = [
    TouchpointType.PURCHASE, *(kind for kind in NOT_A_STEP_TYPES if kind != TouchpointType.ORDER_TRACKED)
]


def touchpoint_entries(customer, limit: int) -> list[dict]:
    touchpoints = (
        Touchpoint.objects.filter(customer=customer)
        .exclude(type__in=SHOWN_ELSEWHERE)
        .exclude(properties__has_key="contact")  # contacts are on the timeline already
        .select_related("location")
        .order_by("-occurred_at")[:limit]
    )
    return [
        {
            "at": touchpoint.occurred_at,
            "channel": touchpoint.channel,
            "kind": touchpoint.type,
            "summary": _summary(touchpoint),
        }
        for touchpoint in touchpoints
    ]


def _summary(touchpoint: Touchpoint) -> str:
    label = touchpoint.get_type_display()
    if touchpoint.sku:
        return f"{label}: {touchpoint.sku}"
    if touchpoint.type == TouchpointType.ORDER_TRACKED and touchpoint.properties.get("order"):
        via = touchpoint.properties.get("via")
        return f"{label}: {touchpoint.properties['order']}" + (f" ({source_label(via)})" if via else "")
    if touchpoint.location is not None:
        return f"{label}: {touchpoint.location.name}"
    page = touchpoint.properties.get("path") or touchpoint.properties.get("url")
    return f"{label}: {page}" if page else str(label)
