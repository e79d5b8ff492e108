"""`supplyesg load_demo_traceability [--force]`: a solar module and a tin solder chain on the demo registry
(demo mode only; safe to run again)."""

from django.utils.translation import gettext_lazy as _

from supplyesg.suppliers.demo.command import DemoLoadCommand
from supplyesg.traceability import demo


class Command(DemoLoadCommand):
    help = (
        "Load a demo solar module lot traced to its polysilicon plant and quartzite mine, and a tin solder lot traced to "
        "its smelter and mine country (after load_demo). Runs only with SUPPLYESG_DEMO=true or --force; safe to run again."
    )
    already_text = _("The demo traceability chains are already loaded; nothing was changed.")
    loaded_text = _("Demo traceability chains loaded in %(seconds).1f s.")
    skipped_text = _("Demo traceability skipped: %(why)s")

    def load(self):
        return demo.load_demo_traceability()
