"""`supplyesg compute_ratings --quarter 2026Q3 [--batch-size N]`: rate every supplier with a business score.

Runs in this process (no worker needed) and records a job like the page's "Compute", so the overview page
shows the run. A progress bar goes to standard error, the summary to standard output.
Exit status: 0 when done, 2 on bad usage (not a quarter, a quarter not started, one already being computed).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from supplyesg.core.errors import RuleViolation
from supplyesg.ratings import services

BAR_WIDTH = 30


def progress_bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    filled = width if not total else min(width, round(width * done / total))
    return f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}"


class Command(BaseCommand):
    help = "Compute the quarterly ratings of every supplier with a business score in the quarter."

    def add_arguments(self, parser):
        parser.add_argument("--quarter", required=True, help="the quarter, e.g. 2026Q3")
        parser.add_argument("--batch-size", type=int, default=services.BATCH_SIZE, help="suppliers per batch (default 1000)")

    def handle(self, *args, quarter=None, batch_size=services.BATCH_SIZE, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1", returncode=2)
        try:
            period = services.check_quarter(quarter)
            services.load_policy()
            with transaction.atomic():
                job = services.new_compute_job(period)
        except RuleViolation as exc:
            raise CommandError("; ".join(exc.messages), returncode=2)

        def on_progress(done, total):
            self.stderr.write("\r" + progress_bar(done, total), ending="")
            self.stderr.flush()

        summary = services.run_compute_job(job.pk, period.year, period.quarter, on_progress=on_progress, batch_size=batch_size)
        self.stderr.write("")
        grades = summary["grades"]
        self.stdout.write(
            f"{summary['suppliers']} suppliers rated for {period}: {grades['A']} A, {grades['B']} B, {grades['C']} C, "
            f"{grades['D']} D; {summary['reset']} decisions reset by a changed grade (job {job.pk})."
        )
