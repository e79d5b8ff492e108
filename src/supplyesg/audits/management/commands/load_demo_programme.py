"""`supplyesg load_demo_programme [--force]`: demo audits, corrective actions, trainings, quarterly ratings and
minerals risk cases on top of `supplyesg load_demo` (demo mode only; safe to run again)."""

from django.utils.translation import gettext_lazy as _

from supplyesg.audits import demo
from supplyesg.suppliers.demo.command import DemoLoadCommand


class Command(DemoLoadCommand):
    help = (
        "Load the demo audit programme, corrective actions, ratings and minerals risk cases (after load_demo). "
        "Runs only with SUPPLYESG_DEMO=true or --force; safe to run again."
    )
    already_text = _("The demo audits and ratings are already loaded; nothing was changed.")
    loaded_text = _("Demo audits and ratings loaded in %(seconds).1f s.")

    def load(self):
        return demo.load_demo_programme()
