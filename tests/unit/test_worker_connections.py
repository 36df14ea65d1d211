"""A worker keeps its database connection between tasks on the web server's terms: reused
while fresh and usable, closed once older than the configured age."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from celery.fixups.django import DjangoWorkerFixup
from django.db import connection

from config.celery import app, connections_between_tasks

# No test transaction around these: a connection inside one is never really closed.
pytestmark = pytest.mark.django_db(transaction=True)


def _task(*, eager: bool = False) -> SimpleNamespace:
    return SimpleNamespace(request=SimpleNamespace(is_eager=eager))


@pytest.fixture
def open_connection(settings):
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = 60
    connection.ensure_connection()
    yield connection.connection
    connection.close()


def test_celerys_fix_up_leaves_the_connection_open_between_tasks(open_connection):
    fixup = DjangoWorkerFixup(app)
    for _ in range(5):  # before and after each of a few tasks
        fixup.close_database()
    assert connection.connection is open_connection


def test_a_fresh_connection_is_reused_by_the_next_task(open_connection):
    connections_between_tasks(sender=_task())
    assert connection.connection is open_connection


def test_a_connection_past_its_age_is_closed_between_tasks(open_connection):
    connection.close_at = time.monotonic() - 1
    connections_between_tasks(sender=_task())
    assert connection.connection is None


def test_an_eager_task_leaves_its_callers_connection_alone(open_connection):
    connection.close_at = time.monotonic() - 1
    connections_between_tasks(sender=_task(eager=True))
    assert connection.connection is open_connection
