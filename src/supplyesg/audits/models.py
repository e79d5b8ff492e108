"""The audit programme, audits with their checklist and findings, corrective actions with their clocks, and
training assigned after unqualified results."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supplyesg.assessments.models import RiskCategory, RiskLevel
from supplyesg.suppliers.models.compliance import private_upload_to


class Severity(models.TextChoices):
    PRIORITY = "priority", _("Priority")
    MAJOR = "major", _("Major")
    MINOR = "minor", _("Minor")
    OBSERVATION = "observation", _("Observation")


NONCONFORMITY_SEVERITIES = (Severity.PRIORITY, Severity.MAJOR, Severity.MINOR)  # need a corrective action


class AuditQuerySet(models.QuerySet):
    def for_year(self, year: int):
        return self.filter(year=year)

    def open(self):
        return self.exclude(status__in=[Audit.Status.CLOSED, Audit.Status.CANCELLED])

    def reported(self):
        """Report issued: findings are final and the clocks run."""
        return self.filter(status__in=[Audit.Status.REPORTED, Audit.Status.CLOSED])

    def onsite(self):
        return self.filter(kind__in=[Audit.Kind.ONSITE, Audit.Kind.THIRD_PARTY])

    def _overdue_condition(self, on):
        return models.Q(status__in=Audit.EDITABLE_STATUSES, planned_end__lt=on)

    def overdue(self, on):
        """Planned end passed and no report yet."""
        return self.filter(self._overdue_condition(on))

    def with_overdue(self, on):
        """Each audit with `is_overdue`, for lists that mark late audits."""
        return self.annotate(is_overdue=models.ExpressionWrapper(self._overdue_condition(on), output_field=models.BooleanField()))

    def improvement_plan_overdue(self, on):
        """Reported audits whose improvement-plan deadline has passed while a corrective-action plan is still
        not approved (ESG manual: 6 months for medium risk, 3 months for high)."""
        late = CorrectiveAction.objects.filter(audit_id=models.OuterRef("pk")).exclude(
            status__in=CorrectiveAction.PLAN_ACCEPTED_STATUSES
        )
        return self.reported().filter(improvement_plan_due__lt=on).filter(models.Exists(late))


class Audit(models.Model):
    class Kind(models.TextChoices):
        DESK = "desk", _("Desk review")
        ONSITE = "onsite", _("On-site audit")
        THIRD_PARTY = "third_party", _("Third-party audit")

    class Scheme(models.TextChoices):
        INTERNAL = "internal", _("Our code of conduct")
        RBA_VAP = "rba_vap", _("RBA VAP")
        SMETA = "smeta", _("SMETA")
        SA8000 = "sa8000", _("SA8000")
        BSCI = "amfori_bsci", _("amfori BSCI")
        OTHER = "other", _("Other")

    class Reason(models.TextChoices):
        ANNUAL_TIER1 = "annual_tier1", _("Annual ESG audit (tier 1)")
        ANNUAL_KEY = "annual_key", _("Annual ESG audit (key sub-supplier)")
        HIGH_RISK = "high_risk", _("High risk without an on-site audit in the cycle")
        FOLLOW_UP = "follow_up", _("Follow-up of corrective actions")
        MANUAL = "manual", _("Added by a planner")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        REPORTED = "reported", _("Report issued")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    EDITABLE_STATUSES = (Status.PLANNED, Status.IN_PROGRESS)  # before the report: planners may still change it

    # supplier and year: no index of their own; the Meta indexes (supplier, status) and (year, planned_start) lead with them.
    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.CASCADE, related_name="audits", db_index=False)
    site = models.ForeignKey("suppliers.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="audits")
    year = models.PositiveSmallIntegerField(_("programme year"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    scheme = models.CharField(_("standard"), max_length=20, choices=Scheme.choices, default=Scheme.INTERNAL)
    reason = models.CharField(_("why planned"), max_length=20, choices=Reason.choices, default=Reason.MANUAL)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED, db_index=True)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    # Internal staff lead; an external firm may conduct it (third-party audits always name one).
    lead_auditor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    audit_firm = models.CharField(_("audit firm"), max_length=200, blank=True)
    scope = models.JSONField(_("scope (risk categories)"), default=list, blank=True)
    follow_up_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups")
    worklist_item = models.ForeignKey(
        "assessments.WorklistItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="audits"
    )
    started_on = models.DateField(_("started"), null=True, blank=True)
    report_date = models.DateField(_("report date"), null=True, blank=True)  # the clocks start here
    report_file = models.FileField(_("report"), upload_to=private_upload_to, blank=True, max_length=255)
    report_name = models.CharField(max_length=255, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    score = models.DecimalField(_("conformity (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    result_level = models.CharField(_("result"), max_length=10, choices=RiskLevel.choices, blank=True)
    improvement_plan_due = models.DateField(_("improvement plan due"), null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)  # improvement plan overdue, escalated once
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "planned_start", "pk"]
        indexes = [models.Index(fields=["supplier", "status"]), models.Index(fields=["year", "planned_start"])]
        constraints = [
            models.CheckConstraint(
                name="audit_dates_in_order",
                condition=Q(planned_start__isnull=True)
                | Q(planned_end__isnull=True)
                | Q(planned_end__gte=models.F("planned_start")),
            ),
            # A report cannot be dated before the audit started, whatever path writes it (admin, import, API).
            models.CheckConstraint(
                name="audit_report_not_before_start",
                condition=Q(report_date__isnull=True) | Q(started_on__isnull=True) | Q(report_date__gte=models.F("started_on")),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.supplier} · {self.year}"

    def is_overdue(self, on) -> bool:
        return self.status in self.EDITABLE_STATUSES and self.planned_end is not None and self.planned_end < on


class ChecklistItem(models.Model):
    class Verdict(models.TextChoices):
        PENDING = "pending", _("Not yet checked")
        CONFORMING = "conforming", _("Conforming")
        NONCONFORMING = "nonconforming", _("Non-conforming")
        NOT_APPLICABLE = "na", _("Not applicable")

    # No index of its own: the unique (audit, requirement) leads with it.
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="checklist", db_index=False)
    requirement = models.ForeignKey("assessments.Requirement", on_delete=models.PROTECT, related_name="+")
    risk_category = models.CharField(_("area"), max_length=20, choices=RiskCategory.choices)
    order = models.PositiveIntegerField(default=0)
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices, default=Verdict.PENDING)
    notes = models.TextField(_("notes"), blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["audit", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["audit", "requirement"], name="unique_checklist_requirement")]

    def __str__(self):
        return f"audit #{self.audit_id} · item {self.order} · {self.verdict}"


class FindingQuerySet(models.QuerySet):
    def nonconformities(self):
        return self.filter(severity__in=NONCONFORMITY_SEVERITIES)


class Finding(models.Model):
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="findings")
    checklist_item = models.ForeignKey(ChecklistItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="findings")
    requirement = models.ForeignKey("assessments.Requirement", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices)
    area = models.CharField(_("area"), max_length=20, choices=RiskCategory.choices)
    description = models.TextField(_("description"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["audit", "pk"]

    def __str__(self):
        return f"{self.get_severity_display()}: {self.description[:80]}"


class AuditFile(models.Model):
    """Evidence attached to an audit, a checklist item, a finding or a corrective action."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="files")
    checklist_item = models.ForeignKey(ChecklistItem, null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    finding = models.ForeignKey(Finding, null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    corrective_action = models.ForeignKey(
        "CorrectiveAction", null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("file"), upload_to=private_upload_to, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class CorrectiveActionQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=CorrectiveAction.Status.CLOSED)

    def plan_overdue(self, on):
        """No accepted plan and the plan date has passed."""
        return self.filter(plan_due__lt=on).exclude(status__in=CorrectiveAction.PLAN_ACCEPTED_STATUSES)

    def remediation_overdue(self, on):
        return self.open().filter(remediation_due__lt=on)

    def overdue(self, on):
        return self.plan_overdue(on) | self.remediation_overdue(on)

    def for_supplier(self, supplier_id):
        return self.filter(audit__supplier_id=supplier_id)


class CorrectiveAction(models.Model):
    """The supplier's plan for one non-conformity, its review, its completion evidence and its closure."""

    class Status(models.TextChoices):
        AWAITING_PLAN = "awaiting_plan", _("Awaiting the supplier's plan")
        SUBMITTED = "submitted", _("Plan submitted, awaiting review")
        REJECTED = "rejected", _("Plan rejected, to resubmit")
        APPROVED = "approved", _("Plan approved, in progress")
        COMPLETED = "completed", _("Done, evidence submitted")
        CLOSED = "closed", _("Closed")

    PLAN_ACCEPTED_STATUSES = (Status.APPROVED, Status.COMPLETED, Status.CLOSED)

    class Closure(models.TextChoices):
        EVIDENCE = "evidence", _("Evidence reviewed")
        FOLLOW_UP = "follow_up", _("Verified in a follow-up audit")

    finding = models.OneToOneField(Finding, on_delete=models.CASCADE, related_name="corrective_action")
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="corrective_actions")  # = finding.audit
    # No index of its own: the Meta indexes (status, plan_due) and (status, remediation_due) lead with it.
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.AWAITING_PLAN)
    root_cause = models.TextField(_("root cause"), blank=True)
    corrective_action = models.TextField(_("corrective action"), blank=True)
    preventive_action = models.TextField(_("preventive action"), blank=True)
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    completion_date = models.DateField(_("planned completion"), null=True, blank=True)
    plan_due = models.DateField(_("plan due"))
    # ESG manual: after a medium or high result plan_due is the manual's 6 / 3 months; this shorter internal target
    # is for our follow-up only and never counts against the supplier.
    plan_target = models.DateField(_("internal plan target"), null=True, blank=True)
    # A suggested default (30 / 90 / 180 days) until the auditor approves the plan, then the agreed completion date.
    remediation_due = models.DateField(_("remediation due"))
    revision = models.PositiveSmallIntegerField(default=0)  # plan submissions so far
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    completion_note = models.TextField(_("what was done"), blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    closure = models.CharField(_("closed by"), max_length=20, choices=Closure.choices, blank=True)
    follow_up_audit = models.ForeignKey(Audit, null=True, blank=True, on_delete=models.SET_NULL, related_name="verified_actions")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    last_reminded_on = models.DateField(null=True, blank=True)
    # Overdue and escalated to procurement, once per clock.
    plan_escalated_on = models.DateField(null=True, blank=True)
    remediation_escalated_on = models.DateField(null=True, blank=True)

    objects = CorrectiveActionQuerySet.as_manager()

    class Meta:
        ordering = ["plan_due", "pk"]
        indexes = [models.Index(fields=["status", "plan_due"]), models.Index(fields=["status", "remediation_due"])]

    def __str__(self):
        return f"CAP #{self.pk} · {self.finding}"
