"""What every `load_demo_*` command does around its app's loader: demo mode or --force, refusals as clear
command errors, nothing loaded twice, and the figures of what was loaded."""

import abc
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from supplyesg.core.errors import RuleViolation
from supplyesg.suppliers.demo import DemoRefused


class DemoLoadCommand(BaseCommand, metaclass=abc.ABCMeta):
    """Subclasses name the loader (returning an outcome with `loaded`, `counts` and, optionally, `skipped`) and
    the sentences: `already_text`, `loaded_text` (with %(seconds)), `skipped_text` (with %(why)s)."""

    already_text = loaded_text = skipped_text = ""

    @abc.abstractmethod
    def load(self):
        """Load the app's demo data; return the outcome (a command without it cannot be instantiated)."""

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Load even when demo mode is off.")

    def handle(self, *args, **options):
        if not (settings.DEMO_MODE or options["force"]):
            raise CommandError(_("Demo data is loaded only in demo mode (SUPPLYESG_DEMO=true) or with --force."))
        started = time.monotonic()
        try:
            outcome = self.load()
        except DemoRefused as exc:
            raise CommandError(str(exc))
        except RuleViolation as exc:
            raise CommandError(_("Nothing was loaded: %(problems)s") % {"problems": "; ".join(exc.messages)})
        if getattr(outcome, "skipped", None):
            self.stdout.write(self.skipped_text % {"why": outcome.skipped})
            return
        if not outcome.loaded:
            self.stdout.write(str(self.already_text))
            return
        self.stdout.write(self.style.SUCCESS(self.loaded_text % {"seconds": time.monotonic() - started}))
        for section, counts in outcome.counts.items():
            figures = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in counts.items())
            self.stdout.write(f"  {section}: {figures}")
