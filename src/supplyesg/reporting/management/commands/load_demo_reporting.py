"""`supplyesg load_demo_reporting [--force]`: the year's reporting period, own-workforce figures, accounts-payable
records, a snapshot and a management review (demo mode only; safe to run again)."""

from django.utils.translation import gettext_lazy as _

from supplyesg.reporting import demo
from supplyesg.suppliers.demo.command import DemoLoadCommand


class Command(DemoLoadCommand):
    help = (
        "Load a demo reporting period with own-workforce figures, accounts-payable records, a snapshot of every line "
        "item and a management review (after the other load_demo_* commands). Runs only with SUPPLYESG_DEMO=true or "
        "--force; safe to run again."
    )
    already_text = _("The demo reporting data is already loaded; nothing was changed.")
    loaded_text = _("Demo reporting data loaded in %(seconds).1f s.")
    skipped_text = _("Demo reporting skipped: %(why)s")

    def load(self):
        return demo.load_demo_reporting()
