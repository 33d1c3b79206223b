"""A broker outage leaves the journeys to the catch-up; any other failure is not hidden."""

import pytest
from kombu.exceptions import OperationalError

from journeys import tasks
from journeys.services.ingest import publish_recompute


@pytest.mark.parametrize("error", [OSError("connection refused"), OperationalError("retries spent")])
def test_a_broker_outage_is_logged_not_raised(monkeypatch, caplog, error):
    def broker_down(*args, **kwargs):
        raise error

    monkeypatch.setattr(tasks.recompute_journeys, "delay", broker_down)
    publish_recompute(["c1", "c2"], None)
    assert "left for the catch-up" in caplog.text


def test_a_bug_in_the_task_is_not_taken_for_an_outage(monkeypatch):
    def broken(*args, **kwargs):
        raise TypeError("bug")

    monkeypatch.setattr(tasks.recompute_journeys, "delay", broken)
    with pytest.raises(TypeError):
        publish_recompute(["c1"], None)
