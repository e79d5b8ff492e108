"""supplyesg refresh_reporting_dashboard [--year Y]: compute the reporting dashboard's stored figures in the
foreground (what the worker does after a change), e.g. after a bulk load that recorded no audit events."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from supplyesg.reporting.dashboard.filters import FIRST_YEAR
from supplyesg.reporting.services import dashboard


class Command(BaseCommand):
    help = (
        "Compute the reporting dashboard's stored figures: the year's unfiltered dashboard and every filtered one "
        "stored for it (without --year: every stored one, and this year's unfiltered one)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="only this year's stored dashboards")

    def handle(self, *args, year=None, **options):
        today = timezone.localdate()
        if year is not None and not FIRST_YEAR <= year <= today.year + 1:
            raise CommandError(f"year: choose a year from {FIRST_YEAR} to {today.year + 1}")
        for result in dashboard.refresh_stored(year, today=today):
            selection = ", ".join(
                f"{name} {value}"
                for name, value in (("tier", result.tier), ("country", result.country), ("category", result.category))
                if value
            )
            self.stdout.write(
                f"{result.year} ({selection or 'all suppliers'}): computed at {result.computed_at:%Y-%m-%d %H:%M:%S} UTC"
            )
