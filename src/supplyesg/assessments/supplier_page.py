"""What assessments adds to the supplier page (core/supplier_page.py): the ESG risk panel. The current risk level
the list shows, filters and sorts on is SupplierSummary.risk_level, kept by the risk services
(refresh_supplier_levels)."""

from supplyesg.assessments.risk.queries import current_assessment
from supplyesg.core import supplier_page


def risk_panel(request, supplier) -> dict:
    return {"risk": current_assessment(supplier)}


def register() -> None:
    supplier_page.register_panel(
        supplier_page.SupplierPanel("risk", order=10, template="assessments/_risk_panel.html", context=risk_panel)
    )
