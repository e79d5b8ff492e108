"""The suppliers app's panel on the home dashboard: the registry by status, and documents expiring."""

from django.urls import reverse
from django.utils.translation import gettext as _

from supplyesg.core import dashboard
from supplyesg.core.models import PolicySettings
from supplyesg.suppliers import queries
from supplyesg.suppliers.models import Supplier

_CSS = {Supplier.Status.BLACKLISTED: "bad", Supplier.Status.SUSPENDED: "bad", Supplier.Status.CONDITIONAL: "warn"}


def registry_panel(request, today):
    warning_days = PolicySettings.current().document_expiry_warning_days
    list_url = reverse("suppliers:list")
    rows = [
        {
            "label": row["label"],
            "value": row["count"],
            "url": f"{list_url}?status={row['value']}",
            "css": _CSS.get(row["value"], ""),
        }
        for row in queries.count_by_status()
    ]
    return {
        "status_chart": dashboard.bar_chart(
            "supplier-status",
            _("Suppliers by status"),
            _("Number of suppliers in each lifecycle status; each bar opens the filtered supplier list."),
            rows,
        ),
        "total": sum(r["value"] for r in rows),
        "expiring_count": queries.expiring_documents(warning_days, today).count(),
        "expired_count": queries.expired_documents(today).count(),
        "warning_days": warning_days,
    }


def register():
    dashboard.register(dashboard.DashboardPanel("suppliers", "suppliers/_dashboard_panel.html", registry_panel, order=10))
