"""Celery wired to Django settings (every CELERY_* setting) and the tracker's tasks."""

import os
from typing import Any

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("rehabit")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def connections_between_tasks(sender: Any = None, **_: Any) -> None:
    """Between tasks a worker treats its database connections as the web server does between
    requests: kept while younger than DB_CONN_MAX_AGE and usable (checked again before
    reuse), closed otherwise.

    Celery's Django fix-up closes them around every task unless CELERY_DB_REUSE_MAX is set
    (it is, see settings), and a new connection costs a server process on PostgreSQL and
    the schema read and pragmas on SQLite: 4 ms of every 200-patient evaluation batch, and
    most of a single patient's evaluation after they log. An eager task runs inside its
    caller's request or transaction, which owns the connection.
    """
    request = getattr(sender, "request", None)
    if getattr(request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
