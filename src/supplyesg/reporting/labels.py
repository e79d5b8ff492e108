"""History labels of reporting's audited actions."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "reporting.catalogue_loaded": _("Disclosure catalogue loaded"),
    "reporting.period_created": _("Reporting period created"),
    "reporting.definitions_changed": _("Reporting definitions changed"),
    "reporting.snapshot_taken": _("Report snapshot taken"),
    "reporting.snapshot_published": _("Report snapshot published"),
    "reporting.snapshot_checked": _("Report snapshot's hash checked"),
    "reporting.review_recorded": _("Management review recorded"),
    "reporting.review_action_changed": _("Management review action changed"),
    "reporting.annual_figures_changed": _("Own-workforce figures changed"),
    "reporting.payments_imported": _("Accounts-payable data imported"),
    "reporting.dashboard_refresh_requested": _("Reporting dashboard refresh requested"),
}
