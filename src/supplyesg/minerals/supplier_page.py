"""The minerals risk cases tab of the supplier page (core/supplier_page.py)."""

from django.utils.translation import gettext_lazy as _

from supplyesg.core import supplier_page


def register() -> None:
    supplier_page.register_tab(
        supplier_page.SupplierTab("minerals_risk", _("Minerals risk cases"), "risk_cases:supplier_panel", order=20)
    )
