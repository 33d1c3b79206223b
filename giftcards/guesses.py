"""Unknown gift card codes are counted per client (a till, the website's token, a staff
member): past ``OMNI_GIFT_CARD_GUESSES`` (default 100 an hour) every code this client
gives is refused with 429 until the window ends, the right ones too, so that guessing
learns nothing. The count is shared by every process (``omni.throttling.count``)."""

from __future__ import annotations

import time

from django.conf import settings

from omni.actor import Actor
from omni.rates import parse_rate
from omni.throttling import count, peek

from .errors import TooManyGuesses

KEY_PREFIX = "omni:giftcard-guesses"


def _window() -> tuple[int, int, int] | None:
    """(allowed, seconds, this window's number), or None when guesses are not limited."""
    rate = parse_rate(settings.OMNI_GIFT_CARD_GUESSES)
    if rate is None:
        return None
    allowed, seconds = rate
    return allowed, seconds, int(time.time() // seconds)


def _key(actor: Actor, window: int) -> str:
    who = f"client:{actor.client.pk}" if actor.client else f"user:{actor.user.pk}" if actor.user else "system"
    return f"{KEY_PREFIX}:{who}:{window}"


def refuse_if_guessing(actor: Actor) -> None:
    limit = _window()
    if limit is None:
        return
    allowed, seconds, window = limit
    if peek(_key(actor, window)) >= allowed:
        raise TooManyGuesses(retry_after=int((window + 1) * seconds - time.time()) + 1)


def count_unknown(actor: Actor) -> None:
    limit = _window()
    if limit is None:
        return
    _allowed, seconds, window = limit
    count(_key(actor, window), ttl=seconds + 1)
