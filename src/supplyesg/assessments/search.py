"""What the assessments app makes findable in the global search: questionnaire campaigns."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from supplyesg.assessments.models import QuestionnaireCampaign
from supplyesg.core import search


def search_campaigns(user, query, limit):
    found = search.find(
        QuestionnaireCampaign.objects.select_related("template"),
        query,
        lookups=["name", "template__title", "template__title_zh", "template__code"],
        chinese=["name", "template__title_zh"],
        text=lambda c: [c.name, c.template.title, c.template.title_zh, c.template.code],
        weights=[1.0, 0.7, 0.7, 0.7],
        limit=limit,
    )
    return [
        search.SearchHit(
            title=c.name,
            url=reverse("assessments:campaign_detail", args=[c.pk]),
            subtitle=" · ".join([c.template.title, c.due_date.isoformat(), c.get_status_display()]),
            score=score,
        )
        for c, score in found
    ]


def register():
    search.register(search.SearchProvider("questionnaire_campaigns", _("Questionnaire campaigns"), search_campaigns, order=45))
