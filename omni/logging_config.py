"""Logging and error reporting, configured from the settings.

structlog through the standard library: django-structlog binds request_id (and ip,
user_id) to every line of a request and of the Celery tasks it queues; JSON lines in
production, readable lines in development. ``mask_personal_data`` is the safety net that
keeps e-mail addresses, phone numbers and secrets out of every line, and Sentry's events
pass the same masking.
"""

from __future__ import annotations

import sys
from typing import Any

import structlog
from django.core.exceptions import ImproperlyConfigured

from omni.observability import mask_exception_text, mask_personal_data, scrub_sentry_event

# For the records of the standard library's loggers (Django, axes, Celery...); structlog's
# own lines were masked in their chain (configure_structlog), so each line is masked once.
_PRE_CHAIN = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    mask_personal_data,
]


def logging_config(*, level: str, log_format: str) -> dict[str, Any]:
    """Django's LOGGING: every line through one handler, in ``log_format`` (json or console)."""
    if log_format not in ("json", "console"):
        raise ImproperlyConfigured("OMNI_LOG_FORMAT must be json or console.")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    mask_exception_text,  # the rest of the line is masked already (above)
                    structlog.processors.JSONRenderer(),
                ],
                "foreign_pre_chain": _PRE_CHAIN,
            },
            "console": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    mask_personal_data,
                    # Plain tracebacks: the rich ones print every frame's locals (SQL
                    # parameters, customers' data) past mask_personal_data.
                    structlog.dev.ConsoleRenderer(
                        colors=sys.stderr.isatty(), exception_formatter=structlog.dev.plain_traceback
                    ),
                ],
                "foreign_pre_chain": _PRE_CHAIN,
            },
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": log_format}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's default console and mail_admins handlers would print plain duplicates.
            "django": {"handlers": [], "propagate": True},
            "django.db.backends": {"level": "WARNING"},
            # "AXES: BEGIN version ..." at every start of every process; its lockouts log elsewhere.
            "axes.apps": {"level": "WARNING"},
            "django_structlog": {"level": level},
        },
    }


def configure_structlog() -> None:
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.filter_by_level,
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.UnicodeDecoder(),
            mask_personal_data,  # also before the formatter: Sentry's logging hook reads the record
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def init_sentry(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    """Errors to Sentry, without personal data (Omni calls this only when a DSN is set)."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        traces_sample_rate=traces_sample_rate,
        before_send=scrub_sentry_event,
    )
