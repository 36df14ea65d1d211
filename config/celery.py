"""Celery wired to Django settings (every CELERY_* setting) and the tracker's tasks."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("rehabit")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
