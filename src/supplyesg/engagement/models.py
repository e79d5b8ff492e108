"""Supplier engagement and training: courses mapped to requirements, programmes, sessions, invitations (a
campaign kind), attendance, training required of a supplier (after an audit, a corrective action or a rating),
feedback, cascade reports and announcements (eNews) with read tracking."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supplyesg.assessments.models import RiskCategory
from supplyesg.core.campaigns.models import CampaignBase, CampaignRequest


class Course(models.Model):
    """What is taught: mapped to requirements of the catalogue, in one language, with hours and a pass mark."""

    code = models.CharField(_("code"), max_length=40, unique=True)  # the LMS's course id / short name
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans")
    hours = models.DecimalField(
        _("hours"), max_digits=6, decimal_places=2, default=Decimal("1"), validators=[MinValueValidator(Decimal("0"))]
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), null=True, blank=True, validators=[MaxValueValidator(100)], help_text=_("Empty: no test.")
    )
    area = models.CharField(_("area"), max_length=20, choices=RiskCategory.choices, blank=True)
    requirements = models.ManyToManyField(
        "assessments.Requirement", blank=True, related_name="courses", verbose_name=_("requirements")
    )
    is_active = models.BooleanField(_("offered"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} · {self.title}"


class CourseMaterial(models.Model):
    """One version of a course's material (slides, handbook): kept, never overwritten."""

    # No index of its own: the unique (course, version) leads with it.
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="materials", db_index=False)
    version = models.CharField(_("version"), max_length=30)
    issued_on = models.DateField(_("date"))
    file = models.FileField(_("file"), upload_to="engagement/materials/%Y/")
    original_name = models.CharField(max_length=255, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["course", "-issued_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["course", "version"], name="unique_course_material_version")]

    def __str__(self):
        return f"course #{self.course_id} v{self.version} · {self.issued_on}"


class Programme(models.Model):
    """A year's plan of courses (a supplier conference series, quarterly support meetings, online courses)."""

    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    description = models.TextField(_("description"), blank=True)
    courses = models.ManyToManyField(Course, blank=True, related_name="programmes", verbose_name=_("courses"))

    class Meta:
        ordering = ["-year", "name"]

    def __str__(self):
        return f"{self.name} ({self.year})"


class Session(models.Model):
    class Mode(models.TextChoices):
        ONLINE = "online", _("Online course")
        ON_SITE = "on_site", _("On site")
        WEBINAR = "webinar", _("Webinar")

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("course"))
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions", verbose_name=_("programme")
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.ONLINE)
    trainer = models.CharField(_("trainer"), max_length=200, blank=True)
    venue = models.CharField(_("venue or link"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True, help_text=_("Empty: no limit."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-starts_at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start")]

    def __str__(self):
        return f"{self.course.title} · {self.starts_at:%Y-%m-%d}"


class TrainingCampaign(CampaignBase):
    """Invitations to one session, sent through the campaign engine to suppliers by tier, category, country."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="campaigns")
    scope_tiers = models.JSONField(_("tiers"), default=list, blank=True)
    scope_countries = models.JSONField(_("countries"), default=list, blank=True)
    scope_categories = models.ManyToManyField("suppliers.Category", blank=True, related_name="+")
    scope_everyone = models.BooleanField(_("every approved supplier"), default=False)


class Invitation(CampaignRequest):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Not sent")
        INVITED = "invited", _("Invited")
        REGISTERED = "registered", _("Registered")
        DECLINED = "declined", _("Declined")

    OPEN_STATUSES = (Status.DRAFT, Status.INVITED)

    # No index of its own: the unique (campaign, supplier) leads with it.
    campaign = models.ForeignKey(TrainingCampaign, on_delete=models.CASCADE, related_name="invitations", db_index=False)
    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.CASCADE, related_name="training_invitations")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    invited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["campaign", "supplier__legal_name"]
        constraints = [models.UniqueConstraint(fields=["campaign", "supplier"], name="unique_training_invitation")]


class AttendanceQuerySet(models.QuerySet):
    def attended(self):
        return self.filter(status=Attendance.Status.ATTENDED)

    def completed(self):
        return self.attended().filter(completed=True)

    def in_year(self, year: int):
        return self.filter(held_on__year=year)


class Attendance(models.Model):
    """One person at one course (a session, or an online course reported by an LMS): the person-time counted."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        ATTENDED = "attended", _("Attended")
        ABSENT = "absent", _("Absent")

    class Source(models.TextChoices):
        PORTAL = "portal", _("Registered in the portal")
        STAFF = "staff", _("Entered by staff")
        XAPI = "xapi", _("xAPI statement")
        MOODLE = "moodle", _("Moodle report")

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="attendances", verbose_name=_("course"))
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.PROTECT, related_name="attendances")
    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.CASCADE, related_name="training_attendances")
    invitation = models.ForeignKey(Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="attendances")
    person_name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    role = models.CharField(_("role"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED)
    held_on = models.DateField(_("date"))  # the session's day or the LMS completion day: the year it counts in
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2, default=Decimal("0"))
    completed = models.BooleanField(_("completed"), default=False)
    score = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)  # None: the course has no test or no score
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)
    certificate_file = models.FileField(_("certificate"), upload_to="engagement/certificates/%Y/", blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.STAFF)
    external_id = models.CharField(max_length=200, blank=True)  # xAPI statement id / Moodle course+e-mail
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "person_name", "pk"]
        indexes = [models.Index(fields=["held_on", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["external_id"], condition=~Q(external_id=""), name="unique_attendance_external_id")
        ]

    def __str__(self):
        return f"{self.person_name} · {self.course.code}"


class RequiredTrainingQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=RequiredTraining.Status.ASSIGNED)

    def overdue(self, on):
        return self.open().filter(due_date__lt=on)


