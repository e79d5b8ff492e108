"""`supplyesg send_cmrt_reminders [--date YYYY-MM-DD]`: remind suppliers of CMRT/EMRT requests (run daily).

Before the due date: once, when the campaign's reminder window starts. After it: every N days while the
declaration is missing, has errors or was returned. Running twice on one day sends nothing the second time.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from supplyesg.minerals.campaigns.services import send_cmrt_reminders


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("--date %(value)r is not a date (YYYY-MM-DD).") % {"value": value}, returncode=2)


class Command(BaseCommand):
    help = "Send CMRT/EMRT reminders before the due date and while overdue; at most one a day per supplier."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Pretend today is this date (YYYY-MM-DD); default: today.")

    def handle(self, *args, **options):
        on = _date(options["date"]) if options.get("date") else None
        count = send_cmrt_reminders(on)
        self.stdout.write(_("%(count)d reminder(s) sent.") % {"count": count})
