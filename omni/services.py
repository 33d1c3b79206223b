"""Writes of the organisation core: locations, staff, API clients."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from .actor import Actor
from .errors import Forbidden, LocationRequired
from .models import ApiClient, Location, User
from .permissions import catalogue_writer


@transaction.atomic
def location_create(*, actor: Actor, **fields: Any) -> Location:
    if not catalogue_writer(actor):
        raise Forbidden()
    return Location.objects.create(**fields)


@transaction.atomic
def location_update(*, location: Location, actor: Actor, **fields: Any) -> Location:
    if not catalogue_writer(actor):
        raise Forbidden()
    for name, value in fields.items():
        setattr(location, name, value)
    location.save(update_fields=list(fields))
    return location


@transaction.atomic
def api_client_create(*, name: str, kind: str, location: Location | None = None) -> tuple[ApiClient, str]:
    """Create a client and return it with its token, which is never stored in clear."""
    if kind == ApiClient.Kind.POS and location is None:
        raise LocationRequired()
    token = f"omni_{secrets.token_urlsafe(32)}"
    client = ApiClient.objects.create(
        name=name,
        kind=kind,
        location=location,
        token_hash=ApiClient.hash_token(token),
        token_prefix=token[:12],
    )
    return client, token


@transaction.atomic
def staff_create(
    *,
    username: str,
    role: str,
    password: str,
    locations: Sequence[Location] = (),
    channel: str | None = None,
    **fields: Any,
) -> User:
    user = User(username=username, role=role, is_staff=role == User.Role.ADMIN, **fields)
    user.is_superuser = role == User.Role.ADMIN
    if channel:
        user.channel = channel
    user.set_password(password)
    user.save()
    user.locations.set(locations)
    return user
