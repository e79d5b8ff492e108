"""`supplyesg minerals_case_reviews [--date YYYY-MM-DD]`: tell the compliance managers which minerals risk plans
are due for review and which suspensions have passed their minimum (run daily)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from supplyesg.minerals.cases.services import send_case_reminders


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("--date %(value)r is not a date (YYYY-MM-DD).") % {"value": value}, returncode=2)


class Command(BaseCommand):
    help = "E-mail compliance managers about minerals risk plans due for review and suspensions whose minimum has passed."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Pretend today is this date (YYYY-MM-DD); default: today.")

    def handle(self, *args, **options):
        on = _date(options["date"]) if options.get("date") else None
        result = send_case_reminders(on)
        self.stdout.write(
            _("%(reviews)d plan review(s) due, %(suspensions)d suspension(s) past their minimum; %(recipients)d recipient(s).")
            % {"reviews": result.reviews_due, "suspensions": result.suspensions_over, "recipients": result.recipients}
        )
