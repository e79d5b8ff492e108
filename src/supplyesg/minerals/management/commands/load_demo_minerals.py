"""`supplyesg load_demo_minerals [--force]`: last year's demo CMRT and EMRT campaigns, on top of `supplyesg load_demo`
(demo mode only; safe to run again; skipped with a message when no blank RMI template or smelter list is loaded)."""

from django.utils.translation import gettext_lazy as _

from supplyesg.minerals import demo
from supplyesg.suppliers.demo.command import DemoLoadCommand


class Command(DemoLoadCommand):
    help = (
        "Load last year's demo CMRT and EMRT campaigns with checked and accepted supplier files (after load_demo and "
        "smelters_load). Runs only with SUPPLYESG_DEMO=true or --force; safe to run again."
    )
    already_text = _("The demo minerals campaigns are already loaded; nothing was changed.")
    loaded_text = _("Demo minerals campaigns loaded in %(seconds).1f s.")
    skipped_text = _("Demo minerals campaigns skipped: %(why)s")

    def load(self):
        return demo.load_demo_minerals()
