"""Bench-only settings: the app's own settings plus a floor view, never used in production.

Everything else (middleware, database, static files, security) is exactly what production
runs, so the floor and the hot paths are served by the same stack.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_urls"

# Tasks enqueued by the bench (reminders, after-log evaluations) go to a queue of their own,
# so a developer's worker on a shared Redis never picks them up; the bench purges it.
CELERY_TASK_DEFAULT_QUEUE = "rehabit-bench"
