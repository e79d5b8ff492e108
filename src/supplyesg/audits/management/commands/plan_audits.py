"""`supplyesg plan_audits --year Y`: generate the year's audit programme from policy (safe to run again).

Exit status: 0 when done, 2 on bad usage (a year out of range)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from supplyesg.audits.services.programme import generate_programme
from supplyesg.core.errors import RuleViolation


class Command(BaseCommand):
    help = "Plan the year's audits: annual audits of tier-1 and key suppliers, on-site audits of high-risk suppliers."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="the programme year (default: this year)")

    def handle(self, *args, year=None, **options):
        year = year or timezone.localdate().year
        try:
            result = generate_programme(year, actor=None)
        except RuleViolation as exc:
            raise CommandError("; ".join(exc.messages), returncode=2)
        reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(result.by_reason.items())) or "none"
        self.stdout.write(
            f"Programme {result.year}: {result.created} audits planned ({reasons}); "
            f"{result.upgraded} turned into on-site audits for high risk; "
            f"{result.already_planned} suppliers already had an audit."
        )
        if result.over_capacity:
            self.stdout.write(
                f"{result.over_capacity} audits did not fit in the weekly capacity and went to the least-loaded weeks."
            )
