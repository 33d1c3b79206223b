"""Who acts: a staff member or an API client, on which channel, at which location.

Every service takes an ``actor`` so that each state change records who did it, when and
from which channel, and so that scoping rules have one object to look at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from .channels import Channel
from .models import ApiClient, Location, User


@dataclass(frozen=True)
class Actor:
    user: User | None = None
    client: ApiClient | None = None
    channel: str | None = None
    # A POS terminal's own location; staff have ``location_ids`` instead.
    location: Location | None = None
    location_ids: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def for_user(cls, user: User) -> Actor:
        ids = frozenset(user.locations.values_list("pk", flat=True)) if user.pk else frozenset()
        return cls(user=user, channel=user.channel, location_ids=ids)

    @classmethod
    def for_client(cls, client: ApiClient) -> Actor:
        ids = frozenset([client.location_id]) if client.location_id else frozenset()
        return cls(client=client, channel=client.channel, location=client.location, location_ids=ids)

    @classmethod
    def system(cls) -> Actor:
        """Omni itself: periodic tasks such as expiring reservations."""
        return cls()

    @classmethod
    def from_request(cls, request) -> Actor:
        cached = getattr(request, "_omni_actor", None)
        if cached is not None:
            return cached
        auth = getattr(request, "auth", None)
        if isinstance(auth, ApiClient):
            actor = cls.for_client(auth)
        elif getattr(request, "user", None) is not None and request.user.is_authenticated:
            actor = cls.for_user(request.user)
        else:
            actor = cls()
        request._omni_actor = actor
        # DRF wraps the Django request; cache on the wrapped one as well for pages.
        inner = getattr(request, "_request", None)
        if inner is not None:
            inner._omni_actor = actor
        return actor

    # --- who ---------------------------------------------------------------------------
    @property
    def is_authenticated(self) -> bool:
        return self.user is not None or self.client is not None

    @property
    def role(self) -> str | None:
        return self.user.role if self.user else None

    @property
    def is_admin(self) -> bool:
        return bool(self.user and (self.user.role == User.Role.ADMIN or self.user.is_superuser))

    @property
    def is_manager(self) -> bool:
        return self.role == User.Role.STORE_MANAGER

    @property
    def is_store_staff(self) -> bool:
        """Store staff or their manager: people who work at locations."""
        return self.role in (User.Role.STORE_STAFF, User.Role.STORE_MANAGER)

    @property
    def is_marketing(self) -> bool:
        return self.role == User.Role.MARKETING

    @property
    def is_integration(self) -> bool:
        return bool(self.client and self.client.kind == ApiClient.Kind.INTEGRATION)

    @property
    def is_pos(self) -> bool:
        return bool(self.client and self.client.kind == ApiClient.Kind.POS)

    @property
    def is_sales_client(self) -> bool:
        """A website, app or call-centre client: sells, reads stock, never moves it."""
        sales_kinds = (ApiClient.Kind.WEB, ApiClient.Kind.APP, ApiClient.Kind.CALL_CENTRE)
        return bool(self.client and self.client.kind in sales_kinds)

    @property
    def acts_everywhere(self) -> bool:
        """May act on the stock and pickups of every location."""
        return self.is_admin or self.is_integration or self.is_manager and not self.location_ids

    def works_at(self, location: Location | int | None) -> bool:
        if location is None:
            return False
        location_id = location if isinstance(location, int) else location.pk
        return self.acts_everywhere or location_id in self.location_ids

    # --- for the records ---------------------------------------------------------------
    @cached_property
    def label(self) -> str:
        if self.user:
            return self.user.get_username()
        if self.client:
            return f"api:{self.client.name}"
        return "system"

    @property
    def channel_or_default(self) -> str:
        return self.channel or Channel.STORE

    def record(self) -> dict:
        """The fields that an audited row keeps about its actor."""
        return {"actor_user": self.user, "actor_client": self.client, "channel": self.channel or ""}
