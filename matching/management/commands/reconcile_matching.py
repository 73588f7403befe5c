"""Queue every published listing whose vector (current model and text) or ranking is missing.

The same pass runs every ten minutes under celery beat (matching.tasks.matching_reconcile); this
command runs it now, e.g. after a worker crashed.
"""
from django.core.management.base import BaseCommand

from matching.services import matching_reconcile


class Command(BaseCommand):
    help = "Queue published listings that have no embedding for the current model and text, or no ranking."

    def handle(self, *args, **opts):
        n = matching_reconcile()
        self.stdout.write(self.style.SUCCESS(f"{n} listings queued for embedding and ranking."))
