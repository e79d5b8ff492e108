from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "supplyesg.assessments"
    label = "assessments"
    verbose_name = _("Assessments")

    def ready(self):
        # Wiring, not rules: what this app adds to global search, the inbox, notifications and the dashboard.
        from supplyesg.assessments import dashboard, inbox, search

        for module in (search, inbox, dashboard):
            module.register()
