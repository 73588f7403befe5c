"""Re-embed what the current model lacks and re-rank every published listing, as one job.

    python manage.py rerank [--reason TEXT] [--no-wait]

With a broker the job runs in a worker and this command follows its progress (done / total)
unless --no-wait; on the embedded default it runs here, in-process. Officers see the same
progress on their dashboard.
"""
import time

from django.core.management.base import BaseCommand, CommandError

from matching.models import RerankJob
from matching.services import rerank_start


class Command(BaseCommand):
    help = "Run a full re-rank (after a model or weight change) and show its progress."

    def add_arguments(self, parser):
        parser.add_argument("--reason", default="manage.py rerank")
        parser.add_argument("--no-wait", action="store_true", help="queue the job and return")
        parser.add_argument("--timeout", type=float, default=3600, help="seconds to wait for the job")

    def handle(self, *args, **opts):
        job = rerank_start(actor=None, reason=opts["reason"])
        self.stdout.write(f"re-rank job #{job.pk} ({job.get_status_display()})")
        if opts["no_wait"]:
            return
        deadline = time.monotonic() + opts["timeout"]
        last = None
        while True:
            job.refresh_from_db()
            state = (job.status, job.done, job.embedded)
            if state != last:
                self.stdout.write(f"  {job.status}: {job.done}/{job.total} ranked, {job.embedded} embedded")
                last = state
            if job.status in (RerankJob.Status.DONE, RerankJob.Status.FAILED):
                break
            if time.monotonic() > deadline:
                raise CommandError(f"job #{job.pk} still {job.status} after {opts['timeout']:.0f}s")
            time.sleep(0.5)
        if job.status == RerankJob.Status.FAILED:
            raise CommandError(f"job #{job.pk} failed: {job.error}")
        took = (job.finished_at - job.started_at).total_seconds() if job.started_at and job.finished_at else 0
        self.stdout.write(self.style.SUCCESS(f"done: {job.done}/{job.total} listings in {took:.1f}s "
                                             f"({job.embedded} embedded, model {job.model_id})"))
