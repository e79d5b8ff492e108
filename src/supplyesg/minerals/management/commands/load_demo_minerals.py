"""`supplyesg load_demo_minerals [--force]`: last year's demo CMRT and EMRT campaigns, on top of `supplyesg load_demo`
(demo mode only; safe to run again; skipped with a message when no blank RMI template or smelter list is loaded)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from supplyesg.core.errors import RuleViolation
from supplyesg.minerals import demo


class Command(BaseCommand):
    help = (
        "Load last year's demo CMRT and EMRT campaigns with checked and accepted supplier files (after load_demo and "
        "smelters_load). Runs only with SUPPLYESG_DEMO=true or --force; safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Load even when demo mode is off.")

    def handle(self, *args, **options):
        if not (settings.DEMO_MODE or options["force"]):
            raise CommandError(_("Demo data is loaded only in demo mode (SUPPLYESG_DEMO=true) or with --force."))
        started = time.monotonic()
        try:
            outcome = demo.load_demo_minerals()
        except demo.DemoRefused as exc:
            raise CommandError(str(exc))
        except RuleViolation as exc:
            raise CommandError(_("Nothing was loaded: %(problems)s") % {"problems": "; ".join(exc.messages)})
        if outcome.skipped:
            self.stdout.write(_("Demo minerals campaigns skipped: %(why)s") % {"why": outcome.skipped})
            return
        if not outcome.loaded:
            self.stdout.write(_("The demo minerals campaigns are already loaded; nothing was changed."))
            return
        self.stdout.write(
            self.style.SUCCESS(_("Demo minerals campaigns loaded in %(seconds).1f s.") % {"seconds": time.monotonic() - started})
        )
        for template, counts in outcome.counts.items():
            figures = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in counts.items())
            self.stdout.write(f"  {template}: {figures}")
