"""Minerals risk cases: one per supplier and OECD Annex II risk type, with the mitigation the policy prescribes
and every step recorded."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RiskCaseQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=[RiskCase.Status.CLOSED, RiskCase.Status.TERMINATED])

    def review_due(self, on):
        """Risk-management plans whose six-month review has come."""
        return self.filter(status=RiskCase.Status.PLAN, review_due__lte=on)

    def suspension_over(self, on):
        """Suspended cases whose minimum suspension has passed (trade may resume once the plan is revised)."""
        return self.filter(status=RiskCase.Status.SUSPENDED, suspended_until__lte=on)

    def needing_attention(self, on):
        """What compliance must act on: mitigation to decide, a review due, a suspension that may end."""
        return self.review_due(on) | self.suspension_over(on) | self.filter(status=RiskCase.Status.OPEN)


class RiskCase(models.Model):
    class RiskType(models.TextChoices):
        SERIOUS_ABUSES = "serious_abuses", _("Serious abuses (torture, forced labour, worst forms of child labour, war crimes)")
        ARMED_GROUPS = "armed_groups", _("Direct or indirect support to non-state armed groups")
        SECURITY_FORCES = "security_forces", _("Public or private security forces")
        BRIBERY_FRAUD = (
            "bribery_fraud",
            _("Bribery, fraudulent misrepresentation of origin, money laundering, taxes and royalties"),
        )
        LIFE_THREATENING_OHS = "life_threatening_ohs", _("Life-threatening working conditions")
        ENVIRONMENTAL_HARM = "environmental_harm", _("Grave environmental harm")

    class Mitigation(models.TextChoices):
        DISENGAGE = "disengage", _("Immediate suspension or termination")
        RISK_PLAN = "risk_plan", _("Risk-management plan with a six-month review")

    class Status(models.TextChoices):
        OPEN = "open", _("Identified, mitigation to decide")
        PLAN = "plan", _("Risk-management plan in place")
        SUSPENDED = "suspended", _("Trade suspended")
        TERMINATED = "terminated", _("Cooperation terminated")
        CLOSED = "closed", _("Closed, risk mitigated")

    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.CASCADE, related_name="minerals_risk_cases")
    risk_type = models.CharField(_("risk type"), max_length=30, choices=RiskType.choices)
    mitigation = models.CharField(_("prescribed mitigation"), max_length=20, choices=Mitigation.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    smelter = models.ForeignKey("minerals.Smelter", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(_("how it was identified"), max_length=200, blank=True)
    description = models.TextField(_("description"))
    plan = models.TextField(_("risk-management plan"), blank=True)
    targets = models.TextField(_("performance targets before trade resumes"), blank=True)
    plan_revision = models.PositiveSmallIntegerField(default=0)
    plan_started_on = models.DateField(_("plan started"), null=True, blank=True)
    review_due = models.DateField(_("review due"), null=True, blank=True)
    suspended_on = models.DateField(_("suspended on"), null=True, blank=True)
    suspended_until = models.DateField(_("suspended at least until"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)

    objects = RiskCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "risk_type"],
                condition=~models.Q(status__in=["closed", "terminated"]),
                name="one_open_minerals_case_per_supplier_and_type",
            )
        ]

    def __str__(self):
        return f"{self.supplier} · {self.get_risk_type_display()}"


class RiskCaseStep(models.Model):
    class Kind(models.TextChoices):
        OPENED = "opened", _("Case opened")
        PLAN_ADOPTED = "plan_adopted", _("Risk-management plan adopted")
        REVIEW_EFFECTIVE = "review_effective", _("Review: the plan is working")
        REVIEW_NO_EFFECT = "review_no_effect", _("Review: no effect")
        SUSPENDED = "suspended", _("Trade suspended")
        PLAN_REVISED = "plan_revised", _("Plan revised with targets")
        RESUMED = "resumed", _("Trade resumed")
        TERMINATION = "termination", _("Termination recommended")
        TERMINATION_CONFIRMED = "termination_confirmed", _("Termination confirmed by procurement")
        SUSPENSION_LIFTED = "suspension_lifted", _("Suspension lifted by procurement")
        CLOSED = "closed", _("Case closed")

    case = models.ForeignKey(RiskCase, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=24, choices=Kind.choices)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"case #{self.case_id} · {self.kind.replace('_', ' ')}"


class CaseProposalDismissal(models.Model):
    """Staff decided a CMRT red flag (a supplier's smelter in a covered country or CAHRA without RMAP conformance)
    needs no risk case; the proposal leaves the worklist for that supplier and smelter."""

    # No index of its own: the unique (supplier, cid) leads with it.
    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.CASCADE, related_name="+", db_index=False)
    cid = models.CharField(_("smelter ID"), max_length=12)
    reason = models.TextField(_("reason"))
    dismissed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    dismissed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["supplier", "cid"], name="one_dismissal_per_supplier_and_smelter")]

    def __str__(self):
        return f"{self.supplier} · {self.cid}"
