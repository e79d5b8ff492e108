"""Admission: qualification checklist, dual certification, agreements; and exit."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from supplyesg.core.model_names import loaded_or_id
from supplyesg.suppliers.models.compliance import private_upload_to
from supplyesg.suppliers.models.registry import Category, Supplier


class Verdict(models.TextChoices):
    PENDING = "pending", _("Pending")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NOT_APPLICABLE = "na", _("Not applicable")


class QualificationItem(models.Model):
    class Kind(models.TextChoices):
        BUSINESS_LICENCE = "business_licence", _("Business licence")
        ENVIRONMENTAL_HISTORY = "environmental_history", _("Historical environmental performance")
        LABOUR = "labour", _("Labour and employment compliance")
        ANTI_CORRUPTION = "anti_corruption", _("Anti-corruption")
        LEGAL_DISPUTES = "legal_disputes", _("Legal disputes")
        OPERATIONAL_RISK = "operational_risk", _("Operational risks")
        ISO9001 = "iso9001", _("ISO 9001 quality management")
        ISO14001 = "iso14001", _("ISO 14001 environmental management")
        ISO45001 = "iso45001", _("ISO 45001 occupational health and safety")

    # ISO certificates may be "not applicable" for small suppliers; the rest must pass.
    OPTIONAL_KINDS = frozenset({Kind.ISO9001, Kind.ISO14001, Kind.ISO45001})

    # No index of its own: the unique (supplier, kind) leads with it.
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="qualification_items", db_index=False)
    kind = models.CharField(_("item"), max_length=30, choices=Kind.choices)
    evidence = models.FileField(_("evidence"), upload_to=private_upload_to, blank=True, max_length=255)
    evidence_note = models.TextField(_("evidence note"), blank=True)
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices, default=Verdict.PENDING)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("reviewer comment"), blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["supplier", "kind"], name="unique_qualification_item")]

    def __str__(self):
        return self.get_kind_display()


class QualificationEvidenceFile(models.Model):
    """One of several evidence files for a checklist item (an upload may carry many; `evidence` holds one)."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(QualificationItem, on_delete=models.CASCADE, related_name="evidence_files")
    file = models.FileField(_("file"), upload_to=private_upload_to, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name or self.file.name


class Certification(models.Model):
    class Kind(models.TextChoices):
        SYSTEM = "system", _("System certification (quality, environment, occupational health and safety)")
        MATERIAL = "material", _("Material certification")

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="certifications")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("category"),
        help_text=_("Material certifications are per category."),
    )
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices)
    certified_on = models.DateField(_("date"), default=timezone.localdate)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("note"), blank=True)
    evidence = models.FileField(_("evidence"), upload_to=private_upload_to, blank=True, max_length=255)

    class Meta:
        ordering = ["-certified_on", "-id"]

    def __str__(self):
        label = f"{self.kind} · {self.verdict} · {self.certified_on}"
        return f"{label} · category #{self.category_id}" if self.category_id else label


class AgreementType(models.Model):
    """A kind of agreement with its current text; signing keeps the exact version as evidence."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=150)
    name_zh = models.CharField(_("Chinese name"), max_length=150, blank=True)
    version = models.CharField(_("version"), max_length=20, default="1.0")
    body = models.TextField(_("text"))
    body_zh = models.TextField(_("Chinese text"), blank=True)
    required_for_all = models.BooleanField(_("required of every supplier"), default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        # Shown in the user's language wherever the object is printed.
        return self.display_name(get_language())

    def display_name(self, language: str | None = None) -> str:
        if language and language.startswith("zh") and self.name_zh:
            return self.name_zh
        return self.name

    @property
    def text_hash(self) -> str:
        return hashlib.sha256((self.version + "\n" + self.body + "\n" + self.body_zh).encode()).hexdigest()


class SignedAgreementQuerySet(models.QuerySet):
    def in_force(self):
        return self.filter(revoked_at__isnull=True)


class SignedAgreement(models.Model):
    class Method(models.TextChoices):
        PORTAL = "portal", _("Signed in the portal")
        SCAN = "scan", _("Signed scan uploaded")

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="agreements")
    agreement_type = models.ForeignKey(AgreementType, on_delete=models.PROTECT, related_name="signatures")
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    version = models.CharField(_("version"), max_length=20)
    text_snapshot = models.TextField(_("text as signed"), blank=True)
    text_hash = models.CharField(max_length=64)
    signer_name = models.CharField(_("signer name"), max_length=150)
    signer_title = models.CharField(_("signer title"), max_length=150)
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)
    signed_by_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    scan = models.FileField(_("signed scan"), upload_to=private_upload_to, blank=True, max_length=255)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = SignedAgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_at"]

    def __str__(self):
        # The agreement's name when its type is already loaded (signing holds it), else the type's id: no query.
        return f"{loaded_or_id(self, 'agreement_type')} v{self.version} · {self.signer_name}"


class ExitRecord(models.Model):
    class OpenItems(models.TextChoices):
        CLOSE = "close", _("Close open items")
        TRANSFER = "transfer", _("Transfer open items to another supplier")
        KEEP = "keep", _("Keep open items for follow-up")

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="exits")
    reason = models.TextField(_("reason"))
    exit_date = models.DateField(_("exit date"))
    open_items = models.CharField(_("open items"), max_length=10, choices=OpenItems.choices)
    open_items_note = models.TextField(_("what happens to open items"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self):
        return f"{self.exit_date} · {self.open_items}"
