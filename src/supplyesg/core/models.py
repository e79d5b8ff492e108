"""Shared models: users and roles, the append-only audit trail, policy settings, tokens, jobs."""

import hashlib
import secrets
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    COMPLIANCE = "compliance", _("Compliance manager")
    PROCUREMENT = "procurement", _("Procurement")
    AUDITOR = "auditor", _("Auditor")
    VIEWER = "viewer", _("Viewer (read-only)")
    SUPPLIER = "supplier", _("Supplier user")


INTERNAL_ROLES = frozenset({Role.ADMIN, Role.COMPLIANCE, Role.PROCUREMENT, Role.AUDITOR, Role.VIEWER})


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    supplier = models.ForeignKey(
        "suppliers.Supplier",
        verbose_name=_("supplier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="portal_users",
        help_text=_("Supplier users are bound to exactly one supplier."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Empty: follow the browser."),
    )

    objects = UserManager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="supplier_user_has_supplier",
                condition=(
                    models.Q(role="supplier", supplier__isnull=False)
                    | (~models.Q(role="supplier") & models.Q(supplier__isnull=True))
                ),
            )
        ]

    @property
    def is_internal(self) -> bool:
        return self.is_active and self.role in INTERNAL_ROLES

    @property
    def is_supplier_user(self) -> bool:
        return self.is_active and self.role == Role.SUPPLIER


class AuditEventQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(target_type=obj._meta.label_lower, target_id=str(obj.pk))

    def for_supplier(self, supplier_id):
        return self.filter(supplier_id=supplier_id)


class AuditEvent(models.Model):
    """One recorded change: who did what to which object, with old and new values. Append-only."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=60)
    target_type = models.CharField(max_length=100)
    target_id = models.CharField(max_length=64)
    target_label = models.CharField(max_length=300, blank=True)
    supplier = models.ForeignKey(
        "suppliers.Supplier", null=True, blank=True, on_delete=models.CASCADE, related_name="audit_events"
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"]), models.Index(fields=["supplier", "-at"])]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only.")


class PolicySettings(models.Model):
    """The one row of policy numbers. Defaults come from the seed policies; admins edit them."""

    document_expiry_warning_days = models.PositiveIntegerField(
        _("warn this many days before a document expires"), default=30, validators=[MaxValueValidator(365)]
    )
    duplicate_name_threshold = models.DecimalField(
        _("name similarity (0-100) that flags a possible duplicate"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("90"),
        validators=[MinValueValidator(50), MaxValueValidator(100)],
    )
    profile_changes_need_approval = models.BooleanField(_("supplier profile changes need internal approval"), default=True)
    # Risk assessment (ASUS: yearly identification for every tier; ESG manual: low / medium / high).
    # Factor weights (they need not add up to 100: each factor's 0-100 input is weighted and averaged).
    risk_weight_country = models.PositiveSmallIntegerField(_("risk weight: country"), default=15)
    risk_weight_category = models.PositiveSmallIntegerField(_("risk weight: commodity / process"), default=15)
    risk_weight_questionnaire = models.PositiveSmallIntegerField(_("risk weight: self-assessment"), default=30)
    risk_weight_audit = models.PositiveSmallIntegerField(_("risk weight: audit result and open corrective actions"), default=20)
    risk_weight_grievances = models.PositiveSmallIntegerField(_("risk weight: open grievances"), default=5)
    risk_weight_minerals = models.PositiveSmallIntegerField(_("risk weight: minerals flags"), default=10)
    risk_weight_documents = models.PositiveSmallIntegerField(_("risk weight: missing or expired documents"), default=5)
    risk_medium_from = models.DecimalField(
        _("overall risk score from which the level is medium"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("35"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    risk_high_from = models.DecimalField(
        _("overall risk score from which the level is high"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("60"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    onsite_audit_cycle_years = models.PositiveSmallIntegerField(
        _("high-risk suppliers get an on-site audit at least every this many years"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    show_scores_to_suppliers = models.BooleanField(_("suppliers see their questionnaire score arithmetic"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("policy settings")
        verbose_name_plural = _("policy settings")

    @classmethod
    def current(cls) -> "PolicySettings":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A per-user token for integrations. Only its SHA-256 hash is stored."""

    PREFIX = "sesg_"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_prefix = models.CharField(max_length=16, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    @classmethod
    def new_raw_key(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @staticmethod
    def hash_key(raw: str) -> str:
        return _hash_token(raw)


class LoginFailure(models.Model):
    """A failed log-in, kept to throttle guessing by user name and by address."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)


class Job(models.Model):
    """Progress of a background task, polled by the UI."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=60)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0
