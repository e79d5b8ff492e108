"""Documents with expiry, per-category document rules, and the blacklist."""

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supplyesg.suppliers.models.registry import CountryField, Supplier


def private_upload_to(instance, filename: str) -> str:
    """Files live under an unguessable path; they are only served through access-checked views."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    supplier_id = getattr(instance, "supplier_id", None)
    if supplier_id is None and getattr(instance, "audit_id", None):  # audit evidence files under the audited supplier
        supplier_id = instance.audit.supplier_id
    return f"suppliers/{supplier_id}/{uuid.uuid4().hex}.{suffix[:10]}"


class DocumentType(models.TextChoices):
    LICENCE = "licence", _("Business licence")
    CERTIFICATE = "certificate", _("Certificate")
    ROHS = "rohs", _("RoHS report")
    REACH = "reach", _("REACH report")
    AUDIT_REPORT = "audit_report", _("Audit report")
    ORIGIN = "origin_declaration", _("Source-mineral / country-of-origin declaration")
    OTHER = "other", _("Other")


class DocumentQuerySet(models.QuerySet):
    def current(self, on: date | None = None):
        on = on or timezone.localdate()
        return self.filter(Q(expiry_date__isnull=True) | Q(expiry_date__gte=on))

    def expired(self, on: date | None = None):
        on = on or timezone.localdate()
        return self.filter(expiry_date__lt=on)

    def expiring(self, within_days: int, on: date | None = None):
        on = on or timezone.localdate()
        return self.filter(expiry_date__gte=on, expiry_date__lte=on + timedelta(days=within_days))


class Document(models.Model):
    # No index of its own: the Meta index (supplier, doc_type, expiry_date) leads with it.
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="documents", db_index=False)
    doc_type = models.CharField(_("type"), max_length=20, choices=DocumentType.choices)
    title = models.CharField(_("title"), max_length=200)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True, db_index=True)
    file = models.FileField(_("file"), upload_to=private_upload_to, max_length=255)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    reminder_sent_on = models.DateField(null=True, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at"]
        # "Is there a later document of the same type?" (queries.open_documents, behind the expiring and expired
        # lists): without it PostgreSQL combined the supplier and expiry indexes, 158 ms for the registry
        # dashboard's ten expiring documents at 100,000 suppliers; with it, 0.9 ms.
        indexes = [models.Index(fields=["supplier", "doc_type", "expiry_date"], name="document_supplier_type_expiry")]
        constraints = [
            models.CheckConstraint(
                name="document_expiry_after_issue",
                condition=Q(issue_date__isnull=True) | Q(expiry_date__isnull=True) | Q(expiry_date__gte=models.F("issue_date")),
            )
        ]

    def __str__(self):
        return self.title

    def is_expired(self, on: date | None = None) -> bool:
        return bool(self.expiry_date and self.expiry_date < (on or timezone.localdate()))


class DocumentRule(models.Model):
    """A document a category's suppliers must hold; `yearly` means one issued within the last year."""

    # No index of its own: the unique (category, doc_type) leads with it.
    category = models.ForeignKey("suppliers.Category", on_delete=models.CASCADE, related_name="document_rules", db_index=False)
    doc_type = models.CharField(_("document type"), max_length=20, choices=DocumentType.choices)
    yearly = models.BooleanField(_("renew every year"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["category", "doc_type"], name="unique_document_rule")]

    def __str__(self):
        return f"{self.category}: {self.get_doc_type_display()}"


class DocumentWaiverQuerySet(models.QuerySet):
    def in_force(self, on: date | None = None):
        return self.filter(expires_on__gte=on or timezone.localdate())


class DocumentWaiver(models.Model):
    """AIKO admission: a mandatory document the supplier need not hold for now, with the reason and an expiry.
    Approval accepts a missing mandatory document only while a waiver for it is in force."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="document_waivers")
    doc_type = models.CharField(_("document type"), max_length=20, choices=DocumentType.choices)
    reason = models.TextField(_("reason"))
    expires_on = models.DateField(_("waived until"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)

    objects = DocumentWaiverQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at"]

    def __str__(self):
        return f"{self.get_doc_type_display()} · {self.expires_on}"


class BlacklistEntryQuerySet(models.QuerySet):
    def in_force(self, on: date | None = None):
        on = on or timezone.localdate()
        return self.filter(lifted_at__isnull=True).filter(Q(until__isnull=True) | Q(until__gte=on))


class BlacklistEntry(models.Model):
    class Reason(models.TextChoices):
        FALSE_MATERIALS = "false_materials", _("False materials")
        COUNTERFEIT = "counterfeit", _("Counterfeit products")
        SAFETY = "safety_accident", _("Safety accident")
        QUALITY = "quality_issue", _("Quality issue")
        ENVIRONMENT = "environmental_incident", _("Environmental incident")
        BRIBERY = "commercial_bribery", _("Commercial bribery")
        OTHER = "other", _("Other")

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="blacklist_entries")
    # Copied at decision time so a new record with the same identity is caught even if the old one is edited.
    legal_name = models.CharField(_("legal name"), max_length=255)
    registration_id = models.CharField(_("registration id"), max_length=64, blank=True, db_index=True)
    country = CountryField(_("country"))
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices)
    details = models.TextField(_("details"))
    permanent = models.BooleanField(_("permanent"), default=False)
    until = models.DateField(_("until"), null=True, blank=True)
    evidence = models.FileField(_("evidence"), upload_to=private_upload_to, blank=True, max_length=255)
    status_before = models.CharField(max_length=20, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    lift_reason = models.TextField(blank=True)

    objects = BlacklistEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at"]
        verbose_name_plural = _("blacklist entries")
        constraints = [
            models.CheckConstraint(
                name="blacklist_permanent_or_until",
                condition=Q(permanent=True, until__isnull=True) | Q(permanent=False, until__isnull=False),
            )
        ]

    def __str__(self):
        return f"{self.legal_name} ({self.get_reason_display()})"
