"""`supplyesg recompute_risk --year Y [--batch-size N]`: the yearly risk identification for every supplier.

Runs in this process (no worker needed) and records a job like the page's "Recompute all", so the overview
page shows the run. A progress bar goes to standard error, the summary to standard output.
Exit status: 0 when done, 2 on bad usage (a year out of range, a recomputation of the year already running).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from supplyesg.assessments.risk import jobs
from supplyesg.core.errors import RuleViolation

BAR_WIDTH = 30


def progress_bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    filled = width if not total else min(width, round(width * done / total))
    return f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}"


class Command(BaseCommand):
    help = "Recompute the risk assessment of every supplier (except exited and blacklisted ones) for a year."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="the year (default: this year)")
        parser.add_argument("--batch-size", type=int, default=1000, help="suppliers per batch (default 1000)")

    def handle(self, *args, year=None, batch_size=1000, **options):
        year = year or timezone.localdate().year
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1", returncode=2)
        try:
            with transaction.atomic():
                job = jobs.new_recompute_job(year)
        except RuleViolation as exc:
            raise CommandError("; ".join(exc.messages), returncode=2)
        year = job.result["year"]

        def on_progress(done, total):
            self.stderr.write("\r" + progress_bar(done, total), ending="")
            self.stderr.flush()

        summary = jobs.run_recompute_job(job.pk, year, on_progress=on_progress, batch_size=batch_size)
        self.stderr.write("")
        levels = summary["levels"]
        self.stdout.write(
            f"{summary['suppliers']} suppliers assessed for {year}: {levels['high']} high, "
            f"{levels['medium']} medium, {levels['low']} low; "
            f"{summary['worklist_opened']} worklist items opened (job {job.pk})."
        )
