"""Query helpers every computation shares: the suppliers a report's filters and a line item's scope select."""

from __future__ import annotations

from supplyesg.reporting.computations.base import Row, Scope
from supplyesg.suppliers.models import Supplier

SUPPLIER_COLUMNS = ("Supplier code", "Supplier", "Tier", "Country")


def suppliers_in_scope(scope: Scope):
    """Suppliers matching the report's tier, country and category filters (any status)."""
    qs = Supplier.objects.all()
    if scope.effective_tiers:
        qs = qs.filter(tier__in=scope.effective_tiers)
    if scope.countries:
        qs = qs.filter(country__in=scope.countries)
    if scope.categories:
        qs = qs.filter(categories__code__in=scope.categories).distinct()
    return qs


def supplier_row(supplier, *extra) -> Row:
    return Row("suppliers.supplier", supplier.pk, (supplier.code, supplier.legal_name, supplier.tier, supplier.country, *extra))
