"""Starting and stopping a real `celery worker` process for the integration tests.

The worker reads the same test database as the test process (its DATABASE_URL is built from the
connection pytest-django set up) and takes tasks from Redis: CELERY_BROKER_URL when set (CI),
else redis://127.0.0.1:6379/5, the Redis this machine kind runs.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BROKER = "redis://127.0.0.1:6379/5"
LOGS = ROOT / "test-artifacts" / "worker-logs"


def broker_url() -> str:
    url = os.environ.get("CELERY_BROKER_URL", "")
    return url if url.startswith("redis") else DEFAULT_BROKER


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = quote(s.get("USER") or "")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or "5432"
    return f"postgres://{auth}@{host}:{port}/{s['NAME']}"


def use_broker_in_this_process(app) -> None:
    """Make this process publish to Redis instead of running tasks eagerly."""
    app.conf.task_always_eager = False
    app.conf.broker_url = broker_url()
    reset_producer_pool(app)


def reset_producer_pool(app) -> None:
    """Drop the producer pool so the next send connects to the broker now configured."""
    # kombu keeps one pool per broker URL for the process; closing it would close it for good.
    # Celery also caches a producer pool built on the first connection pool it saw.
    app._pool = None
    app.amqp._producer_pool = None


def purge(app) -> None:
    with app.connection_for_write() as conn:
        app.amqp.queues  # noqa: B018  (declares the default queue)
        conn.default_channel.queue_purge("celery")


class Worker:
    def __init__(self, *, embedder: str = "hashing", log_dir: Path, extra_env: dict | None = None):
        self.name = f"sbtest-{uuid.uuid4().hex[:8]}"
        self.log_path = log_dir / f"{self.name}.log"
        env = dict(os.environ)
        env.update({"DATABASE_URL": database_url(), "CELERY_BROKER_URL": broker_url(),
                    "MATCHING_EMBEDDER": embedder, "DJANGO_SETTINGS_MODULE": "config.settings",
                    "MATCHING_SCORE_FLOOR": "0"})
        env.update(extra_env or {})
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO", "--concurrency=1",
             "--pool=prefork", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "-n", f"{self.name}@%h"],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "ready." in self.log():
                return
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited early:\n{self.log()}")
            time.sleep(0.2)
        raise TimeoutError(f"worker not ready after {timeout}s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes at once, as a crash or an OOM kill would."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)
        self._log.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=30)
        self._log.close()


@contextmanager
def running_worker(**kwargs):
    worker = Worker(**kwargs)
    try:
        worker.wait_ready()
        yield worker
    finally:
        worker.stop()


def wait_until(predicate, *, timeout: float, interval: float = 0.25, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    if not predicate():
        raise TimeoutError(f"{what} not reached within {timeout}s")