class RequiredTraining(models.Model):
    """Training a supplier must attend: after an unqualified audit result (ESG manual), for a corrective action,
    or offered with a grade C (AIKO). Its completion (an attendance) is evidence for closing the action."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.CASCADE, related_name="required_trainings")
    course = models.ForeignKey(
        Course, null=True, blank=True, on_delete=models.PROTECT, related_name="required", verbose_name=_("course")
    )
    audit = models.ForeignKey("audits.Audit", null=True, blank=True, on_delete=models.SET_NULL, related_name="required_trainings")
    corrective_action = models.ForeignKey(
        "audits.CorrectiveAction", null=True, blank=True, on_delete=models.SET_NULL, related_name="required_trainings"
    )
    topic = models.CharField(_("topic"), max_length=200)
    area = models.CharField(_("area"), max_length=20, choices=RiskCategory.choices, blank=True)
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ASSIGNED)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    attendee = models.CharField(_("attended by"), max_length=200, blank=True)
    attendance = models.ForeignKey(
        Attendance, null=True, blank=True, on_delete=models.SET_NULL, related_name="fulfils", verbose_name=_("attendance")
    )

    objects = RequiredTrainingQuerySet.as_manager()

    class Meta:
        ordering = ["status", "due_date"]

    def __str__(self):
        return self.topic


class Feedback(models.Model):
    """A supplier's answer to the survey after a session: 1–5 and a comment."""

    # No index of its own: the unique (session, submitted_by) leads with it.
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="feedback", db_index=False)
    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.CASCADE, related_name="training_feedback")
    rating = models.PositiveSmallIntegerField(_("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("comment"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "submitted_by"], name="unique_feedback_per_person"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"),
        ]

    def __str__(self):
        return f"session #{self.session_id} · {self.rating}/5"


class CascadeReport(models.Model):
    """What a supplier passed on: people it trained in-house and at its own suppliers (sub-tier) in a period."""

    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.CASCADE, related_name="cascade_reports")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    topic = models.CharField(_("topic"), max_length=200)
    people_trained = models.PositiveIntegerField(_("people trained in your company"))
    subtier_people_trained = models.PositiveIntegerField(_("people trained at your suppliers"), default=0)
    subtier_suppliers_reached = models.PositiveIntegerField(_("your suppliers reached"), default=0)
    hours = models.DecimalField(_("training hours"), max_digits=8, decimal_places=1, default=Decimal("0"))
    note = models.TextField(_("note"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period_end", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="cascade_period_order")]

    def __str__(self):
        return f"{self.topic} · {self.period_start} – {self.period_end}"


class Announcement(models.Model):
    """eNews: a newsletter or announcement to supplier contacts, read in the portal."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    published_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        return self.title


class AnnouncementRead(models.Model):
    # No index of its own: the unique (announcement, user) leads with it.
    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="reads", db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["announcement", "user"], name="unique_announcement_read")]

    def __str__(self):
        return f"announcement #{self.announcement_id} · user #{self.user_id}"
