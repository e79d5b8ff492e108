from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "supplyesg.ratings"
    label = "ratings"
    verbose_name = _("Quarterly ratings")

    def ready(self):
        # Wiring, not rules: what this app adds to global search, the inbox, notifications and the dashboard.
        from supplyesg.ratings import dashboard, inbox, scale, supplier_page

        for module in (inbox, dashboard, supplier_page, scale):
            module.register()

        # Services queue background work by job kind; the tasks that run it are wired in here.
        from supplyesg.core import jobs
        from supplyesg.ratings import tasks
        from supplyesg.ratings.services import JOB_KIND

        jobs.register(JOB_KIND, tasks.compute_ratings)

        # The quarterly business review workbook, when the worker prepares it (core/exports.py).
        from supplyesg.core import exports
        from supplyesg.ratings import exporting

        exports.register("ratings_qbr", exporting.build_qbr)

        from supplyesg.core import history
        from supplyesg.ratings.services import ACTION_LABELS, GRADE_CHANGED

        history.register_actions(ACTION_LABELS)
        history.register_reasons([GRADE_CHANGED])
        history.register_reference("rating", _("quarterly rating"), "ratings:supplier", "supplier_pk")
