"""Grievance channels, reports and their encrypted content.

Nothing here stores who a reporter is, where from or exactly when: reports and reporter messages carry a date, never
a time; there is no IP address, user agent or session column. Every text a reporter or handler writes, every file and
the optional identity are ciphertexts under the report's own data key (see crypto.py and keyring.py).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from supplyesg.suppliers.models.registry import CountryField


def case_reference(report_id) -> str:
    """A report's reference ("GR-000042"). Labels of a report's messages, files, identity and disclosure requests
    carry only this reference, ids and kinds: never a text, a name or a date a reporter could be known by."""
    return f"GR-{report_id:06d}" if report_id else "GR-new"


class Audience(models.TextChoices):
    OWN_STAFF = "own_staff", _("Our own staff")
    SUPPLIER_WORKERS = "supplier_workers", _("Workers of our suppliers")
    COMMUNITIES = "communities", _("Communities affected by our supply chain")
    THIRD_PARTIES = "third_parties", _("Anyone else")


class Channel(models.Model):
    """A way in for one audience, with its own public rules of procedure, handlers and retention."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    audience = models.CharField(_("audience"), max_length=30, choices=Audience.choices)
    active = models.BooleanField(_("open for reports"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    auto_acknowledge = models.BooleanField(
        _("acknowledge receipt at once"),
        default=True,
        help_text=_("Posts the acknowledgement message to the reporter when the report arrives (EU 2019/1937 art. 9(1)(b))."),
    )
    retention_years = models.PositiveSmallIntegerField(
        _("keep substantiated cases this many years after closing"),
        null=True,
        blank=True,
        help_text=_("Blank: the policy settings' number."),
    )
    extra_languages = models.CharField(
        _("further intake languages"),
        max_length=200,
        blank=True,
        help_text=_("Language codes of supplier workers, comma-separated (e.g. vi, id, th); give each its texts below."),
    )

    class Meta:
        ordering = ["position", "key"]
        verbose_name = _("grievance channel")
        verbose_name_plural = _("grievance channels")

    def __str__(self):
        return str(self.get_audience_display())

    @property
    def extra_language_codes(self) -> list[str]:
        return [code.strip().lower() for code in self.extra_languages.split(",") if code.strip()]


class ChannelText(models.Model):
    """A channel's public texts in a language the gettext catalogue does not carry (entered by an administrator)."""

    # No index of its own: the unique (channel, language) leads with it.
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="texts", db_index=False)
    language = models.CharField(_("language code"), max_length=10)
    language_name = models.CharField(_("language name, in that language"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    description_label = models.CharField(_("label of the report field"), max_length=200, blank=True)
    submit_label = models.CharField(_("label of the send button"), max_length=60, blank=True)

    class Meta:
        ordering = ["channel", "language"]
        constraints = [models.UniqueConstraint(fields=["channel", "language"], name="unique_channel_text_language")]
        verbose_name = _("channel text")
        verbose_name_plural = _("channel texts")

    def __str__(self):
        return f"{self.channel} ({self.language})"


class RulesOfProcedureQuerySet(models.QuerySet):
    def current(self, channel, language: str):
        """The newest published version in the language, else in English."""
        versions = self.filter(channel=channel).order_by("-version")
        return versions.filter(language=language).first() or versions.filter(language="en").first()


class RulesOfProcedure(models.Model):
    """Public, versioned rules of procedure of a channel (LkSG §8(2)): a new text is a new version, never an edit."""

    # No index of its own: the unique (channel, version, language) leads with it.
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="rules", db_index=False)
    version = models.PositiveSmallIntegerField(_("version"))
    language = models.CharField(_("language code"), max_length=10, default="en")
    text = models.TextField(_("text"))
    published_on = models.DateField(_("published on"), default=date.today)

    objects = RulesOfProcedureQuerySet.as_manager()

    class Meta:
        ordering = ["channel", "-version", "language"]
        constraints = [models.UniqueConstraint(fields=["channel", "version", "language"], name="unique_rules_version")]
        verbose_name = _("rules of procedure")
        verbose_name_plural = _("rules of procedure")

    def __str__(self):
        return f"{self.channel} v{self.version} ({self.language})"


class Designation(models.Model):
    """Who handles a channel's reports, and who may approve revealing a reporter's identity. A role alone grants
    nothing here: an administrator designates people by name."""

    class Kind(models.TextChoices):
        HANDLER = "handler", _("Handler")
        CUSTODIAN = "custodian", _("Identity custodian")

    # No index of its own: the unique (user, kind, channel) leads with it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grievance_designations", db_index=False
    )
    kind = models.CharField(_("designation"), max_length=20, choices=Kind.choices)
    channel = models.ForeignKey(
        Channel,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="designations",
        help_text=_("Handlers: the channel they handle. Custodians: leave blank."),
    )

    class Meta:
        ordering = ["kind", "channel", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="unique_grievance_designation"),
            models.CheckConstraint(
                condition=Q(kind="custodian", channel__isnull=True) | Q(kind="handler", channel__isnull=False),
                name="grievance_designation_channel_for_handlers",
            ),
        ]
        verbose_name = _("grievance designation")
        verbose_name_plural = _("grievance designations")

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()}" + (f" · {self.channel}" if self.channel_id else "")


