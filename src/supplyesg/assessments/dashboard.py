"""The assessments app's panel on the home dashboard: suppliers by risk level, questionnaire response rates."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from supplyesg.assessments.models import QuestionnaireCampaign, Response, RiskLevel
from supplyesg.core import dashboard
from supplyesg.suppliers.models import Supplier

_CSS = {RiskLevel.HIGH: "bad", RiskLevel.MEDIUM: "warn", RiskLevel.LOW: "good"}
ANSWERED = (Response.Status.SUBMITTED, Response.Status.ACCEPTED)


def assessments_panel(request, today):
    list_url = reverse("suppliers:list")
    levels = dict(
        Supplier.objects.approved().order_by().values_list("summary__risk_level").annotate(n=Count("*"))
    )
    risk_rows = [
        {"label": label, "value": levels.get(value, 0), "url": f"{list_url}?risk={value}", "css": _CSS[value]}
        for value, label in reversed(RiskLevel.choices)
    ]
    risk_rows.append({"label": _("Not assessed"), "value": levels.get(None, 0), "url": f"{list_url}?risk=none"})
    open_campaigns = (
        QuestionnaireCampaign.objects.filter(status=QuestionnaireCampaign.Status.OPEN)
        .annotate(asked=Count("responses"), answered=Count("responses", filter=Q(responses__status__in=ANSWERED)))
        .order_by("due_date")[:6]
    )
    response_rows = [
        {
            "label": c.name,
            "value": round(100 * c.answered / c.asked) if c.asked else 0,
            "url": reverse("assessments:campaign_detail", args=[c.pk]),
        }
        for c in open_campaigns
    ]
    return {
        "risk_chart": dashboard.bar_chart(
            "risk-levels",
            _("Approved suppliers by risk level"),
            _("Number of approved suppliers at each current risk level; each bar opens the filtered supplier list."),
            risk_rows,
        ),
        "response_chart": dashboard.bar_chart(
            "questionnaire-response",
            _("Open questionnaire campaigns: suppliers who answered (%)"),
            _("Share of suppliers who submitted their questionnaire, per open campaign; each bar opens the campaign."),
            response_rows,
        ),
        "has_campaigns": bool(response_rows),
    }


def register():
    dashboard.register(dashboard.DashboardPanel("assessments", "assessments/_dashboard_panel.html", assessments_panel, order=15))
