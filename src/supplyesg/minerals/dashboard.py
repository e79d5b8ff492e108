"""The minerals app's panel on the home dashboard: campaign response rates and smelter conformance."""

from django.urls import reverse
from django.utils.translation import gettext as _

from supplyesg.core import dashboard
from supplyesg.minerals import aggregation
from supplyesg.minerals.campaigns import services as campaigns
from supplyesg.minerals.models import Campaign


def minerals_panel(request, today):
    open_campaigns = campaigns.campaigns_with_counts().filter(status=Campaign.Status.OPEN).order_by("due_date")[:6]
    rows = [
        {
            "label": c.name,
            "value": round(100 * c.responded_count / c.request_count) if c.request_count else 0,
            "url": reverse("minerals:campaign_detail", args=[c.pk]),
        }
        for c in open_campaigns
    ]
    figures = aggregation.stored_figures(aggregation.stored_snapshot(None, None))
    return {
        "response_chart": dashboard.bar_chart(
            "cmrt-response",
            _("Open CMRT/EMRT campaigns: suppliers who responded (%)"),
            _("Share of requested suppliers who sent a declaration, per open campaign; each bar opens the campaign."),
            rows,
        ),
        "has_campaigns": bool(rows),
        "figures": figures,
    }


def register():
    dashboard.register(dashboard.DashboardPanel("minerals", "minerals/_dashboard_panel.html", minerals_panel, order=40))
