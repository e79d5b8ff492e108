from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuppliersConfig(AppConfig):
    name = "supplyesg.suppliers"
    label = "suppliers"
    verbose_name = _("Suppliers")

    def ready(self):
        # Every supplier's summary row comes from a database trigger, reinstalled after every migrate (summary_rows).
        from django.db.models.signals import post_migrate

        from supplyesg.suppliers import summary_rows, tally

        post_migrate.connect(summary_rows.after_migrate, sender=self, dispatch_uid="suppliers.summary_rows")
        # The same for the counts per status and tier on PostgreSQL (tally), rebuilt exact after every migrate.
        post_migrate.connect(tally.after_migrate, sender=self, dispatch_uid="suppliers.tally")

        # Wiring, not rules: what this app adds to global search, the inbox, notifications and the dashboard.
        from supplyesg.suppliers import dashboard, inbox, scale, search

        for module in (search, inbox, dashboard, scale):
            module.register()

        # Wiring, not a rule: how registry events read in every history list.
        from supplyesg.core import history
        from supplyesg.suppliers.labels import ACTION_LABELS
        from supplyesg.suppliers.terminations.services import ACTION_LABELS as TERMINATION_LABELS

        history.register_actions(ACTION_LABELS)
        history.register_actions(TERMINATION_LABELS)
        history.register_link("suppliers.supplier", "suppliers:detail", "pk")

        # The supplier export, when the worker prepares it (core/exports.py).
        from supplyesg.core import exports
        from supplyesg.suppliers import exporting

        exports.register("suppliers", exporting.build_export)
