from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "supplyesg.reporting"
    label = "reporting"
    verbose_name = _("Reporting")

    def ready(self):
        # Wiring, not rules: history labels and the computations every catalogue line item may name.
        from supplyesg.core import history
        from supplyesg.reporting import computations, inbox
        from supplyesg.reporting.labels import ACTION_LABELS

        computations.load_all()
        history.register_actions(ACTION_LABELS)
        inbox.register()
