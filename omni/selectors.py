from django.db.models import QuerySet

from .actor import Actor
from .models import Location


def location_list(*, actor: Actor) -> QuerySet[Location]:
    """Every actor reads every location: stock is looked up anywhere."""
    return Location.objects.filter(is_active=True).order_by("kind", "code")


def staff_locations(*, actor: Actor) -> QuerySet[Location]:
    """The locations an actor works at, everything for those who act everywhere."""
    if actor.acts_everywhere:
        return location_list(actor=actor)
    return location_list(actor=actor).filter(pk__in=actor.location_ids)
