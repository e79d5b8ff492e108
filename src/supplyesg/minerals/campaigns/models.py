"""CMRT/EMRT campaigns, supplier submissions (versioned), identified smelter rows, the review queue and the
company's own declaration."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supplyesg.core.campaigns.models import CampaignBase, CampaignRequest
from supplyesg.core.ids import IdList


class TemplateType(models.TextChoices):
    CMRT = "CMRT", _("CMRT (tin, tantalum, tungsten, gold)")
    EMRT = "EMRT", _("EMRT (cobalt, mica, copper, graphite, lithium, nickel)")
    AMRT = "AMRT", _("AMRT (up to ten other minerals: aluminium, zinc, rare earths, silver ...)")
    CRT = "CRT", _("CRT (cobalt, the older template)")


def submission_upload_to(instance, filename: str) -> str:
    return f"minerals/{instance.request.supplier_id}/{uuid.uuid4().hex}.xlsx"


class Campaign(CampaignBase):
    """A CMRT or EMRT campaign for a reporting year (name, due date, reminders and status: `CampaignBase`)."""

    reporting_year = models.PositiveSmallIntegerField(_("reporting year"))
    template = models.CharField(_("template"), max_length=4, choices=TemplateType.choices)
    minerals = models.JSONField(_("minerals in scope"), default=list, help_text=_('e.g. ["Tin", "Gold"]'))
    remind_days_before = models.PositiveSmallIntegerField(_("remind this many days before the due date"), default=14)
    scope_categories = models.ManyToManyField("suppliers.Category", blank=True, related_name="+", verbose_name=_("categories"))
    scope_tiers = models.JSONField(_("tiers"), default=list, blank=True)
    scope_by_minerals = models.BooleanField(_("every supplier whose categories involve these minerals"), default=False)

    class Meta:
        ordering = ["-reporting_year", "-created_at"]


class SubmissionRequest(CampaignRequest):
    """One supplier in one campaign, with where its declaration stands (`last_reminded_at`: `CampaignRequest`)."""

    class Status(models.TextChoices):
        NOT_REQUESTED = "not_requested", _("Not requested")
        REQUESTED = "requested", _("Requested")
        RECEIVED_ERRORS = "received_errors", _("Received with errors")
        RECEIVED_VALID = "received_valid", _("Received valid")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned for correction")

    OPEN_STATUSES = (Status.NOT_REQUESTED, Status.REQUESTED, Status.RECEIVED_ERRORS, Status.RETURNED)

    # No index of its own: the unique (campaign, supplier) leads with it.
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="requests", db_index=False)
    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.CASCADE, related_name="mineral_requests")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOT_REQUESTED)  # Meta
    requested_at = models.DateTimeField(null=True, blank=True)
    accepted_submission = models.ForeignKey(
        "minerals.Submission", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["campaign", "supplier__legal_name"]
        constraints = [models.UniqueConstraint(fields=["campaign", "supplier"], name="unique_request_per_campaign")]
        # A plain index (Meta): the field's own db_index also made PostgreSQL keep a LIKE twin no query uses.
        indexes = [models.Index(fields=["status"], name="submissionrequest_status_idx")]


class SubmissionQuerySet(models.QuerySet):
    def locked_with_requests(self, ids) -> tuple[dict[int, SubmissionRequest], list["Submission"]]:
        """Lock these submissions' requests and the submissions, requests first, and return
        ({request id: request with its campaign and supplier}, [submissions, pk order, each with its request]).

        Requests first is the order every service that changes a file keeps: an upload locks its request, then
        supersedes the request's waiting files. Taking the file first (as accepting once did) let an acceptance
        and an upload of the same request each hold what the other waited for, and PostgreSQL abort one.

        One statement, the files joined to their requests, locks both (a decision on one file is a round trip
        fewer than a read for each): PostgreSQL takes a row's locks in the order `FOR UPDATE OF` names the tables,
        request then file, row after row in (request, file) order, so every decision takes the same locks in
        the same order (tests/minerals/test_lock_order.py shows a waiting acceptance already holding the request).
        A file moved to another request while this waited (a reassignment that committed meanwhile) no longer
        matches its old request and drops out of the join; it is read again, locked on its own, and comes back with
        a request id missing from the dict, which the caller refuses (or, when this also holds its new request, may
        decide on under it, as a second read after the move would)."""
        ids = IdList(sorted({int(pk) for pk in ids}))  # one array parameter on PostgreSQL (core.ids)
        joined = (
            self.select_related("request__campaign", "request__supplier")
            .select_for_update(of=("request", "self"))
            .filter(pk__in=ids)
            .order_by("request_id", "pk")
        )
        requests: dict[int, SubmissionRequest] = {}
        submissions = []
        for submission in joined:
            submission.request = requests.setdefault(submission.request_id, submission.request)
            submissions.append(submission)
        missing = IdList(sorted(set(ids) - {s.pk for s in submissions}))
        if missing:  # moved meanwhile (or deleted): locked again on their own, their requests not taken
            for submission in self.select_for_update(of=("self",)).filter(pk__in=missing):
                if submission.request_id in requests:
                    submission.request = requests[submission.request_id]
                submissions.append(submission)
        submissions.sort(key=lambda s: s.pk)
        return requests, submissions


class Submission(models.Model):
    """One uploaded file, kept with its findings whatever they are. Re-submissions get the next version."""

    class Channel(models.TextChoices):
        PORTAL = "portal", _("Supplier portal")
        STAFF = "staff", _("Uploaded by staff")
        API = "api", _("API")
        BULK = "bulk", _("Bulk import")

    class Status(models.TextChoices):
        INVALID = "invalid", _("Has errors")
        VALID = "valid", _("Valid, awaiting review")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned for correction")
        SUPERSEDED = "superseded", _("Superseded")

    # No index of its own: the unique (request, version) and submission_latest_by_status lead with it.
    request = models.ForeignKey(SubmissionRequest, on_delete=models.CASCADE, related_name="submissions", db_index=False)
    version = models.PositiveIntegerField(_("version"))
    file = models.FileField(upload_to=submission_upload_to, max_length=255, blank=True)  # before stored workbooks
    workbook = models.ForeignKey(
        "minerals.StoredWorkbook", null=True, blank=True, on_delete=models.PROTECT, related_name="submissions"
    )
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    template = models.CharField(max_length=4, blank=True)
    template_version = models.CharField(max_length=10, blank=True)
    company_name = models.CharField(max_length=255, blank=True)
    effective_date = models.DateField(null=True, blank=True)
    valid = models.BooleanField(default=False)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    result = models.JSONField(_("check result"), default=dict)
    # No index of its own: a status is thousands of rows (a seq scan of a year's 20,000 is a few ms), and with its
    # statistics stale after an import PostgreSQL probed a status index inside the "latest accepted version" anti
    # join, 1,000 x 1,000 rows for 1,000 files (about 170 ms of each aggregation query) instead of the index below.
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-version"]
        constraints = [models.UniqueConstraint(fields=["request", "version"], name="unique_submission_version")]
        # "The request's latest accepted submission" (the dashboard, the red flags, reporting) is one index probe
        # per request. Without it PostgreSQL, its statistics stale after a bulk load, intersected the status index
        # (17,000 accepted rows) for each of 21,000 requests: 22 s for one dashboard refresh query.
        indexes = [
            models.Index(fields=["request", "status", "version"], name="submission_latest_by_status"),
        ]

    def __str__(self):
        return f"{self.original_name} v{self.version}"


class DeclarationNameFinding(models.Model):
    """A declaration whose company name (Declaration sheet) does not match the supplier it is filed under.

    Staff either confirm it is that supplier anyway (with a reason) or reassign the file to the right one."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for a decision")
        CONFIRMED = "confirmed", _("Confirmed as this supplier")
        REASSIGNED = "reassigned", _("Reassigned to another supplier")

    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="name_finding")
    declared_name = models.CharField(_("company name in the file"), max_length=255)
    supplier_name = models.CharField(_("supplier's closest name"), max_length=255)
    score = models.FloatField(_("name similarity"))
    reasons = models.JSONField(_("why"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True)
    reassigned_from = models.ForeignKey(
        "suppliers.Supplier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)

    def __str__(self):
        return f"{self.declared_name} / {self.supplier_name}"


class SubmissionSmelter(models.Model):
    """A Smelter List row of a submission, as identified. Aggregation reads these set-wise."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="smelter_rows")
    row = models.PositiveIntegerField()
    metal = models.CharField(max_length=20, blank=True)  # no index of its own: the Meta index (metal, cid) leads with it
    name = models.CharField(max_length=255, blank=True)
    country = models.CharField(max_length=100, blank=True)
    cid = models.CharField(max_length=12, blank=True)  # indexed in Meta
    matched_by = models.CharField(max_length=10, blank=True)
    score = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["submission", "row"]
        indexes = [
            models.Index(fields=["metal", "cid"]),
            # By smelter id (471,000 rows at 20,000 declarations a year): a plain index (the field's own db_index also
            # made PostgreSQL keep a LIKE twin that no query uses), of the rows that have an id: the rows without one
            # (about a tenth) are read through their submission, and with stale statistics PostgreSQL intersected
            # all of them with each submission's rows (0.12 ms a file in the unresolved-names aggregation).
            models.Index(fields=["cid"], condition=~models.Q(cid=""), name="submissionsmelter_cid_idx"),
        ]

    def __str__(self):
        return f"{self.metal} · {self.cid or self.name} · row {self.row}"


class SmelterReview(models.Model):
    """An unmatched or low-confidence smelter name waiting for a person, once per (metal, name, country)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected (not in the reference list)")

    metal = models.CharField(_("metal"), max_length=20)
    name = models.CharField(_("name as reported"), max_length=255)
    country = models.CharField(_("country as reported"), max_length=100, blank=True)
    suggested = models.ForeignKey("minerals.Smelter", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    score = models.FloatField(null=True, blank=True)
    occurrences = models.PositiveIntegerField(default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    decided_smelter = models.ForeignKey("minerals.Smelter", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "-occurrences", "metal", "name"]
        constraints = [models.UniqueConstraint(fields=["metal", "name", "country"], name="unique_smelter_review")]

    def __str__(self):
        label = f"{self.metal} · {self.name}"
        return f"{label} ({self.country})" if self.country else label


class CompanyDeclaration(models.Model):
    """The company's own CMRT/EMRT for a year: editable company answers; smelters come from aggregation."""

    reporting_year = models.PositiveSmallIntegerField(_("reporting year"))
    template = models.CharField(_("template"), max_length=4, choices=TemplateType.choices)
    answers = models.JSONField(_("company answers"), default=dict, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["reporting_year", "template"], name="unique_company_declaration")]

    def __str__(self):
        return f"{self.template} {self.reporting_year}"
