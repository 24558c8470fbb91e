import time

import pytest
from django_redis import get_redis_connection

from apps.core.health import HEARTBEAT_KEY, health_report, is_ready, readiness_report
from apps.core.tasks import worker_heartbeat


@pytest.fixture
def no_heartbeat():
    get_redis_connection("default").delete(HEARTBEAT_KEY)
    yield
    get_redis_connection("default").delete(HEARTBEAT_KEY)


def _by_name(report):
    return {check.name: check for check in report}


def test_readiness_reports_workers_from_the_heartbeat_the_beat_task_writes(db, no_heartbeat):
    before = _by_name(readiness_report())

    worker_heartbeat.delay()  # eager in tests: what a worker does when the beat sends it
    after = _by_name(readiness_report())

    assert (before["workers"].ok, before["workers"].detail) == (False, "no heartbeat from a worker")
    assert after["workers"].ok is True
    assert is_ready(list(before.values())) and is_ready(list(after.values()))  # workers are reported, not required


def test_an_old_heartbeat_counts_as_no_worker(db, no_heartbeat, settings):
    settings.HEALTH_HEARTBEAT_SECONDS = 10
    get_redis_connection("default").set(HEARTBEAT_KEY, str(time.time() - 31))

    workers = _by_name(readiness_report())["workers"]

    assert workers.ok is False
    assert workers.detail.startswith("last heartbeat")


def test_readiness_sends_nothing_to_the_broker(db, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("readiness must not ping the workers")

    monkeypatch.setattr("celery.app.control.Control.ping", refuse)

    assert is_ready(readiness_report())


def test_the_consoles_report_pings_the_workers_live(db):
    report = _by_name(health_report(worker_timeout=0.2))

    assert report["database"].ok and report["redis"].ok
    assert report["workers"].detail == "no Celery worker answered"
