"""What ratings adds to the supplier page (core/supplier_page.py): the latest-grade panel. The latest grade the list
shows, filters and sorts on is SupplierSummary.latest_grade, kept by compute_quarter (ratings/latest_grades.py)."""

from supplyesg.core import supplier_page


def register() -> None:
    supplier_page.register_panel(supplier_page.SupplierPanel("rating", order=20, url_name="ratings:supplier_panel"))
