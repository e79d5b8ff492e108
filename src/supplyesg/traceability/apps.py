from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TraceabilityConfig(AppConfig):
    name = "supplyesg.traceability"
    label = "traceability"
    verbose_name = _("Raw-material traceability")

    def ready(self):
        # Wiring, not rules: the history's action labels.
        from supplyesg.core import history
        from supplyesg.traceability.services import ACTION_LABELS

        history.register_actions(ACTION_LABELS)
