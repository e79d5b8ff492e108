"""Figures of the supplier registry itself."""

from __future__ import annotations

from supplyesg.reporting.computations.base import Result, Scope, computation
from supplyesg.reporting.computations.common import SUPPLIER_COLUMNS, supplier_row, suppliers_in_scope
from supplyesg.suppliers.models import Supplier


@computation("approved_suppliers")
def approved_suppliers(scope: Scope) -> Result:
    """Suppliers on the approved list (qualified, active or conditional) today, in the report's scope."""
    qs = suppliers_in_scope(scope).filter(status__in=Supplier.APPROVED_STATUSES).order_by("code")
    rows = [supplier_row(s) for s in qs.only("pk", "code", "legal_name", "tier", "country")]
    return Result(value=len(rows), columns=SUPPLIER_COLUMNS, rows=rows)
