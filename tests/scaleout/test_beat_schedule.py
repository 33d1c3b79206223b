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


def schedule_problems(schedule: dict) -> list[str]:
    """What is wrong with a beat schedule: a task no worker has, or arguments it refuses."""
    tasks, problems = registered_tasks(), []
    for name, entry in schedule.items():
        if entry["task"] not in tasks:
            problems.append(f"{name}: no task {entry['task']!r} in the celery app")
            continue
        try:
            inspect.signature(tasks[entry["task"]].run).bind(*entry.get("args", ()), **entry.get("kwargs", {}))
        except TypeError as exc:
            problems.append(f"{name}: {exc}")
    return problems


def test_every_scheduled_task_is_registered_and_accepts_its_arguments():
    assert settings.CELERY_BEAT_SCHEDULE
    assert schedule_problems(settings.CELERY_BEAT_SCHEDULE) == []


def test_a_misspelt_task_or_a_wrong_argument_would_be_caught():
    name, entry = next(iter(settings.CELERY_BEAT_SCHEDULE.items()))
    misspelt = {name: {**entry, "task": entry["task"] + "s"}}
    wrong_argument = {name: {**entry, "kwargs": {**entry.get("kwargs", {}), "no_such_argument": 1}}}
    assert len(schedule_problems(misspelt)) == 1
    assert len(schedule_problems(wrong_argument)) == 1


@pytest.mark.django_db(transaction=True)
def test_the_database_scheduler_installs_the_schedule():
    scheduler = DatabaseScheduler(app=celery_app, lazy=True)
    scheduler.setup_schedule()
    installed = dict(PeriodicTask.objects.filter(name__in=settings.CELERY_BEAT_SCHEDULE).values_list("name", "task"))
    assert installed == {name: entry["task"] for name, entry in settings.CELERY_BEAT_SCHEDULE.items()}
