"""Asking for a patient's trends to be evaluated after they log something."""

from __future__ import annotations

import logging

from celery import current_app
from django.db import transaction

from tracker.models import PatientProfile
from tracker.services.flags import evaluation_request

log = logging.getLogger(__name__)

# The worker's task is asked for by its name: tracker.tasks calls the services, so a service
# never imports it. tracker.tasks registers evaluate_patient_now under this name.
EVALUATE_PATIENT_TASK = "tracker.tasks.evaluate_patient_now"


def patient_logged(*, patient: PatientProfile) -> None:
    """Record that the patient is due for evaluation, and ask a worker once committed.

    The due time is written in the same transaction as the log, so the request survives a
    broker outage: the enqueue may fail (the patient's request still succeeds), and the
    dispatcher picks the patient up from the database once the broker is back.
    """
    evaluation_request(patient=patient)
    transaction.on_commit(lambda: _enqueue(patient.pk))


def _enqueue(patient_id: int) -> None:
    try:
        # One attempt: kombu's publish retries would hold the patient's request for seconds.
        current_app.send_task(EVALUATE_PATIENT_TASK, args=(patient_id,), retry=False)
    except Exception:  # any broker error: kombu's OperationalError, a refused connection, …
        log.warning("broker down; the dispatcher will evaluate patient %s later", patient_id)
