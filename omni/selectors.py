from django.db.models import QuerySet

from .actor import Actor
from .models import Location


def location_list(*, actor: Actor) -> QuerySet[Location]:
    """Every actor reads every location: stock is looked up anywhere."""
    return Location.objects.filter(is_active=True).order_by("kind", "code")

