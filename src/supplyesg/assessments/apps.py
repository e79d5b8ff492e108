from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "supplyesg.assessments"
    label = "assessments"
    verbose_name = _("Assessments")

    def ready(self):
        # Wiring, not rules: what this app adds to global search, the inbox, notifications and the dashboard.
        from supplyesg.assessments import dashboard, inbox, scale, search, supplier_page
        from supplyesg.assessments.questionnaires import kind

        for module in (search, inbox, dashboard, supplier_page, kind, scale):
            module.register()

        # Services queue background work by job kind; the tasks that run it are wired in here.
        from supplyesg.assessments import tasks
        from supplyesg.assessments.risk.jobs import JOB_KIND
        from supplyesg.core import jobs

        jobs.register(JOB_KIND, tasks.recompute_risk)

        from supplyesg.assessments.labels import ACTION_LABELS as CATALOGUE_LABELS
        from supplyesg.assessments.risk import rules
        from supplyesg.assessments.risk.services import ACTION_LABELS
        from supplyesg.core import history

        history.register_actions(ACTION_LABELS)
        history.register_actions(CATALOGUE_LABELS)
        history.register_reasons([rules.NO_AUDIT_YET, rules.AUDIT_TOO_OLD, rules.AUDIT_WITHIN_CYCLE, rules.MEDIUM_DESK_REVIEW])
        history.register_link("assessments.response", "assessments:response_detail", "response_pk")
