"""Read-side helpers for the minerals pages."""

from django.db.models import Prefetch

from supplyesg.minerals.models import RiskCountry, RmapStatus, Smelter, SmelterAlias


def smelter_rows(*, q: str = "", metal: str = ""):
    qs = Smelter.objects.all().prefetch_related(Prefetch("aliases", queryset=SmelterAlias.objects.order_by("name")))
    if metal:
        qs = qs.filter(metal=metal)
    if q:
        from django.db.models import Q

        qs = qs.filter(Q(cid__icontains=q) | Q(standard_name__icontains=q) | Q(aliases__name__icontains=q)).distinct()
    return qs.order_by("metal", "standard_name")


def decorate(smelters):
    """Attach the current RMAP status and covered/CAHRA flags to a page of smelters (two queries)."""
    cids = [s.cid for s in smelters]
    statuses = {r.cid: r for r in RmapStatus.objects.current().filter(cid__in=cids)}
    risk = {}
    for kind, code in RiskCountry.objects.values_list("kind", "country"):
        risk.setdefault(code, set()).add(kind)
    for smelter in smelters:
        smelter.rmap = statuses.get(smelter.cid)
        smelter.risk_kinds = risk.get(smelter.country_code, set())
    return smelters
