"""The console SMS and e-mail backends of development and the demo: when and what they print.

They print only while Omni is serving: inside an HTTP request (with the inline tasks it runs
on commit) or in a Celery worker. Loading the demo sends hundreds of messages through the
same services as production; they go through the outbox (``omni.Message``) and are marked
sent, but nobody is there to read them, so nothing is printed (``manage.py seed_demo`` and
``migrate`` stay quiet).

What is printed is masked as a log line is: a phone number keeps its country code and last
two digits, an e-mail address its domain, and a pickup code (six digits) shows as
``******``; the staff and the API client that placed the order have the code, the console
does not (README: the click & collect story).
"""

from __future__ import annotations

import re
import sys
from contextvars import ContextVar

from django.core.mail.backends.console import EmailBackend as DjangoConsoleEmailBackend

from .observability import mask_text

_in_request: ContextVar[bool] = ContextVar("omni_console_in_request", default=False)
_in_worker = False

# A pickup code is the only six-digit run in Omni's messages (postcodes have five, order
# numbers letters, times colons).
_SIX_DIGITS = re.compile(r"(?<![\w-])\d{6}(?![\w-])")
CODE_MASK = "******"


def is_serving() -> bool:
    return _in_request.get() or _in_worker


def _request_started(**kwargs) -> None:
    _in_request.set(True)


def _request_finished(**kwargs) -> None:
    _in_request.set(False)


def _worker_started(**kwargs) -> None:
    global _in_worker
    _in_worker = True


def connect_signals() -> None:
    """Called by ``OmniConfig.ready()``."""
    from celery.signals import worker_init
    from django.core.signals import request_finished, request_started

    request_started.connect(_request_started, dispatch_uid="omni.console.request_started")
    request_finished.connect(_request_finished, dispatch_uid="omni.console.request_finished")
    worker_init.connect(_worker_started, dispatch_uid="omni.console.worker_started", weak=False)


def mask_phone(number: str) -> str:
    """``+33612345678`` -> ``+33*******78``: enough to tell two customers apart, not to call one."""
    digits = number.strip()
    if len(digits) <= 5:
        return "*" * len(digits)
    head = 3 if digits.startswith("+") else 0
    return digits[:head] + "*" * (len(digits) - head - 2) + digits[-2:]


def mask_email(address: str) -> str:
    _local, at, domain = address.strip().rpartition("@")
    return f"***@{domain}" if at else "***"


def mask_message(text: str) -> str:
    """A message's text with phone numbers, e-mail addresses and pickup codes masked."""
    return _SIX_DIGITS.sub(CODE_MASK, mask_text(text))


def print_message(*, medium: str, to: str, subject: str = "", body: str, stream=None) -> None:
    heading = f"{medium} to {to}" + (f": {mask_message(subject)}" if subject else "")
    stream = stream or sys.stdout
    stream.write(f"--- {heading} ---\n{mask_message(body)}\n---\n")
    stream.flush()


class ConsoleEmailBackend(DjangoConsoleEmailBackend):
    """Django's console backend prints the whole MIME message (addresses, body); this one
    prints a short, masked copy, and only while serving."""

    def write_message(self, message) -> None:
        if not is_serving():
            return
        print_message(
            medium="E-mail",
            to=", ".join(mask_email(address) for address in message.recipients()),
            subject=str(message.subject),
            body=str(message.body),
            stream=self.stream,
        )
