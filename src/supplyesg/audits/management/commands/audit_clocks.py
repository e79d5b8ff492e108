"""`supplyesg audit_clocks [--date YYYY-MM-DD]`: the daily job of the corrective-action clocks.

Reminds suppliers before plan and remediation dates, escalates overdue ones to procurement once, and applies the
improvement-plan consequence of late medium- and high-risk audits. Running twice on one day does nothing new.
Exit status: 0 when done, 2 on bad usage (a date that is not YYYY-MM-DD).
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from supplyesg.audits.services.clocks import run_clocks


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("--date %(value)r is not a date (YYYY-MM-DD).") % {"value": value}, returncode=2)


class Command(BaseCommand):
    help = "Run the corrective-action clocks: reminders, escalations and improvement-plan consequences."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Pretend today is this date (YYYY-MM-DD); default: today.")

    def handle(self, *args, **options):
        on = _date(options["date"]) if options.get("date") else None
        report = run_clocks(on)
        lines = [
            _("%(count)d plan reminder(s) sent.") % {"count": report.plan_reminders},
            _("%(count)d remediation reminder(s) sent.") % {"count": report.remediation_reminders},
            _("%(count)d overdue plan(s) escalated.") % {"count": report.plan_escalations},
            _("%(count)d overdue remediation(s) escalated.") % {"count": report.remediation_escalations},
            _("%(count)d medium-risk audit(s) with a late improvement plan: ESG score -1.") % {"count": report.esg_minus_one},
            _("%(count)d supplier(s) with late high-risk improvement plans: orders stopped.")
            % {"count": report.orders_stopped},
        ]
        self.stdout.write("\n".join(lines))
