from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditsConfig(AppConfig):
    name = "supplyesg.audits"
    label = "audits"
    verbose_name = _("Audits")

    def ready(self):
        # Wiring, not a rule: the risk assessment reads audit results through this provider.
        from supplyesg.assessments.risk.inputs import register_input_provider
        from supplyesg.audits.risk_provider import audit_inputs

        register_input_provider("audit", audit_inputs)
        # global search, inbox, notifications, dashboard, the supplier page
        from supplyesg.audits import dashboard, inbox, search, supplier_page

        for module in (search, inbox, dashboard, supplier_page):
            module.register()

        from supplyesg.audits.labels import ACTION_LABELS
        from supplyesg.audits.services.clocks import SYSTEM_REASONS
        from supplyesg.core import history

        history.register_actions(ACTION_LABELS)
        history.register_reasons(SYSTEM_REASONS)
        history.register_link("audits.audit", "audits:detail", "audit_pk")
        history.register_reference("audit", pgettext_lazy("audits", "audit"), "audits:detail", "audit_pk")
