"""The audits app's panel on the home dashboard: corrective actions open and overdue, by status."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from supplyesg.audits.models import Audit, CorrectiveAction
from supplyesg.core import dashboard

_CSS = {
    CorrectiveAction.Status.AWAITING_PLAN: "warn",
    CorrectiveAction.Status.REJECTED: "bad",
    CorrectiveAction.Status.CLOSED: "good",
}


def actions_panel(request, today):
    list_url = reverse("corrective:list")
    counts = dict(CorrectiveAction.objects.values_list("status").annotate(n=Count("pk")).order_by())
    rows = [
        {"label": label, "value": counts.get(value, 0), "url": f"{list_url}?status={value}", "css": _CSS.get(value, "")}
        for value, label in CorrectiveAction.Status.choices
    ]
    return {
        "open_count": CorrectiveAction.objects.open().count(),
        "overdue_count": CorrectiveAction.objects.overdue(today).count(),
        "audits_overdue": Audit.objects.overdue(today).count(),
        "open_audits": Audit.objects.open().for_year(today.year).count(),
        "year": today.year,
        "status_chart": dashboard.bar_chart(
            "corrective-status",
            _("Corrective actions by status"),
            _("Number of corrective actions in each status; each bar opens the filtered list."),
            rows,
        ),
    }


def register():
    dashboard.register(dashboard.DashboardPanel("audits", "audits/_dashboard_panel.html", actions_panel, order=30))
