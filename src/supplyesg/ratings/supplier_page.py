"""What ratings adds to the supplier page and list (core/supplier_page.py): the latest-grade panel, and the latest
grade the list shows, filters and sorts on."""

from django.db.models import OuterRef, Subquery

from supplyesg.core import supplier_page
from supplyesg.ratings.models import Rating


def with_latest_grade(qs):
    """Annotate `latest_grade`: the grade of the supplier's most recent quarterly rating (None: never rated)."""
    newest = Rating.objects.filter(supplier=OuterRef("pk")).order_by("-year", "-quarter")
    return qs.annotate(latest_grade=Subquery(newest.values("grade")[:1]))


def register() -> None:
    supplier_page.register_panel(supplier_page.SupplierPanel("rating", order=20, url_name="ratings:supplier_panel"))
    supplier_page.register_annotation("latest_grade", with_latest_grade)