class Topic(models.TextChoices):
    DISCRIMINATION = "discrimination", _("Discrimination")
    HARASSMENT = "harassment", _("Harassment or abuse")
    PRIVACY = "privacy", _("Invasion of privacy")
    FORCED_LABOUR = "forced_labour", _("Forced labour")
    CHILD_LABOUR = "child_labour", _("Child labour")
    WAGES_HOURS = "wages_hours", _("Wages and working hours")
    HEALTH_SAFETY = "health_safety", _("Health and safety")
    ENVIRONMENT = "environment", _("Environment")
    FRAUD_BRIBERY = "fraud_bribery", _("Fraud or bribery by a business partner")
    MINERALS = "minerals", _("Minerals and conflict risk")
    RETALIATION = "retaliation", _("Retaliation for a report")
    OTHER = "other", _("Something else")


class ReportQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=Report.Status.CLOSED)

    def for_handler(self, user):
        return self.filter(channel__designations__user=user, channel__designations__kind=Designation.Kind.HANDLER)

    def acknowledgement_overdue(self, on: date):
        return self.filter(acknowledged_on__isnull=True, acknowledge_due__lt=on).open()

    def feedback_overdue(self, on: date):
        return self.filter(first_feedback_on__isnull=True, feedback_due__lt=on).open()

    def overdue(self, on: date):
        return self.filter(
            Q(acknowledged_on__isnull=True, acknowledge_due__lt=on) | Q(first_feedback_on__isnull=True, feedback_due__lt=on)
        ).open()

    def substantiated(self):
        return self.filter(closure_reason__in=Report.SUBSTANTIATED)

    def past_retention(self, on: date):
        return self.filter(status=Report.Status.CLOSED, delete_after__lt=on)


