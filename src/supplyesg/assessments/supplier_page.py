"""The ESG risk panel on the supplier page (core/supplier_page.py)."""

from supplyesg.assessments.risk import current_assessment
from supplyesg.core import supplier_page


def risk_panel(request, supplier) -> dict:
    return {"risk": current_assessment(supplier)}


def register() -> None:
    supplier_page.register_panel(
        supplier_page.SupplierPanel("risk", order=10, template="assessments/_risk_panel.html", context=risk_panel)
    )
