"""Shared models: users and roles, the append-only audit trail, policy settings, tokens, jobs."""

import hashlib
import secrets
from datetime import timedelta
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


class MailDigest(models.TextChoices):
    OFF = "off", _("One e-mail per event")
    DAILY = "daily", _("One digest e-mail a day")


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
    mail_digest = models.CharField(
        _("e-mail"),
        max_length=10,
        choices=MailDigest.choices,
        default=MailDigest.OFF,
        help_text=_("Daily: one e-mail a day lists what happened, instead of one e-mail per event."),
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

    @property
    def second_factor_required(self) -> bool:
        return self.is_internal and PolicySettings.current().second_factor_required_for_internal


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
    # No index of its own: (supplier, -at) in Meta.indexes starts with it (every history row wrote both).
    supplier = models.ForeignKey(
        "suppliers.Supplier", null=True, blank=True, on_delete=models.CASCADE, related_name="audit_events", db_index=False
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"]), models.Index(fields=["supplier", "-at"])]

    def __str__(self):
        return f"{self.action} · {self.target_type} {self.target_id}"

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
    smelter_prefill_score = models.DecimalField(
        _("smelter match score (0-100) from which the review queue pre-fills its best candidate"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("90"),
        validators=[MinValueValidator(50), MaxValueValidator(100)],
    )
    profile_changes_need_approval = models.BooleanField(_("supplier profile changes need internal approval"), default=True)
    training_positive_from = models.PositiveSmallIntegerField(
        _("a training feedback rating (1–5) counts as positive from"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("Product default. Satisfaction is the share of answers at or above this rating."),
    )
    portal_invitation_hours = models.PositiveSmallIntegerField(
        _("a portal invitation link stays valid this many hours"),
        default=72,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
        help_text=_("Product default. The link also stops working once the invitee has set a password."),
    )
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
    # Audits (ESG manual: annual ESG audits of tier-1 and key sub-suppliers; AIKO: annual on-site audits of key suppliers).
    annual_audit_tier1 = models.BooleanField(_("plan an annual ESG audit for every tier-1 supplier"), default=True)
    annual_audit_key = models.BooleanField(_("plan an annual ESG audit for every key sub-supplier"), default=True)
    # The audit result maps to a risk level: this many findings of a severity (0 = never) make it high / medium.
    audit_high_from_priority = models.PositiveSmallIntegerField(
        _("priority findings that make an audit result high risk"), default=1
    )
    audit_high_from_major = models.PositiveSmallIntegerField(_("major findings that make an audit result high risk"), default=3)
    audit_medium_from_major = models.PositiveSmallIntegerField(
        _("major findings that make an audit result medium risk"), default=1
    )
    audit_medium_from_minor = models.PositiveSmallIntegerField(
        _("minor findings that make an audit result medium risk"), default=5
    )
    # Corrective-action clocks (RBA practice; ESG manual: improvement plans within 6 months (medium) / 3 months (high)).
    cap_plan_days = models.PositiveSmallIntegerField(
        _("days after the report to submit a corrective-action plan"), default=14, validators=[MinValueValidator(1)]
    )
    cap_plan_days_priority = models.PositiveSmallIntegerField(
        _("days after the report to submit a plan for a priority finding"), default=7, validators=[MinValueValidator(1)]
    )
    remediation_days_priority = models.PositiveSmallIntegerField(
        _("days to remediate a priority finding"), default=30, validators=[MinValueValidator(1)]
    )
    remediation_days_major = models.PositiveSmallIntegerField(
        _("days to remediate a major finding"), default=90, validators=[MinValueValidator(1)]
    )
    remediation_days_minor = models.PositiveSmallIntegerField(
        _("days to remediate a minor finding"), default=180, validators=[MinValueValidator(1)]
    )
    improvement_plan_months_medium = models.PositiveSmallIntegerField(
        _("months to provide the improvement plan after a medium-risk audit"), default=6, validators=[MinValueValidator(1)]
    )
    improvement_plan_months_high = models.PositiveSmallIntegerField(
        _("months to provide the improvement plan after a high-risk audit"), default=3, validators=[MinValueValidator(1)]
    )
    reminder_days_before_due = models.PositiveSmallIntegerField(
        _("remind suppliers this many days before a corrective-action date"), default=7, validators=[MaxValueValidator(60)]
    )
    # Quarterly ratings (ESG manual: ESG score 1 / 0 / -1 weighted into the business score at not less than 1 %).
    esg_weight_percent = models.DecimalField(
        _("weight of the ESG score in the quarterly total (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("100"))],
    )
    esg_audit_lookback_months = models.PositiveSmallIntegerField(
        _("months an ESG audit result counts for the quarterly ESG score"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("ESG manual, 3: ESG audits are annual, so a result counts for 12 months."),
    )
    esg_score_from_risk_level = models.BooleanField(
        _("without a recent ESG audit result, score the annual risk level instead"),
        default=False,
        help_text=_(
            "Product default: off. The ESG manual scores the ESG audit result; without one the total is the business "
            "score alone."
        ),
    )
    esg_low_risk_late_actions_lower_score = models.BooleanField(
        _("late corrective actions lower a low-risk supplier's ESG score to 0"),
        default=False,
        help_text=_(
            "ESG manual, audit scoring, low risk: non-conformities close in the time frame both parties agreed; "
            "off by default."
        ),
    )
    business_weight_quality = models.PositiveSmallIntegerField(_("business weight: quality"), default=40)
    business_weight_delivery = models.PositiveSmallIntegerField(_("business weight: delivery"), default=30)
    business_weight_cost = models.PositiveSmallIntegerField(_("business weight: cost"), default=20)
    business_weight_service = models.PositiveSmallIntegerField(_("business weight: service"), default=10)
    grade_a_from = models.DecimalField(
        _("total from which the grade is A"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("90"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    grade_b_from = models.DecimalField(
        _("total from which the grade is B"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("75"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    grade_c_from = models.DecimalField(
        _("total from which the grade is C (below: D)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("60"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    # Minerals risk cases (OECD Annex II; Yilian: a plan with no effect in six months means a suspension of at
    # least three months with a revised plan and targets before trade resumes).
    minerals_plan_review_months = models.PositiveSmallIntegerField(
        _("months after which a minerals risk-management plan is reviewed"), default=6, validators=[MinValueValidator(1)]
    )
    minerals_min_suspension_months = models.PositiveSmallIntegerField(
        _("minimum months of suspension when a minerals plan showed no effect"), default=3, validators=[MinValueValidator(1)]
    )
    # Product default: off. When on, internal users must enrol an authenticator app or a passkey before anything else.
    second_factor_required_for_internal = models.BooleanField(
        _("internal users must log in with a second factor (authenticator app or passkey)"), default=False
    )
    # The minerals factor of the risk assessment while a minerals risk case is open (0-100). Product defaults: the
    # Yilian policy says a case needs an additional risk assessment but gives no number.
    risk_minerals_grave_case = models.PositiveSmallIntegerField(
        _("minerals factor risk while a case that suspends trade at once is open (Yilian 一/二/五/六)"),
        default=100,
        help_text=_("Product default: the Yilian policy asks for an additional risk assessment but gives no number."),
        validators=[MaxValueValidator(100)],
    )
    risk_minerals_plan_case = models.PositiveSmallIntegerField(
        _("minerals factor risk while a risk-management-plan case is open (Yilian 三/四)"),
        default=70,
        help_text=_("Product default: the Yilian policy asks for an additional risk assessment but gives no number."),
        validators=[MaxValueValidator(100)],
    )
    audit_capacity_per_week = models.PositiveSmallIntegerField(
        _("audits the auditors can start in one week"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text=_("Product default. The generated programme spreads audits over the year within this capacity."),
    )
    # Name matching (product defaults, 0-100 on the shared matcher's scale).
    declaration_name_min_score = models.DecimalField(
        _("a declaration's company name must match its supplier's names at least this well (0-100)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("80"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    # Sanctions screening (Yilian minerals policy: comply with the relevant UN sanctions resolutions).
    sanctions_min_score = models.DecimalField(
        _("name similarity (0-100) from which a sanctions-list entry is a possible hit"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("85"),
        validators=[MinValueValidator(50), MaxValueValidator(100)],
    )
    # Grievance channel (EU Directive 2019/1937 art. 9(1)(b) and (f); LkSG §8, §10).
    grievance_acknowledge_days = models.PositiveSmallIntegerField(
        _("acknowledge a grievance report within this many days"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
    )
    grievance_feedback_months = models.PositiveSmallIntegerField(
        _("give the reporter feedback within this many months of the acknowledgement"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
    )
    grievance_retention_years = models.PositiveSmallIntegerField(
        _("keep substantiated grievance cases this many years after closing"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    grievance_retention_years_unfounded = models.PositiveSmallIntegerField(
        _("keep other closed grievance cases this many years"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("Product default: not substantiated, withdrawn, out of scope, duplicates."),
    )
    grievance_review_min_cell = models.PositiveSmallIntegerField(
        _("the effectiveness review hides counts below this number"),
        default=5,
        validators=[MinValueValidator(2), MaxValueValidator(50)],
        help_text=_("Product default: small counts crossed with a country or topic can point at a person."),
    )
    # Reporting (product default: no seed policy gives one).
    report_public_min_cell = models.PositiveSmallIntegerField(
        _("public reports hide counts below this number"),
        default=5,
        validators=[MinValueValidator(2), MaxValueValidator(50)],
        help_text=_("Product default: in public outputs a count below it, crossed with a country or category, is shown as '<n'."),
    )
    # Raw-material traceability (product default: no seed policy gives a yield tolerance).
    trace_tolerance_percent = models.DecimalField(
        _("a transformation's outputs may differ from inputs × conversion factor by this much (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("2"),
        validators=[MinValueValidator(0), MaxValueValidator(50)],
        help_text=_("Product default. A material definition may set its own tolerance."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("policy settings")
        verbose_name_plural = _("policy settings")

    def __str__(self):
        return "Policy settings"

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.risk_high_from is not None and self.risk_medium_from is not None and self.risk_high_from <= self.risk_medium_from:
            errors["risk_high_from"] = _("The high-risk threshold must be above the medium-risk threshold.")
        if None not in (self.grade_a_from, self.grade_b_from, self.grade_c_from) and not (
            self.grade_a_from > self.grade_b_from > self.grade_c_from
        ):
            errors["grade_b_from"] = _("Grade bands must descend: A above B above C.")
        weights = [
            self.business_weight_quality,
            self.business_weight_delivery,
            self.business_weight_cost,
            self.business_weight_service,
        ]
        if None not in weights and sum(weights) == 0:
            errors["business_weight_quality"] = _("At least one business weight must be above zero.")
        if errors:
            raise ValidationError(errors)

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

    def __str__(self):
        return self.name

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

    def __str__(self):
        return self.username  # never the password tried


class PasswordResetRequest(models.Model):
    """A password-reset request, kept to limit reset e-mails per address and per client address."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    email = models.CharField(max_length=254, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    def __str__(self):
        return self.email


class JobQuerySet(models.QuerySet):
    def unfinished(self):
        return self.filter(status__in=("queued", "running"))

    def stale(self, *, now, minutes: int):
        """Unfinished jobs without progress for ``minutes``: their worker died."""
        return self.unfinished().filter(heartbeat_at__lt=now - timedelta(minutes=minutes))


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
    # Moved on every progress write; a queued or running job whose heartbeat is older than
    # settings.JOB_STALE_MINUTES lost its worker (killed, restarted) and is marked failed.
    heartbeat_at = models.DateTimeField(_("last progress"), default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        kind = self.kind.replace("_", " ")  # the history pages show no codes
        return f"{kind} #{self.pk}" if self.pk else kind

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0


class Counter(models.Model):
    """A named number handed out one at a time (supplier codes): the row is locked while the next value is
    taken, so two transactions never get the same number, on SQLite and on PostgreSQL."""

    name = models.CharField(max_length=50, unique=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.name}={self.value}"


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An event on one of the user's objects, shown in the bell until read. Made from the audit trail."""

    # No index of its own: the Meta index (recipient, read_at) and the unique (recipient, event) lead with it.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    event = models.ForeignKey(AuditEvent, on_delete=models.CASCADE, related_name="notifications")
    url = models.CharField(max_length=300, blank=True)  # where this recipient opens the object (portal or internal)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [models.UniqueConstraint(fields=["recipient", "event"], name="unique_notification_per_event")]

    def __str__(self):
        return f"event #{self.event_id} → user #{self.recipient_id}"


class QueuedMailQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(sent_at__isnull=True)


class QueuedMail(models.Model):
    """An e-mail held for a user's daily digest, already written in their language."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="queued_mails")
    subject = models.CharField(max_length=300)
    body = models.TextField()
    url = models.CharField(max_length=500, blank=True)  # absolute link to the page concerned
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = QueuedMailQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.subject
