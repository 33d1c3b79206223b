from django.conf import settings

from .actor import Actor
from .registry import NavEntry, registry


def shell(request) -> dict:
    """What the base layout needs: the navigation the user may see, the currency."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"nav_entries": [], "currency": settings.OMNI_CURRENCY}
    actor = Actor.from_request(request)
    return {
        "actor": actor,
        "nav_entries": [entry for entry in registry.entries(NavEntry) if entry.allowed(actor)],
        "currency": settings.OMNI_CURRENCY,
    }
