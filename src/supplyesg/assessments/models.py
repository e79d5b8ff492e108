"""Requirement catalogue, questionnaire templates and campaigns, supplier responses, and the risk assessment."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supplyesg.core.campaigns.models import CampaignBase, CampaignRequest
from supplyesg.core.fields import JSONTextField
from supplyesg.core.model_names import loaded_or_id


class Pillar(models.TextChoices):
    E = "E", _("Environmental")
    S = "S", _("Social")
    G = "G", _("Governance")


class RiskCategory(models.TextChoices):
    MANAGEMENT_SYSTEM = "management_system", _("Management system")
    LABOUR = "labour", _("Labour and human rights")
    HEALTH_SAFETY = "health_safety", _("Health and safety")
    ENVIRONMENT = "environment", _("Environment")
    ETHICS = "ethics", _("Business ethics")
    PRODUCT_LIABILITY = "product_liability", _("Product liability")
    MINERALS = "minerals", _("Responsible minerals")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


# ---------------------------------------------------------------- requirement catalogue


class RequirementCatalogue(models.Model):
    """One version of our supplier code of conduct as requirements, loaded from a data file."""

    # No index of its own (a SlugField has one by default): the unique (code, version) leads with it.
    code = models.SlugField(_("code"), max_length=50, db_index=False)
    version = models.CharField(_("version"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    source = models.TextField(_("source"), blank=True)
    published_on = models.DateField(_("published"), null=True, blank=True)
    loaded_at = models.DateTimeField(default=timezone.now)
    is_current = models.BooleanField(_("current version"), default=False)

    class Meta:
        ordering = ["code", "-loaded_at"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="unique_catalogue_version")]

    def __str__(self):
        return f"{self.title} {self.version}"


class Requirement(models.Model):
    # No index of its own: the unique (catalogue, code) leads with it.
    catalogue = models.ForeignKey(RequirementCatalogue, on_delete=models.CASCADE, related_name="requirements", db_index=False)
    code = models.CharField(_("code"), max_length=30)  # e.g. ILO-C138, RBA-A1, OECD-AII-1
    framework = models.CharField(_("framework"), max_length=20)  # ILO, RBA, OECD
    title = models.CharField(_("title"), max_length=255)
    title_zh = models.CharField(_("Chinese title"), max_length=255)
    guidance = models.TextField(_("guidance"), blank=True)
    guidance_zh = models.TextField(_("Chinese guidance"), blank=True)
    pillar = models.CharField(_("pillar"), max_length=1, choices=Pillar.choices)
    risk_category = models.CharField(_("risk category"), max_length=20, choices=RiskCategory.choices)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["catalogue", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["catalogue", "code"], name="unique_requirement_code")]

    def __str__(self):
        return f"{self.code} {self.title}"


# ---------------------------------------------------------------- questionnaires


class QuestionnaireTemplate(models.Model):
    # No index of its own (a SlugField has one by default): the unique (code, version) leads with it.
    code = models.SlugField(_("code"), max_length=50, db_index=False)
    version = models.CharField(_("version"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    title_zh = models.CharField(_("Chinese title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    description_zh = models.TextField(_("Chinese description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="unique_template_version")]

    def __str__(self):
        return f"{self.title} {self.version}"


class Section(models.Model):
    # No index of its own: the unique (template, code) leads with it.
    template = models.ForeignKey(QuestionnaireTemplate, on_delete=models.CASCADE, related_name="sections", db_index=False)
    code = models.CharField(_("code"), max_length=30)
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)
    title_zh = models.CharField(_("Chinese title"), max_length=200)

    class Meta:
        ordering = ["template", "order"]
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="unique_section_code")]

    def __str__(self):
        return f"{self.code} {self.title}"


class Question(models.Model):
    class Kind(models.TextChoices):
        YES_NO = "yes_no", _("Yes / no")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        NUMBER = "number", _("Number with unit")
        PERCENT = "percent", _("Percentage")
        DATE = "date", _("Date")
        TEXT = "text", _("Text")
        FILE = "file", _("File evidence")

    # No index of its own: the unique (section, code) leads with it.
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions", db_index=False)
    code = models.CharField(_("code"), max_length=30)  # unique within the template
    order = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("question"))
    text_zh = models.TextField(_("Chinese question"))
    help = models.TextField(_("help"), blank=True)
    help_zh = models.TextField(_("Chinese help"), blank=True)
    required = models.BooleanField(_("required"), default=True)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    # [{"value": "iso", "label": "...", "label_zh": "...", "score": 100}] for single/multiple choice
    choices = models.JSONField(_("choices"), default=list, blank=True)
    # Scoring: {"yes": 100, "no": 0} for yes/no; numeric bands [{"min":..,"max":..,"score":..}] for numbers
    scoring = models.JSONField(_("scoring"), default=dict, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=1)
    # Knock-out: an answer in knockout_values caps the result at knockout_level whatever the rest says.
    critical = models.BooleanField(_("critical (knock-out)"), default=False)
    knockout_values = models.JSONField(_("knock-out answers"), default=list, blank=True)
    knockout_level = models.CharField(_("knock-out level"), max_length=10, choices=RiskLevel.choices, blank=True)
    # Conditional display: shown only when question `show_if_code` has one of `show_if_values`.
    show_if_code = models.CharField(_("shown only if question"), max_length=30, blank=True)
    show_if_values = models.JSONField(_("has one of these answers"), default=list, blank=True)
    requirements = models.ManyToManyField(Requirement, blank=True, related_name="questions", verbose_name=_("requirements"))

    class Meta:
        ordering = ["section__order", "order"]
        constraints = [models.UniqueConstraint(fields=["section", "code"], name="unique_question_code")]

    def __str__(self):
        return self.code


class QuestionnaireCampaign(CampaignBase):
    """Asks suppliers to fill a template (name, due date, reminders and status: `CampaignBase`)."""

    template = models.ForeignKey(QuestionnaireTemplate, on_delete=models.PROTECT, related_name="campaigns")
    # {"tiers": [1, 2], "categories": ["pcba"], "risk_levels": ["high"], "all": false}
    scope = models.JSONField(_("scope"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]


class Response(CampaignRequest):
    """One supplier asked in one questionnaire campaign (`last_reminded_at`: `CampaignRequest`)."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for correction")
        ACCEPTED = "accepted", _("Accepted")

    OPEN_STATUSES = (Status.NOT_STARTED, Status.DRAFT, Status.RETURNED)

    # No index of its own: the unique (campaign, supplier) leads with it.
    campaign = models.ForeignKey(QuestionnaireCampaign, on_delete=models.CASCADE, related_name="responses", db_index=False)
    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.CASCADE, related_name="questionnaire_responses")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)  # Meta
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    # {"overall": 82.5, "sections": {...}, "pillars": {...}, "risk_categories": {...}, "knockout": {...}, "lines": [...]}
    scores = models.JSONField(_("scores"), default=dict, blank=True)

    class Meta:
        ordering = ["campaign", "supplier__legal_name"]
        constraints = [models.UniqueConstraint(fields=["campaign", "supplier"], name="unique_response_per_campaign")]
        # A plain index (Meta): the field's own db_index also made PostgreSQL keep a LIKE twin no query uses.
        indexes = [
            # By status, newest submission first: the inbox's responses to review read in order from here (SQLite
            # sorted the 36,000 submitted responses' wide rows, 131 ms at 100,000 suppliers; the inbox 291 to 161-199
            # ms with it on a busy machine). PostgreSQL reads its own plan (DESC NULLS LAST), 11 ms either way.
            models.Index(fields=["status", "submitted_at", "id"], name="response_status_submitted_idx"),
            # A campaign's responses counted by status (its page, the campaign list, the home panel): a covering
            # index. Without it SQLite read every response row of the campaign, 870 ms for 73,000 responses
            # against 12 ms with it (bench/every_page.py at 100,000 suppliers).
            models.Index(fields=["campaign", "status"], name="response_campaign_status_idx"),
        ]


