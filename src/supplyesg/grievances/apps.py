from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrievancesConfig(AppConfig):
    name = "supplyesg.grievances"
    label = "grievances"
    verbose_name = _("Grievances")

    def ready(self):
        # Wiring, not a rule: the risk assessment reads substantiated and open cases through this provider.
        from supplyesg.assessments.risk.inputs import register_input_provider
        from supplyesg.grievances import checks, inbox  # noqa: F401 - checks registers itself
        from supplyesg.grievances.risk_provider import grievance_inputs

        register_input_provider("grievances", grievance_inputs)
        from supplyesg.core import history
        from supplyesg.grievances.labels import ACTION_LABELS

        history.register_actions(ACTION_LABELS)
        inbox.register()
