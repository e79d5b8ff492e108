"""What the suppliers app makes findable in the global search: suppliers and their documents."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from supplyesg.core import search
from supplyesg.suppliers.models import Document, Supplier


def search_suppliers(user, query, limit):
    found = search.find(
        Supplier.objects.visible_to(user),
        query,
        lookups=["legal_name", "local_name", "aliases", "code", "registration_id"],
        trigram=["legal_name", "aliases"],
        chinese=["local_name", "aliases"],
        text=lambda s: [s.legal_name, s.local_name, s.aliases, s.code, s.registration_id],
        weights=[1.0, 1.0, 0.8, 1.2, 1.2],
        limit=limit,
    )
    return [
        search.SearchHit(
            title=f"{s.code} · {s.legal_name}",
            url=reverse("suppliers:detail", args=[s.pk]),
            subtitle=" · ".join(filter(None, [s.local_name, s.get_status_display()])),
            score=score,
        )
        for s, score in found
    ]


def search_documents(user, query, limit):
    documents = Document.objects.filter(supplier__in=Supplier.objects.visible_to(user)).select_related("supplier")
    found = search.find(
        documents,
        query,
        lookups=["title", "original_name", "supplier__legal_name", "supplier__local_name", "supplier__code"],
        chinese=["title"],
        text=lambda d: [d.title, d.original_name, d.supplier.legal_name, d.supplier.local_name, d.supplier.code],
        weights=[1.0, 0.8, 0.6, 0.6, 0.6],
        limit=limit,
    )
    return [
        search.SearchHit(
            title=d.title,
            url=reverse("suppliers:detail", args=[d.supplier_id]) + "?tab=documents",
            subtitle=" · ".join(
                filter(None, [d.get_doc_type_display(), d.supplier.legal_name, d.expiry_date and d.expiry_date.isoformat()])
            ),
            score=score,
        )
        for d, score in found
    ]


def register():
    search.register(search.SearchProvider("suppliers", _("Suppliers"), search_suppliers, order=10))
    search.register(search.SearchProvider("documents", _("Documents"), search_documents, order=50))
