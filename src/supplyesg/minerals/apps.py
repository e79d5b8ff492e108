from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MineralsConfig(AppConfig):
    name = "supplyesg.minerals"
    label = "minerals"
    verbose_name = _("Responsible minerals")

    def ready(self):
        from supplyesg.minerals.cases import on_suspension_ended
        from supplyesg.suppliers.services.terminations import register_suspension_listener

        register_suspension_listener("minerals", on_suspension_ended)

        # Wiring, not a rule: sanctions screening (in suppliers, a lower layer) screens smelters too.
        from supplyesg.minerals.services import smelter_subjects
        from supplyesg.suppliers.sanctions.subjects import register_subject_source

        register_subject_source("smelter", smelter_subjects)

        # Wiring, not rules: what this app adds to global search, the inbox, notifications and the dashboard.
        from supplyesg.minerals import dashboard, inbox, search

        for module in (search, inbox, dashboard):
            module.register()
