"""SMS backends behind one interface, chosen by ``OMNI_SMS_BACKEND``.

- ``ConsoleSmsBackend`` (default) prints the message, masked, while Omni is serving:
  development and demos (``omni.console``).
- ``MemorySmsBackend`` keeps messages in ``MemorySmsBackend.outbox``: tests.
- ``HttpSmsBackend`` posts JSON to a provider at ``OMNI_SMS_HTTP_URL`` with a bearer
  token; the message id goes along as an idempotency key so a provider that honours it
  never delivers a re-send twice.
"""

from __future__ import annotations

import http.client
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from . import console

logger = logging.getLogger(__name__)


class SmsDeliveryError(Exception):
    """The provider refused or did not answer; the outbox will try again later."""


@dataclass(frozen=True)
class Sms:
    to: str
    body: str
    reference: str


class SmsBackend:
    def send(self, sms: Sms) -> str:
        """Send one SMS and return the provider's reference for it."""
        raise NotImplementedError


class ConsoleSmsBackend(SmsBackend):
    def send(self, sms: Sms) -> str:
        # The log line carries no number and no text; the printed copy masks the number and
        # any pickup code.
        if not console.is_serving():
            logger.info("SMS %s not printed on the console: Omni is not serving (omni.console)", sms.reference)
        else:
            logger.info("SMS %s printed on the console (%s characters)", sms.reference, len(sms.body))
            console.print_message(medium="SMS", to=console.mask_phone(sms.to), body=sms.body)
        return f"console-{sms.reference}"


class MemorySmsBackend(SmsBackend):
    outbox: list[Sms] = []

    def send(self, sms: Sms) -> str:
        MemorySmsBackend.outbox.append(sms)
        return f"memory-{len(MemorySmsBackend.outbox)}"


class HttpSmsBackend(SmsBackend):
    def send(self, sms: Sms) -> str:
        if not settings.OMNI_SMS_HTTP_URL.startswith(("https://", "http://")):
            raise SmsDeliveryError("OMNI_SMS_HTTP_URL is not an http(s) URL")
        payload = json.dumps({"to": sms.to, "text": sms.body, "from": settings.OMNI_SMS_SENDER}).encode()
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            settings.OMNI_SMS_HTTP_URL,
            data=payload,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.OMNI_SMS_HTTP_TOKEN}",
                "Idempotency-Key": sms.reference,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.OMNI_SMS_HTTP_TIMEOUT) as response:  # noqa: S310 # nosec B310 # scheme checked above
                answer = json.loads(response.read() or b"{}")
        except (urllib.error.URLError, http.client.HTTPException, TimeoutError, OSError, ValueError) as exc:
            # HTTPException: an answer that is not HTTP (a proxy's garbage, a cut status line).
            raise SmsDeliveryError(str(exc)) from exc
        return str(answer.get("id", ""))


def get_sms_backend() -> SmsBackend:
    return import_string(settings.OMNI_SMS_BACKEND)()


# --- length -------------------------------------------------------------------------------
# GSM 03.38: the characters an SMS carries at 7 bits (160 a message, 153 a part of a longer
# one); the extension table's cost two. Any other character (an emoji, "œ", a curly
# apostrophe) makes the whole message UCS-2: 70, then 67 a part.
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")


def sms_segments(text: str) -> tuple[int, int]:
    """``(parts, units)``: how many SMS the text is sent as, and its length in the units
    its encoding counts (7-bit characters, or UCS-2 code units)."""
    if all(char in GSM_BASIC or char in GSM_EXTENDED for char in text):
        units = sum(2 if char in GSM_EXTENDED else 1 for char in text)
        single, part = 160, 153
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, part = 70, 67
    if units <= single:
        return (1 if units else 0), units
    return -(-units // part), units
