"""How audit, corrective-action and training events read in a supplier's history."""

from django.utils.translation import gettext_lazy

ACTION_LABELS = {
    "audit.upgraded": gettext_lazy("Audit upgraded to an on-site audit"),
    "audit.planned": gettext_lazy("Audit planned"),
    "audit.changed": gettext_lazy("Audit plan changed"),
    "audit.cancelled": gettext_lazy("Audit cancelled"),
    "audit.started": gettext_lazy("Audit started"),
    "audit.verdict": gettext_lazy("Checklist item checked"),
    "audit.finding_added": gettext_lazy("Audit finding recorded"),
    "audit.finding_removed": gettext_lazy("Audit finding removed"),
    "audit.file_added": gettext_lazy("Audit evidence added"),
    "audit.file_removed": gettext_lazy("Audit evidence removed"),
    "audit.report_uploaded": gettext_lazy("Third-party audit report uploaded"),
    "audit.reported": gettext_lazy("Audit report issued"),
    "audit.closed": gettext_lazy("Audit closed"),
    "audit.improvement_plan_overdue": gettext_lazy("Improvement plan overdue"),
    "corrective_action.plan_submitted": gettext_lazy("Corrective-action plan submitted"),
    "corrective_action.plan_approved": gettext_lazy("Corrective-action plan approved"),
    "corrective_action.plan_rejected": gettext_lazy("Corrective-action plan rejected"),
    "corrective_action.completed": gettext_lazy("Corrective action reported done"),
    "corrective_action.completion_rejected": gettext_lazy("Completion evidence rejected"),
    "corrective_action.closed": gettext_lazy("Corrective action closed"),
    "corrective_action.reminded": gettext_lazy("Corrective-action reminder sent"),
    "corrective_action.escalated": gettext_lazy("Overdue corrective action escalated"),
}
