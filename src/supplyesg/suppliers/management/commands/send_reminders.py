"""`supplyesg send_reminders [--date YYYY-MM-DD]`: e-mail suppliers about documents expiring soon (run daily)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from supplyesg.suppliers.services.compliance import send_document_expiry_reminders


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("--date %(value)r is not a date (YYYY-MM-DD).") % {"value": value})


class Command(BaseCommand):
    help = "Send document expiry reminders; each document is reminded about once."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Pretend today is this date (YYYY-MM-DD); default: today.")

    def handle(self, *args, **options):
        on = _date(options["date"]) if options.get("date") else None
        count = send_document_expiry_reminders(on)
        self.stdout.write(_("%(count)d reminder(s) sent.") % {"count": count})
