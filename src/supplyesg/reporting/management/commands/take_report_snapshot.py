"""supplyesg take_report_snapshot --year Y [--publish]: compute and freeze the period's figures in the foreground."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from supplyesg.reporting.models import ReportingPeriod
from supplyesg.reporting.services import snapshots


class Command(BaseCommand):
    help = "Take a snapshot of a reporting period's figures (the current disclosure catalogue), optionally publish it."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--publish", action="store_true", help="publish the snapshot once it is taken")

    def handle(self, *args, year, publish=False, **options):
        period = ReportingPeriod.objects.filter(year=year).first()
        if period is None:
            raise CommandError(f"year: no reporting period for {year} (create it on the reporting page first)")
        try:
            snapshot = snapshots.take_snapshot(actor=None, period=period)
            if publish:
                snapshot = snapshots.publish_snapshot(actor=None, snapshot=snapshot)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(
            f"Snapshot #{snapshot.number} of {year}: {snapshot.figures.count()} figures, {snapshot.get_status_display()}, "
            f"SHA-256 {snapshot.figures_hash}"
        )
