"""`supplyesg load_demo_programme [--force]`: demo audits, corrective actions, trainings, quarterly ratings and
minerals risk cases on top of `supplyesg load_demo` (demo mode only; safe to run again)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from supplyesg.audits import demo
from supplyesg.core.errors import RuleViolation


class Command(BaseCommand):
    help = (
        "Load the demo audit programme, corrective actions, ratings and minerals risk cases (after load_demo). "
        "Runs only with SUPPLYESG_DEMO=true or --force; safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Load even when demo mode is off.")

    def handle(self, *args, **options):
        if not (settings.DEMO_MODE or options["force"]):
            raise CommandError(_("Demo data is loaded only in demo mode (SUPPLYESG_DEMO=true) or with --force."))
        started = time.monotonic()
        try:
            outcome = demo.load_demo_programme()
        except demo.DemoRefused as exc:
            raise CommandError(str(exc))
        except RuleViolation as exc:
            raise CommandError(_("Nothing was loaded: %(problems)s") % {"problems": "; ".join(exc.messages)})
        if not outcome.loaded:
            self.stdout.write(_("The demo audits and ratings are already loaded; nothing was changed."))
            return
        self.stdout.write(
            self.style.SUCCESS(_("Demo audits and ratings loaded in %(seconds).1f s.") % {"seconds": time.monotonic() - started})
        )
        for section, counts in outcome.counts.items():
            figures = ", ".join(f"{count} {name}" for name, count in counts.items())
            self.stdout.write(f"  {section}: {figures}")
