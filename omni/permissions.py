"""DRF permissions expressed on the Actor.

Views declare ``actor_rules = {"GET": predicate, "POST": predicate}``; a method without
an entry is allowed to any authenticated actor.
"""

from rest_framework.permissions import BasePermission

from .actor import Actor


class IsActor(BasePermission):
    """Authenticated staff member or API client, then the view's ``actor_rules``."""

    def has_permission(self, request, view) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        actor = Actor.from_request(request)
        rules = getattr(view, "actor_rules", {})
        rule = rules.get(request.method) or rules.get("*")
        return rule is None or bool(rule(actor))


# Common predicates, named for what they allow.
def catalogue_writer(actor: Actor) -> bool:
    """Locations and the catalogue belong to the ERP and to administrators."""
    return actor.is_integration or actor.is_admin


def marketing_or_admin(actor: Actor) -> bool:
    return actor.is_marketing or actor.is_admin or actor.is_integration

