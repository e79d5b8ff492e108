"""The latest-grade panel on the supplier page (core/supplier_page.py)."""

from supplyesg.core import supplier_page


def register() -> None:
    supplier_page.register_panel(supplier_page.SupplierPanel("rating", order=20, url_name="ratings:supplier_panel"))