class Report(models.Model):
    class Status(models.TextChoices):
        NEW = "new", pgettext_lazy("grievance", "New")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        IN_REVIEW = "in_review", _("In review")
        INVESTIGATION = "investigation", _("Investigation")
        REMEDIATION = "remediation", _("Remediation")
        CLOSED = "closed", pgettext_lazy("grievance", "Closed")

    class SubStatus(models.TextChoices):
        NONE = "", "—"
        AWAITING_REPORTER = "awaiting_reporter", _("Waiting for the reporter")
        AWAITING_SUPPLIER = "awaiting_supplier", _("Waiting for the supplier")
        AWAITING_THIRD_PARTY = "awaiting_third_party", _("Waiting for a third party")
        ON_HOLD = "on_hold", _("On hold")

    class ClosureReason(models.TextChoices):
        SUBSTANTIATED = "substantiated", _("Substantiated")
        PARTLY_SUBSTANTIATED = "partly_substantiated", _("Partly substantiated")
        NOT_SUBSTANTIATED = "not_substantiated", _("Not substantiated")
        WITHDRAWN = "withdrawn", _("Withdrawn by the reporter")
        OUT_OF_SCOPE = "out_of_scope", _("Out of scope")
        DUPLICATE = "duplicate", _("Duplicate of another report")
        NO_CONTACT = "no_contact", _("Reporter no longer reachable")

    SUBSTANTIATED = (ClosureReason.SUBSTANTIATED, ClosureReason.PARTLY_SUBSTANTIATED)

    class Measure(models.TextChoices):
        NONE = "", _("None")
        CORRECTIVE_ACTION = "corrective_action", _("Corrective action at the supplier")
        REMEDY = "remedy", _("Remedy for the people affected")
        TRAINING = "training", _("Training")
        ENGAGEMENT = "engagement", _("Engagement with the supplier")
        SUSPENSION = "suspension", _("Business suspended")
        TERMINATION = "termination", _("Business relationship ended")
        PROCESS_CHANGE = "process_change", _("Change to our own processes")

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="reports")
    rules_version = models.PositiveSmallIntegerField(_("rules of procedure version"), null=True, blank=True)
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)
    country = CountryField(_("country where it happened"), blank=True)
    language = models.CharField(_("reporter's language"), max_length=10, default="en")
    # Only the Argon2id digest of the receipt (crypto.receipt_digest); the receipt itself is never stored.
    receipt_digest = models.CharField(max_length=64, unique=True, editable=False)
    # The report's data key, wrapped by the key-encryption key; emptied when the report is deleted.
    wrapped_key = models.BinaryField(editable=False)
    content = models.BinaryField(editable=False)  # the report's text, encrypted
    has_identity = models.BooleanField(_("the reporter gave a name or contact"), default=False)
    received_on = models.DateField(_("received on"))  # a date, never a time
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    sub_status = models.CharField(_("sub-status"), max_length=30, choices=SubStatus.choices, blank=True, default="")
    closure_reason = models.CharField(_("closure reason"), max_length=30, choices=ClosureReason.choices, blank=True)
    measure = models.CharField(_("measure taken"), max_length=30, choices=Measure.choices, blank=True, default="")
    severe = models.BooleanField(_("severe"), default=False, help_text=_("Serious harm to people or the environment."))
    acknowledge_due = models.DateField(_("acknowledge by"))
    feedback_due = models.DateField(_("feedback by"))
    acknowledged_on = models.DateField(_("acknowledged on"), null=True, blank=True)
    first_feedback_on = models.DateField(_("first feedback on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    delete_after = models.DateField(_("delete after"), null=True, blank=True)
    # Links made by handlers; never shown to the reporter. supplier: no index of its own, the Meta index
    # (supplier, status) leads with it.
    supplier = models.ForeignKey(
        "suppliers.Supplier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    site = models.ForeignKey("suppliers.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    requirement = models.ForeignKey("assessments.Requirement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    finding = models.ForeignKey("audits.Finding", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    corrective_action = models.ForeignKey(
        "audits.CorrectiveAction", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    smelter = models.ForeignKey("minerals.Smelter", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["status", "acknowledge_due"]), models.Index(fields=["supplier", "status"])]
        verbose_name = _("grievance report")
        verbose_name_plural = _("grievance reports")

    def __str__(self):
        return case_reference(self.pk)

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Shared with the reporter")
    INTERNAL = "internal", _("Internal: handlers of the channel")
    PERSONAL = "personal", _("Personal note: only me")


class Message(models.Model):
    class Author(models.TextChoices):
        REPORTER = "reporter", _("Reporter")
        HANDLER = "handler", _("Handler")
        SYSTEM = "system", _("System")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    author_kind = models.CharField(max_length=10, choices=Author.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    body = models.BinaryField(editable=False)  # encrypted
    sent_on = models.DateField(_("sent on"))  # a date: a reporter's message time would say when they were online

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{case_reference(self.report_id)} · message #{self.pk} · {self.author_kind}"

    def visible_to_reporter(self) -> bool:
        return self.visibility == Visibility.PUBLIC


class Attachment(models.Model):
    """A file, metadata stripped where the format allows, encrypted whole in the database (no file on disk to leak)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    name = models.BinaryField(editable=False)  # encrypted
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    blob = models.BinaryField(editable=False)  # encrypted
    metadata_removed = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{case_reference(self.report_id)} · attachment #{self.pk}"  # its name is the reporter's: never shown


class ReporterIdentity(models.Model):
    """The name and contact a reporter chose to give, apart from the report, encrypted; shown to a handler only after a
    custodian approved that handler's motivated request."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="identity")
    sealed = models.BinaryField(editable=False)

    def __str__(self):
        return f"{case_reference(self.report_id)} · identity"


class DisclosureRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a custodian")
        APPROVED = "approved", _("Approved")
        DENIED = "denied", _("Denied")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="disclosure_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    motivation = models.TextField(_("why the identity is needed"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decision_note = models.TextField(_("custodian's note"), blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{case_reference(self.report_id)} · disclosure request #{self.pk} · {self.status}"


class DeletionLog(models.Model):
    """What was deleted, without content: enough to show the retention rules were kept."""

    reference = models.CharField(_("report"), max_length=20)
    channel_key = models.CharField(_("channel"), max_length=40)
    received_on = models.DateField(_("received on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_reason = models.CharField(_("closure reason"), max_length=30, blank=True)
    deleted_on = models.DateField(_("deleted on"))
    why = models.CharField(_("why"), max_length=30)

    class Meta:
        ordering = ["-deleted_on", "-pk"]
        verbose_name = _("grievance deletion")
        verbose_name_plural = _("grievance deletion log")

    def __str__(self):
        return f"{self.reference} ({self.deleted_on})"