def evidence_upload_to(instance, filename: str) -> str:
    import uuid

    suffix = filename.rsplit(".", 1)[-1].lower()[:10] if "." in filename else "bin"
    return f"assessments/{instance.response.supplier_id}/{uuid.uuid4().hex}.{suffix}"


class Answer(models.Model):
    # No index of its own: the unique (response, question) leads with it.
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers", db_index=False)
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField(_("answer"), null=True, blank=True)
    evidence = models.FileField(_("evidence"), upload_to=evidence_upload_to, blank=True, max_length=255)
    evidence_name = models.CharField(max_length=255, blank=True)
    needs_work = models.BooleanField(_("needs work"), default=False)
    reviewer_comment = models.TextField(_("reviewer's comment"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="unique_answer")]

    def __str__(self):
        return f"response #{self.response_id} · question #{self.question_id}"


# ---------------------------------------------------------------- risk


class CountryRisk(models.Model):
    """A country's inherent ESG risk (0 low - 100 high), shipped as data with its source, editable."""

    country = models.CharField(_("country"), max_length=2, unique=True)
    score = models.DecimalField(_("risk score"), max_digits=5, decimal_places=2)
    source = models.CharField(_("source"), max_length=255)
    as_of = models.DateField(_("as of"))

    class Meta:
        ordering = ["country"]

    def __str__(self):
        return f"{self.country}: {self.score}"


