"""The minerals dashboard's stored figures: computed by the worker when declarations or reference data change,
read by the pages (a page never aggregates every smelter row of the year)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DashboardSnapshot(models.Model):
    """The dashboard figures of one reporting year and template (year 0 and template "" mean all of them)."""

    year = models.PositiveIntegerField(_("reporting year"))
    template = models.CharField(_("template"), max_length=4, blank=True)
    computed_at = models.DateTimeField(_("computed at"))
    stale = models.BooleanField(_("being updated"), default=False)
    figures = models.JSONField(_("figures"), default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "template"], name="unique_dashboard_snapshot")]

    def __str__(self):
        return f"{self.template or '*'} {self.year or '*'}"


class SupplierRedFlags(models.Model):
    """One supplier's minerals red flags in a snapshot, with what the dashboard filters on."""

    # No index of its own: both Meta indexes lead with it.
    snapshot = models.ForeignKey(DashboardSnapshot, on_delete=models.CASCADE, related_name="red_flags", db_index=False)
    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.CASCADE, related_name="+")
    supplier_name = models.CharField(_("supplier"), max_length=255)
    sort_name = models.CharField(max_length=255)
    country = models.CharField(_("country"), max_length=2, blank=True)
    codes = models.CharField(max_length=255, help_text=",code,code,: the flag kinds")
    metals = models.CharField(max_length=255, blank=True, help_text=",Tin,Gold,: the metals the flags concern")
    flags = models.JSONField(default=list)

    class Meta:
        ordering = ["sort_name", "supplier_id"]
        indexes = [
            models.Index(fields=["snapshot", "sort_name", "supplier"], name="red_flags_by_name"),
            models.Index(fields=["snapshot", "country"], name="red_flags_by_country"),
        ]

    def __str__(self):
        return self.supplier_name
