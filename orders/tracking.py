"""Tracking links: a public page ``/t/<token>/`` (and ``GET /api/v1/orders/track/<token>/``)
that shows one order to whoever holds the link from a message about it.

The token is short enough for an SMS and carries nothing personal: the order number
without its ``OM-`` prefix, one letter for where the link was given (the medium of the
message, ``s`` SMS or ``e`` e-mail, or the channel of the API client that asked for it),
the language the message was written in, then a signature, e.g. ``K7PX2Q-sfr.<22 chars>``.
It is signed with ``django.core.signing.Signer`` (HMAC-SHA256 under ``SECRET_KEY``, keys of
``SECRET_KEY_FALLBACKS`` still accepted, a salt of its own), the signature cut to 22
characters (132 bits; nobody can guess one, even with unlimited requests). Signing the
medium and the language means nobody can change where a visit is counted from or the
language the page opens in.

A token has no expiry of its own: it works while its order can still change, and
``OMNI_TRACKING_DAYS_AFTER_CLOSE`` days (30) after the order closed or after its last return.

What the page and the JSON show (``tracking_data``): the status and its history, the pickup
store with its address and hours, the items, what to bring, the returns; of the customer the
first name only. Never the pickup code (it is in the message), the shipping address, the
contact data or who acted (staff names).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from omni.channels import Channel
from omni.money import currency, money_text

from .models import Fulfilment, Order, OrderStatus, Payment

NUMBER_PREFIX = "OM-"  # as orders.services.placing.NUMBER_PREFIX: the token leaves it out
SIGNATURE_LENGTH = 22
MAX_TOKEN_LENGTH = 80  # anything longer is not one of ours, whatever it says
VIA_LETTERS = {
    "sms": "s",
    "email": "e",
    Channel.WEB.value: "w",
    Channel.APP.value: "a",
    Channel.STORE.value: "p",
    Channel.CALL_CENTRE.value: "c",
}
VIA_OF_LETTER = {letter: via for via, letter in VIA_LETTERS.items()}
# Who reads the JSON without saying who they are: the app, which the contract names.
DEFAULT_API_READER = Channel.APP.value

# The steps an order goes through, per fulfilment, for the timeline (the ones to come shown too).
STEPS: dict[str, tuple[OrderStatus, ...]] = {
    Fulfilment.CLICK_AND_COLLECT: (OrderStatus.PLACED, OrderStatus.READY_FOR_PICKUP, OrderStatus.COLLECTED),
    Fulfilment.DELIVERY: (OrderStatus.PLACED, OrderStatus.SHIPPED, OrderStatus.DELIVERED),
    Fulfilment.IN_STORE: (OrderStatus.COMPLETED,),
}


class _TrackingSigner(signing.Signer):
    def signature(self, value, key=None):
        return super().signature(value, key)[:SIGNATURE_LENGTH]


def _signer() -> signing.Signer:
    return _TrackingSigner(salt="omni.orders.tracking", sep=".")


@dataclass(frozen=True)
class TrackingLink:
    number: str
    via: str  # "sms", "email", or the channel the link was given to
    language: str


def supported_language(language: str | None) -> str:
    """One of ``settings.LANGUAGES`` (``fr-ca`` -> ``fr``), else ``settings.LANGUAGE_CODE``."""
    codes = {code for code, _name in settings.LANGUAGES}
    language = (language or "").lower()
    for candidate in (language, language.split("-")[0]):
        if candidate in codes:
            return candidate
    return settings.LANGUAGE_CODE


def tracking_token(*, number: str, via: str, language: str | None = None) -> str:
    """``language``: the one the message is written in (the active one by default)."""
    suffix = number[len(NUMBER_PREFIX) :] if number.startswith(NUMBER_PREFIX) else "~" + number
    letter = VIA_LETTERS.get(str(via), VIA_LETTERS[Channel.WEB.value])
    return _signer().sign(f"{suffix}-{letter}{supported_language(language or translation.get_language())}")


def tracking_link_read(token: str) -> TrackingLink | None:
    """The link a token names, or None when it is forged, altered or not one of ours."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        value = _signer().unsign(token)
    except signing.BadSignature:
        return None
    suffix, _dash, rest = value.rpartition("-")
    if not suffix or len(rest) < 2 or rest[0] not in VIA_OF_LETTER:
        return None
    number = suffix[1:] if suffix.startswith("~") else NUMBER_PREFIX + suffix
    return TrackingLink(number=number, via=VIA_OF_LETTER[rest[0]], language=supported_language(rest[1:]))


def tracking_url(order: Order, *, via: str, language: str | None = None) -> str:
    """The absolute link, as it goes into a message (``OMNI_PUBLIC_URL``)."""
    token = tracking_token(number=order.number, via=via, language=language)
    return settings.OMNI_PUBLIC_URL + reverse("order-tracking", args=[token])


