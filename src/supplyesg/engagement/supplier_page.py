"""What engagement adds to the supplier page (core/supplier_page.py): the Training tab."""

from django.utils.translation import gettext_lazy as _

from supplyesg.core import supplier_page


def register() -> None:
    supplier_page.register_tab(supplier_page.SupplierTab("training", _("Training"), "engagement:supplier_panel", order=40))
