"""The Celery app. Without CELERY_BROKER_URL every task runs inline (see settings).

Logging: a worker keeps Django's LOGGING (structlog, JSON in production) instead of
Celery's own, and django-structlog carries the request id of the request that queued a
task into the task's log lines (the publishing side is connected by the django_structlog
app when DJANGO_STRUCTLOG_CELERY_ENABLED; the worker side by the boot step below).
"""

import logging.config
import os

from celery import Celery, bootsteps
from celery.signals import setup_logging
from django_structlog.celery.receivers import CeleryReceiver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omni.settings")

app = Celery("omni")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _in_process_transport_without_broker(sender, source, **kwargs):
    """No CELERY_BROKER_URL: tasks run inline, yet Celery still takes a producer to round-trip
    an inline task's arguments through the serializer. Without a URL kombu falls back to
    amqp://localhost and warns "No hostname was supplied". kombu's in-process transport is
    what "no broker" means here (nothing is ever published on it); it is named with a host
    because kombu gives the same warning for a bare memory://."""
    if not source.broker_url:
        source.broker_url = "memory://localhost/"


class _TaskLogReceiver(CeleryReceiver):
    def receiver_task_prerun(self, task_id, task, *args, **kwargs):
        if getattr(task.request, "is_eager", False):
            # Inline (eager) task: it runs inside the caller's context, request id included;
            # clearing that context would strip the id from the rest of the request.
            return
        super().receiver_task_prerun(task_id, task, *args, **kwargs)

    def connect_worker_signals(self) -> None:
        from celery.signals import (
            task_failure,
            task_prerun,
            task_rejected,
            task_retry,
            task_revoked,
            task_success,
            task_unknown,
        )

        # before/after_task_publish are already connected by the django_structlog app:
        # connecting them twice would log every child task's "task_enqueued" twice.
        task_prerun.connect(self.receiver_task_prerun)
        task_retry.connect(self.receiver_task_retry)
        task_success.connect(self.receiver_task_success)
        task_failure.connect(self.receiver_task_failure)
        task_revoked.connect(self.receiver_task_revoked)
        task_unknown.connect(self.receiver_task_unknown)
        task_rejected.connect(self.receiver_task_rejected)


class StructlogWorkerStep(bootsteps.Step):
    """Worker boot step: bind each task's log context (request id, parent task) from its headers."""

    def __init__(self, parent, **kwargs):
        super().__init__(parent, **kwargs)
        self.receiver = _TaskLogReceiver()
        self.receiver.connect_worker_signals()


app.steps["worker"].add(StructlogWorkerStep)


@setup_logging.connect
def _use_django_logging(**kwargs):  # pragma: no cover - runs in worker and beat processes
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
