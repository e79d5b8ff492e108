"""What the supplier list shows, filters and sorts on from other apps' results, one row per supplier.

The current risk level (an override winning; None: never assessed) and its order for sorting, written by the
assessments app's risk services; the grade of the latest quarterly rating ("": never rated), written by the
ratings app. They are kept here so that the list never recomputes them per row (100,000 suppliers), and outside
the supplier table so that writing them is cheap: the yearly risk run and the quarterly ratings set them for
100,000 suppliers, and on PostgreSQL each updated row gets a new entry in every index of its table. The supplier
table has a dozen indexes (among them the trigram index of the search); this one has three. Measured (issue 19):
10,000 rows updated in 236 ms on the supplier table, 55 ms here; the trigram index alone would have added 290 ms.

Every supplier has its row from the moment it is inserted, whatever inserts it (a form, the API, an import, the
demo or scale data written in bulk): a database trigger adds it (migration suppliers 0015), so the list can join
it as an inner join and read its sorts from its indexes. Deleting a supplier deletes its row."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# A risk level's place when sorting the supplier list: 0 is "never assessed".
RISK_ORDER = {"high": 3, "medium": 2, "low": 1}


class SupplierSummary(models.Model):
    supplier = models.OneToOneField(
        "suppliers.Supplier", primary_key=True, on_delete=models.CASCADE, related_name="summary", verbose_name=_("supplier")
    )
    risk_level = models.CharField(_("current risk level"), max_length=10, null=True, blank=True, editable=False)
    risk_order = models.PositiveSmallIntegerField(_("risk order"), default=0, editable=False)
    # "" (not NULL) when never rated: both databases then sort "not rated" first, and the grade sort can read
    # its order from the index under an always-true `latest_grade >= ''` (queries.supplier_list_queryset).
    latest_grade = models.CharField(
        _("latest rating grade"), max_length=1, blank=True, default="", db_default="", editable=False
    )

    class Meta:
        verbose_name = _("supplier summary")
        verbose_name_plural = _("supplier summaries")
        indexes = [
            # The list's risk and grade sorts and filters, ties broken by supplier (its primary key).
            models.Index(fields=["risk_order", "supplier"], name="summary_risk_order_idx"),
            models.Index(fields=["latest_grade", "supplier"], name="summary_latest_grade_idx"),
        ]

    def __str__(self):
        return f"{self.supplier_id}: {self.risk_level or '-'} / {self.latest_grade or '-'}"
