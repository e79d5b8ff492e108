"""What the minerals app makes findable in the global search: smelters (names, aliases, CIDs) and campaigns."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from supplyesg.core import search
from supplyesg.minerals.models import Campaign, Smelter, SmelterAlias


def search_smelters(user, query, limit):
    smelters = Smelter.objects.prefetch_related(Prefetch("aliases", queryset=SmelterAlias.objects.only("smelter_id", "name")))
    found = search.find(
        smelters,
        query,
        lookups=["standard_name", "cid", "aliases__name", "city", "country"],
        trigram=["standard_name"],
        chinese=["aliases__name"],
        text=lambda s: [s.standard_name, s.cid, " ".join(a.name for a in s.aliases.all()), s.city, s.country],
        weights=[1.0, 1.2, 0.8, 0.5, 0.5],
        limit=limit,
    )
    smelter_list = reverse("minerals:smelters")
    return [
        search.SearchHit(
            title=f"{s.standard_name} ({s.cid})",
            url=f"{smelter_list}?{urlencode({'q': s.cid})}",
            subtitle=" · ".join(filter(None, [s.get_metal_display(), s.country])),
            score=score,
        )
        for s, score in found
    ]


def search_campaigns(user, query, limit):
    found = search.find(
        Campaign.objects.all(),
        query,
        lookups=["name", "reporting_year", "template"],
        chinese=["name"],
        text=lambda c: [c.name, str(c.reporting_year), c.template],
        limit=limit,
    )
    return [
        search.SearchHit(
            title=c.name,
            url=reverse("minerals:campaign_detail", args=[c.pk]),
            subtitle=" · ".join([c.get_template_display(), str(c.reporting_year), c.get_status_display()]),
            score=score,
        )
        for c, score in found
    ]


def register():
    search.register(search.SearchProvider("smelters", _("Smelters"), search_smelters, order=20))
    search.register(search.SearchProvider("mineral_campaigns", _("CMRT/EMRT campaigns"), search_campaigns, order=40))
