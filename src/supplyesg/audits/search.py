"""What the audits app makes findable in the global search: audits, by supplier, firm, kind and year."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from supplyesg.audits.access import audits_visible_to
from supplyesg.core import search


def search_audits(user, query, limit):
    found = search.find(
        audits_visible_to(user).select_related("supplier"),
        query,
        lookups=["supplier__legal_name", "supplier__local_name", "supplier__code", "audit_firm", "year", "kind"],
        chinese=["supplier__local_name"],
        text=lambda a: [a.supplier.legal_name, a.supplier.local_name, a.supplier.code, a.audit_firm, str(a.year), a.kind],
        weights=[1.0, 1.0, 1.0, 0.8, 0.8, 0.5],
        limit=limit,
    )
    return [
        search.SearchHit(
            title=f"{a.get_kind_display()} · {a.supplier.legal_name} · {a.year}",
            url=reverse("audits:detail", args=[a.pk]),
            subtitle=" · ".join(filter(None, [a.get_status_display(), a.audit_firm])),
            score=score,
        )
        for a, score in found
    ]


def register():
    search.register(search.SearchProvider("audits", _("Audits"), search_audits, order=30))
