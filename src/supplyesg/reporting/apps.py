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

        # Services queue background work by job kind; the task that runs it is wired in here.
        from supplyesg.core import jobs
        from supplyesg.reporting import tasks
        from supplyesg.reporting.services import dashboard
        from supplyesg.reporting.services.snapshot_jobs import CHECK_JOB_KIND, JOB_KIND

        jobs.register(JOB_KIND, tasks.take_report_snapshot)
        jobs.register(CHECK_JOB_KIND, tasks.check_report_snapshot)
        jobs.register(dashboard.JOB_KIND, tasks.refresh_reporting_dashboard)

        # A snapshot's downloads, when the worker prepares them (core/exports.py).
        from supplyesg.core import exports
        from supplyesg.reporting.exporting import outputs

        exports.register("reporting_snapshot", outputs.build_prepared)
        inbox.register()

        # The dashboard's stored figures are marked stale after a commit that changed data they count.
        from supplyesg.core import derived

        derived.register("reporting.dashboard", dashboard.DEPENDS_ON, dashboard.figures_changed, ignored=dashboard.IGNORED)

        # Its part of `supplyesg generate_scale_data` (core/scale.py): the dashboard's figures of the data set.
        from supplyesg.reporting import scale

        scale.register()
