"""A task sent through the real broker is run by a real worker process."""

import pytest

from tests.integration.conftest import wait_for
from tracker.models import WorkerHeartbeat
from tracker.tasks import heartbeat

pytestmark = pytest.mark.worker


def test_it_runs_a_task_through_a_real_worker_on_the_configured_broker(celery_worker_process):
    assert not WorkerHeartbeat.objects.exists()
    heartbeat.delay()
    assert wait_for(lambda: WorkerHeartbeat.objects.filter(name="scheduler").exists()), (
        "the worker did not run the task within 60 s"
    )
    assert celery_worker_process.poll() is None, "the worker died"
