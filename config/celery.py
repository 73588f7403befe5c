"""The Celery application.

With no CELERY_BROKER_URL the settings turn on eager mode, so every task runs in-process
(the embedded default); with a Redis URL a separate `celery -A config worker` runs them.
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("scenebridge")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
