"""The beat schedule names tasks that exist, with arguments they accept: a typo cannot ship."""

import inspect

import pytest
from django.conf import settings
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from omni import celery_app


def registered_tasks():
    celery_app.loader.import_default_modules()  # what a worker imports at start-up
    return celery_app.tasks


def test_every_scheduled_task_is_registered_and_accepts_its_arguments():
    tasks = registered_tasks()
    assert settings.CELERY_BEAT_SCHEDULE
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in tasks, f"{name}: no task {entry['task']!r} in the celery app"
        inspect.signature(tasks[entry["task"]].run).bind(*entry.get("args", ()), **entry.get("kwargs", {}))


def test_a_misspelt_task_would_be_caught():
    assert "omni.tasks.send_pending_message" not in registered_tasks()


@pytest.mark.django_db(transaction=True)
def test_the_database_scheduler_installs_the_schedule():
    scheduler = DatabaseScheduler(app=celery_app, lazy=True)
    scheduler.setup_schedule()
    installed = dict(PeriodicTask.objects.filter(name__in=settings.CELERY_BEAT_SCHEDULE).values_list("name", "task"))
    assert installed == {name: entry["task"] for name, entry in settings.CELERY_BEAT_SCHEDULE.items()}
