"""Points earned and spent on the customer's timeline (``customers.timeline``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import EntryKind, PointsEntry


def points_entries(customer, limit: int) -> list[dict]:
    entries = PointsEntry.objects.filter(customer=customer).order_by("-at", "-pk")[:limit]
    return [
        {
            "at": entry.at,
            "channel": entry.channel or None,
            "kind": "loyalty",
            "summary": _summary(entry),
            "reference": entry.order or None,
            "points": entry.points,
        }
        for entry in entries
    ]


def _summary(entry: PointsEntry) -> str:
    values = {"points": abs(entry.points), "order": entry.order}
    if entry.kind == EntryKind.EARN:
        text = _("%(points)s points earned on order %(order)s") % values
        return text + (" " + _("(pending until handed over)") if entry.pending else "")
    if entry.kind == EntryKind.REDEEM:
        return _("%(points)s points spent on order %(order)s") % values
    if entry.kind == EntryKind.EXPIRE:
        return _("%(points)s points expired") % values
    sign = "+" if entry.points > 0 else "−"
    return f"{entry.get_kind_display()}: {sign}{abs(entry.points)}" + (f" · {entry.note}" if entry.note else "")
