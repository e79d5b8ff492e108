"""`supplyesg load_demo [--force]`: the deterministic demo data set, with one user per role (demo mode only)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from supplyesg.suppliers import demo


class Command(BaseCommand):
    help = "Load the demo suppliers and users. Runs only with SUPPLYESG_DEMO=true or --force; safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Load even when demo mode is off.")

    def handle(self, *args, **options):
        if not (settings.DEMO_MODE or options["force"]):
            raise CommandError(_("Demo data is loaded only in demo mode (SUPPLYESG_DEMO=true) or with --force."))
        started = time.monotonic()
        try:
            outcome = demo.load_demo()
        except demo.DemoRefused as exc:
            raise CommandError(str(exc))
        if not outcome.loaded:
            self.stdout.write(_("The demo data is already loaded; nothing was changed."))
            return
        figures = ", ".join(f"{count} {name}" for name, count in outcome.counts.items())
        self.stdout.write(self.style.SUCCESS(
            _("Demo data loaded in %(seconds).1f s: %(figures)s.") % {"seconds": time.monotonic() - started, "figures": figures}
        ))
        self.stdout.write("")
        self.stdout.write(_("Demo users (password for all: %(password)s)") % {"password": demo.PASSWORD})
        width = max(len(u[0]) for u in outcome.users) + 2
        role_width = max(len(u[1]) for u in outcome.users) + 2
        self.stdout.write(f"  {_('Username'):<{width}}{_('Role'):<{role_width}}{_('Supplier')}")
        for username, role, supplier in outcome.users:
            self.stdout.write(f"  {username:<{width}}{role:<{role_width}}{supplier}")
