"""Termination of cooperation: recommended by a rule (grade D, an overdue high-risk improvement plan, a grave
minerals risk) or by a person, decided by procurement. A confirmed termination stops orders."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supplyesg.suppliers.models.registry import Supplier


class TerminationCaseQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=TerminationCase.Status.RECOMMENDED)

    def in_force(self):
        """Confirmed and not lifted: orders are stopped."""
        return self.filter(status=TerminationCase.Status.CONFIRMED)

    def for_source(self, source: str, ref: str):
        return self.filter(source=source, source_ref=ref)


class TerminationCase(models.Model):
    class Source(models.TextChoices):
        RATING = "rating", _("Quarterly grade D")
        AUDIT = "audit", _("Overdue high-risk improvement plan")
        MINERALS = "minerals", _("Minerals risk case")
        MANUAL = "manual", _("Raised by a person")

    class Status(models.TextChoices):
        RECOMMENDED = "recommended", _("Recommended, awaiting decision")
        CONFIRMED = "confirmed", _("Termination confirmed")
        OVERRIDDEN = "overridden", _("Overridden: cooperation continues")
        LIFTED = "lifted", _("Lifted: cooperation resumed")

    # No index of its own: the Meta index (supplier, status) leads with it.
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="termination_cases", db_index=False)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    # What raised it, e.g. "rating:2026Q3", "audit:12", "minerals_case:4": one open case per source and ref.
    source_ref = models.CharField(_("source reference"), max_length=60, blank=True)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECOMMENDED, db_index=True)
    recommended_at = models.DateTimeField(_("recommended"), default=timezone.now)
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )  # None: raised by a rule
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decision_reason = models.TextField(_("decision reason"), blank=True)
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    lift_reason = models.TextField(_("lift reason"), blank=True)

    objects = TerminationCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-recommended_at", "-pk"]
        indexes = [models.Index(fields=["supplier", "status"])]

    def __str__(self):
        return f"{self.supplier} · {self.get_source_display()} · {self.get_status_display()}"


class SuspensionQuerySet(models.QuerySet):
    def in_force(self):
        """Not yet lifted or turned into a termination: orders are stopped."""
        return self.filter(ended_at__isnull=True)


class Suspension(models.Model):
    """Trade suspended by a policy rule or a person: orders stop from `started_at` until it is lifted (never before
    `ends_on`, and, when `ends_via_source`, only by its source's own step, e.g. a minerals case's revised plan).

    Yilian policy 一/二/五/六 suspend at once until procurement confirms the termination or lifts it; 三 after a
    plan with no effect; 四 for at least three months with a revised plan. ESG manual: a high-risk supplier
    without accepted improvement plans within three months."""

    class Outcome(models.TextChoices):
        LIFTED = "lifted", _("Lifted: trade resumes")
        TERMINATED = "terminated", _("Ended by a confirmed termination")

    # No index of its own: the Meta index (supplier, ended_at) leads with it.
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="suspensions", db_index=False)
    source = models.CharField(_("source"), max_length=20, choices=TerminationCase.Source.choices)
    # What suspended it, e.g. "minerals_case:4", "audit:12": one suspension in force per source and ref.
    source_ref = models.CharField(_("source reference"), max_length=60, blank=True)
    reason = models.TextField(_("reason"))
    started_at = models.DateTimeField(_("suspended"), default=timezone.now)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ends_on = models.DateField(_("suspended at least until"), null=True, blank=True)  # None: until a decision
    condition = models.TextField(_("condition for trade to resume"), blank=True)
    ends_via_source = models.BooleanField(default=False)
    status_before = models.CharField(max_length=20, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    end_reason = models.TextField(_("reason for ending"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)

    objects = SuspensionQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["supplier", "ended_at"])]

    def __str__(self):
        return f"{self.supplier} · {self.get_source_display()} · {self.started_at:%Y-%m-%d}"
