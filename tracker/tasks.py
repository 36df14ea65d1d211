"""Celery tasks: thin wrappers that take ids and call a service."""

from __future__ import annotations

from celery import shared_task

from tracker.services.operations import heartbeat_record


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Beat sends this every minute; the worker running it proves both are alive."""
    heartbeat_record(name="scheduler")