class CategoryRisk(models.Model):
    """Commodity or process risk of a supplier category (0-100), editable."""

    category = models.OneToOneField("suppliers.Category", on_delete=models.CASCADE, related_name="risk")
    score = models.DecimalField(_("risk score"), max_digits=5, decimal_places=2)
    rationale = models.TextField(_("rationale"), blank=True)

    def __str__(self):
        # The category's name when it is already loaded (loading the risks holds it), else its id: no query.
        return f"{loaded_or_id(self, 'category', prefix='category #')}: {self.score}"


class RiskAssessmentQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)

    def for_year(self, year: int):
        return self.filter(year=year)


class RiskAssessment(models.Model):
    """A supplier's risk for a year: scores per category and overall, the level, and how it was reached."""

    class Kind(models.TextChoices):
        YEARLY = "yearly", _("Yearly identification")
        AD_HOC = "ad_hoc", _("Ad-hoc assessment")

    # No index of its own: (supplier, year, is_current) in Meta.indexes starts with it.
    supplier = models.ForeignKey(
        "suppliers.Supplier", on_delete=models.CASCADE, related_name="risk_assessments", db_index=False
    )
    # No index of its own either: a year is a third of the table or more, read whole by the year's overviews, and
    # while a yearly run inserts 100,000 assessments the table's statistics lag behind; PostgreSQL then read a year
    # index for each batch's own suppliers (every row of the year so far: 23 ms a batch at 100,000 suppliers, and
    # growing with the run) instead of (supplier, year, is_current).
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.YEARLY)
    computed_at = models.DateTimeField(default=timezone.now)
    category_scores = models.JSONField(_("score per risk category"), default=dict)
    overall_score = models.DecimalField(_("overall score"), max_digits=5, decimal_places=2)
    computed_level = models.CharField(_("computed level"), max_length=10, choices=RiskLevel.choices)
    # [{"factor": "country", "label": "...", "input": ..., "weight": .., "contribution": .., "note": ".."}]
    # json on PostgreSQL, not jsonb: written once, read whole, never searched (core.fields.JSONTextField).
    explanation = JSONTextField(_("explanation"), default=list)
    override_level = models.CharField(_("overridden level"), max_length=10, choices=RiskLevel.choices, blank=True)
    override_reason = models.TextField(_("justification"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)
    is_current = models.BooleanField(default=True)

    objects = RiskAssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-computed_at"]
        indexes = [
            # A supplier's assessments (the yearly run's batches, the supplier page), and, carrying the level and the
            # score, the overview's level counts and sort read from the index alone: SQLite otherwise read each
            # row past its explanation to the override (241 against 25 ms at 100,000 suppliers). It leads with the
            # supplier, so the run's batch plans are the same as with (supplier, year, is_current) alone.
            models.Index(
                fields=["supplier", "year", "is_current", "computed_level", "override_level", "overall_score"],
                name="riskassessment_supplier_idx",
            )
        ]

    def __str__(self):
        return f"{self.year} {self.kind.replace('_', ' ')}: {self.level}"

    @property
    def level(self) -> str:
        return self.override_level or self.computed_level


class WorklistItem(models.Model):
    """What a risk level triggers: an on-site audit requirement (picked up by audits) or a desk review."""

    class Kind(models.TextChoices):
        ONSITE_AUDIT = "onsite_audit", _("On-site audit required")
        DESK_REVIEW = "desk_review", _("Desk review of questionnaire and evidence")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    # No index of its own: the unique (supplier, year, kind) starts with it.
    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.CASCADE, related_name="worklist_items", db_index=False)
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)  # indexed in Meta
    assessment = models.ForeignKey(RiskAssessment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        # A plain index (Meta): the field's own db_index also made PostgreSQL keep a LIKE twin no query uses.
        indexes = [models.Index(fields=["status"], name="worklistitem_status_idx")]
        ordering = ["status", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "year", "kind"], name="unique_worklist_item_per_year"),
        ]

    def __str__(self):
        return f"{self.kind.replace('_', ' ')} {self.year} · {self.status}"
