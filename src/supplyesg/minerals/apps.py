from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MineralsConfig(AppConfig):
    name = "supplyesg.minerals"
    label = "minerals"
    verbose_name = _("Responsible minerals")

    def ready(self):
        from supplyesg.minerals.cases.services import on_suspension_ended
        from supplyesg.suppliers.terminations.services import register_suspension_listener

        register_suspension_listener("minerals", on_suspension_ended)

        # Wiring, not a rule: sanctions screening (in suppliers, a lower layer) screens smelters too.
        from supplyesg.minerals.services import smelter_subjects
        from supplyesg.suppliers.sanctions.subjects import register_subject_source

        register_subject_source("smelter", smelter_subjects)

        # Wiring, not rules: what this app adds to global search, the inbox, notifications and the dashboard.
        from supplyesg.minerals import dashboard, inbox, search, supplier_page
        from supplyesg.minerals.campaigns import kind

        for module in (search, inbox, dashboard, supplier_page, kind):
            module.register()

        # Its part of `supplyesg generate_scale_data` (core/scale.py): the year's declarations.
        from supplyesg.minerals import scale

        scale.register()

        # Services queue background work by job kind; the tasks that run it are wired in here.
        from supplyesg.core import jobs
        from supplyesg.minerals import tasks
        from supplyesg.minerals.aggregation import stored as aggregation_stored
        from supplyesg.minerals.bulk import JOB_KIND

        jobs.register(JOB_KIND, tasks.import_bulk)
        jobs.register(aggregation_stored.REFRESH_KIND, tasks.refresh_minerals_dashboard)

        from supplyesg.core import history
        from supplyesg.minerals.cases.services import SYSTEM_REASONS
        from supplyesg.minerals.labels import ACTION_LABELS
        from supplyesg.minerals.models import RiskCaseStep

        history.register_actions(ACTION_LABELS)
        history.register_reasons(SYSTEM_REASONS)
        history.register_actions({f"minerals_case.{value}": label for value, label in RiskCaseStep.Kind.choices})
        history.register_actions({"minerals_case.termination_recommended": RiskCaseStep.Kind("termination").label})
        history.register_link("minerals.riskcase", "risk_cases:detail", "risk_case_pk")
        history.register_reference("minerals_case", _("minerals risk case"), "risk_cases:detail", "risk_case_pk")
