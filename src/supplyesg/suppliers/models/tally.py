"""How many suppliers there are per status and tier, kept by the database on PostgreSQL (suppliers/tally.py).

PostgreSQL counts rows one by one, checking each one's visibility: COUNT(*) over 100,000 suppliers takes 7-10 ms,
even from the smallest index, against about 1 ms on SQLite, which counts a b-tree's cells page by page. Every
supplier list page and API page showed that count. Here each statement that inserts, deletes or moves suppliers
between statuses or tiers adds a row per (status, tier) with the change (+n or -n), written by statement
triggers in the same transaction; a count is the sum of a few rows. Only appending, never updating a shared row,
means concurrent writers never wait for one another. Readers fold the rows into one per (status, tier) once
there are many of them. SQLite does not use this table."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SupplierTally(models.Model):
    status = models.CharField(_("status"), max_length=20)
    tier = models.PositiveSmallIntegerField(_("tier"))
    n = models.BigIntegerField(_("change in the number of suppliers"))

    class Meta:
        verbose_name = _("supplier tally")
        verbose_name_plural = _("supplier tallies")

    def __str__(self):
        return f"{self.status} / tier {self.tier}: {self.n:+d}"
