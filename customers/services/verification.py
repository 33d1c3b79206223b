"""The customer proves a contact point is theirs: a code is sent to it, they type it back
(in the app or on the website), and it is confirmed (customers.contact_points).

The code is derived, never stored: an HMAC of the customer, the contact point and the
quarter hour, under SECRET_KEY; the current and the previous quarter hour are accepted,
so a code is good for 15 to 30 minutes, and a changed contact point voids it. Sending is
limited to one code a minute per contact point (no flooding a phone); checking to five
wrong codes per quarter hour (no guessing six digits).
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from omni.actor import Actor
from omni.errors import Forbidden
from omni.models import Message
from omni.notifications import message_queue

from ..errors import CustomerErased, InvalidIdentifier, InvalidVerificationCode, VerificationLocked
from ..models import CONTACT_FIELDS, Customer
from ..permissions import may_write_customers

WINDOW_SECONDS = 15 * 60
RESEND_AFTER_SECONDS = 60
MAX_WRONG_CODES = 5


def _window(at: float | None = None) -> int:
    return int((at or time.time()) // WINDOW_SECONDS)


def verification_code(customer: Customer, medium: str, *, window: int) -> str:
    field = CONTACT_FIELDS[medium]
    message = f"contact:{customer.pk}:{field}:{getattr(customer, field)}:{window}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 1_000_000:06d}"


def _contact(customer: Customer, medium: str, actor: Actor) -> str:
    if not may_write_customers(actor):
        raise Forbidden()
    if medium not in CONTACT_FIELDS:
        raise InvalidIdentifier(field="medium")
    if customer.is_erased:
        raise CustomerErased()
    value: str | None = getattr(customer, CONTACT_FIELDS[medium])
    if not value:
        raise InvalidIdentifier(_("There is nothing to confirm."), field=CONTACT_FIELDS[medium])
    return value


@transaction.atomic
def contact_point_verification_send(*, customer: Customer, medium: str, actor: Actor) -> Message:
    """Send a code to the customer's e-mail address or phone, for them to type back."""
    recipient = _contact(customer, medium, actor)
    if not cache.add(f"contact-verify-sent:{customer.pk}:{medium}", 1, timeout=RESEND_AFTER_SECONDS):
        raise VerificationLocked(_("A code was sent less than a minute ago."), retry_after=RESEND_AFTER_SECONDS)
    code = verification_code(customer, medium, window=_window())
    return message_queue(
        medium=medium,
        recipient=recipient,
        body=_("Your confirmation code: %(code)s. Nobody from the shop will ask you for it.") % {"code": code},
        subject_line=_("Your confirmation code"),
        kind="contact_verification",
        about=customer,
    )


@transaction.atomic
def contact_point_verification_check(*, customer: Customer, medium: str, code: str, actor: Actor) -> Customer:
    """The code typed back: right, the contact point is confirmed; wrong, refused (and
    counted: after five the checks stop for a quarter hour)."""
    _contact(customer, medium, actor)
    attempts_key = f"contact-verify-wrong:{customer.pk}:{medium}:{_window()}"
    if (cache.get(attempts_key) or 0) >= MAX_WRONG_CODES:
        raise VerificationLocked(retry_after=WINDOW_SECONDS - int(time.time()) % WINDOW_SECONDS)
    given = str(code or "").strip().encode()
    window = _window()
    if not any(
        hmac.compare_digest(verification_code(customer, medium, window=w).encode(), given) for w in (window, window - 1)
    ):
        cache.add(attempts_key, 0, timeout=WINDOW_SECONDS)
        cache.incr(attempts_key)
        raise InvalidVerificationCode()
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    column = f"{CONTACT_FIELDS[medium]}_confirmed_at"
    setattr(customer, column, timezone.now())
    customer.save(update_fields=[column, "updated_at"])
    return customer
