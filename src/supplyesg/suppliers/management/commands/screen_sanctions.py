from django.core.management.base import BaseCommand

from supplyesg.core.services import start_job
from supplyesg.suppliers.sanctions.services import screen_subjects
from supplyesg.suppliers.sanctions.tasks import JOB_KIND, screen_all


class Command(BaseCommand):
    help = "Screen every supplier, site and smelter against the current sanctions lists (for cron)."

    def add_arguments(self, parser):
        parser.add_argument("--background", action="store_true", help="queue it for the worker instead of running here")

    def handle(self, *args, **options):
        if options["background"]:
            job = start_job(kind=JOB_KIND)
            screen_all.enqueue(job.pk)
            self.stdout.write(f"queued as job {job.pk}")
            return
        result = screen_subjects()
        self.stdout.write(f"{result.screened} parties screened, {len(result.new_hits)} new hits to review")