def tracking_link_works(order: Order, *, now: datetime | None = None, returns=None) -> bool:
    """While the order can change, then ``OMNI_TRACKING_DAYS_AFTER_CLOSE`` days after it
    closed or after its last return (a return is taken after the order closed, and its
    message carries a link too). ``returns``: the order's, when the caller has them;
    otherwise ``order.returns`` is read (prefetched by ``selectors.with_details``)."""
    if order.closed_at is None:
        return True
    now = now or timezone.now()
    returns = order.returns.all() if returns is None else returns
    last_change = max([order.closed_at, *(order_return.created_at for order_return in returns)])
    return now <= last_change + timedelta(days=settings.OMNI_TRACKING_DAYS_AFTER_CLOSE)


# --- what the page and the JSON show ------------------------------------------------------------
def _store(location) -> dict | None:
    if location is None:
        return None
    return {
        "code": location.code,
        "name": location.name,
        "address": location.address,
        "postcode": location.postcode,
        "city": location.city,
        "phone": location.phone,
        "opening_hours": location.opening_hours,
    }


def _steps(order: Order, reached: dict[str, datetime]) -> list[dict]:
    """The usual steps of this fulfilment, each with when it was reached (None: still to
    come); a cancelled or expired order ends at that status instead."""
    usual: Sequence[str] = STEPS.get(order.fulfilment, ())
    if order.status in (OrderStatus.CANCELLED, OrderStatus.EXPIRED):
        usual = [status for status in usual if status in reached] + [order.status]
    return [
        {
            "status": status,
            "label": str(OrderStatus(status).label),
            "at": reached.get(status),
            "is_done": status in reached,
            "is_current": status == order.status,
        }
        for status in usual
    ]


def _what_to_bring(order: Order) -> list[str]:
    if not (order.is_pickup and order.is_open):
        return []
    bring = [_("The 6-digit pickup code from our SMS or e-mail (it is not shown on this page).")]
    if order.payment == Payment.PAY_AT_PICKUP:
        bring.append(_("A means of payment: %(amount)s to pay at the counter.") % {"amount": money_text(order.total)})
    return bring


def _next_step(order: Order) -> str:
    if order.status == OrderStatus.PLACED and order.is_pickup:
        return _("The store is preparing your order: we will send you a message when it is ready.")
    if order.status == OrderStatus.READY_FOR_PICKUP:
        return _("Your order is waiting for you at the store.")
    if order.status == OrderStatus.PLACED:
        return _("We are preparing your parcel.")
    if order.status == OrderStatus.SHIPPED:
        return _("Your parcel is on its way.")
    return ""


def tracking_data(order: Order) -> dict:
    """The order as its tracking page and JSON show it, in the active language. ``order``
    as ``selectors.with_details`` reads it."""
    history = list(order.history.all())
    reached: dict[str, datetime] = {}
    for change in history:
        reached.setdefault(change.status, change.at)
    customer = order.customer
    returns = list(order.returns.all())
    lines = list(order.lines.all())
    names = {line.pk: line.name for line in lines}
    return {
        "number": order.number,
        "status": order.status,
        "status_label": order.get_status_display(),
        "is_open": order.closed_at is None,
        "fulfilment": order.fulfilment,
        "fulfilment_label": order.get_fulfilment_display(),
        "channel": order.channel,
        "channel_label": order.get_channel_display(),
        "first_name": customer.first_name if customer is not None and not customer.is_erased else "",
        "language": translation.get_language(),
        "placed_at": order.created_at,
        "ready_at": order.ready_at,
        "hold_until": order.hold_until if order.is_pickup and order.is_open else None,
        "closed_at": order.closed_at,
        "next_step": _next_step(order),
        "steps": _steps(order, reached),
        "history": [
            {"status": change.status, "label": str(OrderStatus(change.status).label), "at": change.at}
            for change in history
        ],
        "pickup_store": _store(order.pickup_location) if order.is_pickup else None,
        "sold_at": _store(order.fulfilment_location) if order.fulfilment == Fulfilment.IN_STORE else None,
        "what_to_bring": _what_to_bring(order),
        "lines": [
            {"sku": line.sku, "name": line.name, "quantity": line.quantity, "returned_quantity": line.returned_quantity}
            for line in lines
        ],
        "total": order.total,
        "total_text": money_text(order.total),
        "currency": currency(),
        "payment": order.payment,
        "returns": [
            {
                "at": order_return.created_at,
                "store": order_return.location.name,
                "refund_amount": order_return.refund_amount,
                "refund_text": money_text(order_return.refund_amount),
                "lines": [
                    {
                        "sku": line.order_line.sku,
                        "name": names.get(line.order_line_id, line.order_line.name),
                        "quantity": line.quantity,
                    }
                    for line in order_return.lines.all()
                ],
            }
            for order_return in returns
        ],
    }
