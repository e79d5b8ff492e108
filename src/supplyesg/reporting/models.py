"""Reporting: a versioned disclosure catalogue (GRI, ESRS, OECD step 5, SEC Form SD and the product's own KPIs),
reporting periods with the definitions the user sets explicitly, frozen period snapshots whose figures drill down
to the rows behind them, management reviews, the own-workforce figures a company enters per year and the
accounts-payable records behind ESRS G1-6 payment practices."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supplyesg.core.fields import JSONTextField


class Framework(models.TextChoices):
    GRI = "gri", "GRI"
    ESRS = "esrs", "ESRS"
    OECD = "oecd", _("OECD due-diligence guidance, step 5")
    SEC = "sec", _("SEC Form SD")
    KPI = "kpi", _("Company KPIs")


class Unit(models.TextChoices):
    COUNT = "count", _("count")
    PERCENT = "percent", _("%")
    DAYS = "days", _("days")
    HOURS = "hours", _("hours")
    SCORE = "score", _("score")
    MONEY = "money", _("amount")
    TABLE = "table", _("table")
    TEXT = "text", _("text")


class DisclosureCatalogue(models.Model):
    """One version of the catalogue, loaded from `reporting/data/catalogue/<version>/` (or a user's own files)."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    source = models.TextField(_("source"), blank=True)
    is_current = models.BooleanField(_("current"), default=False)
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-loaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["is_current"], condition=models.Q(is_current=True), name="one_current_catalogue")
        ]

    def __str__(self):
        return f"{self.title} {self.version}"


class LineItem(models.Model):
    """A disclosure: what it says (en, zh), in which unit, which computation produces it, over which scope."""

    # No index of its own: the unique (catalogue, code) leads with it.
    catalogue = models.ForeignKey(DisclosureCatalogue, on_delete=models.CASCADE, related_name="items", db_index=False)
    code = models.CharField(_("line item"), max_length=40)  # "GRI 308-1", "ESRS G1-6 a", "SD 1.01"
    framework = models.CharField(_("framework"), max_length=10, choices=Framework.choices)
    framework_version = models.CharField(
        _("framework version"), max_length=60
    )  # "GRI 308: Supplier Environmental Assessment 2016"
    title = models.CharField(_("title"), max_length=300)
    title_zh = models.CharField(_("Chinese title"), max_length=300)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    computation = models.CharField(_("computation"), max_length=60)  # a key of reporting.computations.REGISTRY
    params = models.JSONField(_("computation parameters"), default=dict, blank=True)
    scope = models.JSONField(_("scope filters"), default=dict, blank=True)  # {"tiers": [1], "minerals": ["tin"]}
    public = models.BooleanField(_("in public outputs"), default=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["catalogue", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["catalogue", "code"], name="one_line_item_code_per_catalogue")]

    def __str__(self):
        return f"{self.code} {self.title}"


class NewSupplierBasis(models.TextChoices):
    ADMITTED = "admitted", _("admitted (approved) during the period")
    CREATED = "created", _("entered in the registry during the period")


class ScreeningSource(models.TextChoices):
    ADMISSION = "admission", _("admission review with ESG items passed")
    QUESTIONNAIRE = "questionnaire", _("self-assessment questionnaire scored")
    AUDIT = "audit", _("audit conducted")
    RISK = "risk", _("annual ESG risk identification")


class ImpactSource(models.TextChoices):
    FINDING = "finding", _("audit finding at or above the severity below")
    RISK_HIGH = "risk_high", _("high ESG risk level")
    GRADE_D = "grade_d", _("grade D in a quarterly rating")
    GRIEVANCE = "grievance", _("substantiated grievance")


class ReportingPeriod(models.Model):
    """A reporting year with the definitions that decide what the figures count. The user sets each definition
    explicitly; a new period starts from the previous one's. A snapshot freezes them with its figures."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    entity = models.CharField(_("reporting entity"), max_length=200, blank=True)
    new_supplier_basis = models.CharField(
        _("a new supplier is one"), max_length=10, choices=NewSupplierBasis.choices, default=NewSupplierBasis.ADMITTED
    )
    screening_sources = models.JSONField(
        _("a supplier is screened when it has"), default=list, help_text=_("Any of the chosen sources, within the period.")
    )
    impact_sources = models.JSONField(_("a significant negative impact is"), default=list)
    impact_min_severity = models.CharField(_("minimum finding severity"), max_length=20, default="major")
    termination_reasons = models.JSONField(
        _("a termination counts as 'because of the assessment' when its reason is"), default=list, blank=True
    )
    standard_payment_days = models.PositiveSmallIntegerField(
        _("standard payment terms (days)"),
        default=60,
        validators=[MaxValueValidator(365)],
        help_text=_("Product default: the contractual term used when an invoice gives none (ESRS G1-6)."),
    )
    late_payment_proceedings = models.PositiveIntegerField(
        _("outstanding legal proceedings for late payment"), default=0, help_text=_("ESRS G1-6: entered by the user.")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)

    def definitions(self) -> dict:
        """The definitions as frozen in a snapshot (plain JSON)."""
        return {
            "new_supplier_basis": self.new_supplier_basis,
            "screening_sources": sorted(self.screening_sources),
            "impact_sources": sorted(self.impact_sources),
            "impact_min_severity": self.impact_min_severity,
            "termination_reasons": sorted(self.termination_reasons),
            "standard_payment_days": self.standard_payment_days,
            "late_payment_proceedings": self.late_payment_proceedings,
        }


class Snapshot(models.Model):
    """The period's figures frozen: values, the rows behind each and the definitions used. A published report is
    rebuilt from here, never recomputed, so it reads the same after later data changes; `figures_hash` proves it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    # No index of its own: the unique (period, number) leads with it.
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="snapshots", db_index=False)
    number = models.PositiveIntegerField(_("number"))
    catalogue = models.ForeignKey(DisclosureCatalogue, on_delete=models.PROTECT, related_name="snapshots")
    definitions = models.JSONField(_("definitions"))
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    figures_hash = models.CharField(max_length=64)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The last check of `figures_hash` against the stored figures (None: not checked yet). Checking reads every frozen
    # row (1.8 million at 100,000 suppliers, about 20 s), so the worker does it after freezing and on request, and
    # the snapshot page shows the outcome instead of hashing on every view.
    hash_checked_at = models.DateTimeField(_("hash last checked"), null=True, blank=True)
    hash_matches = models.BooleanField(_("figures match their hash"), null=True, blank=True)

    class Meta:
        ordering = ["-period__year", "-number"]
        constraints = [models.UniqueConstraint(fields=["period", "number"], name="one_snapshot_number_per_period")]

    def __str__(self):
        return f"{self.period.year} #{self.number}"


class SnapshotFigure(models.Model):
    """One line item's frozen result. `value` is canonical JSON (decimals as strings); `rows` are the records behind
    it as displayed (`columns` name them), each with the object's kind and id for a link while it exists."""

    # No index of its own: the unique (snapshot, code) leads with it.
    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="figures", db_index=False)
    code = models.CharField(_("line item"), max_length=40)
    framework = models.CharField(_("framework"), max_length=10, choices=Framework.choices)
    title = models.CharField(_("title"), max_length=300)
    title_zh = models.CharField(_("Chinese title"), max_length=300)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    public = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=0)
    value = models.JSONField(_("value"), null=True)
    columns = models.JSONField(default=list)
    row_count = models.PositiveIntegerField(default=0)  # its rows are SnapshotRow, 0 to row_count - 1
    flags = models.JSONField(_("data-quality flags"), default=list)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["snapshot", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["snapshot", "code"], name="one_figure_per_line_item")]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def rows(self) -> list[dict]:
        """Every frozen row behind the figure, in order (one query; a page reads its slice through
        services.snapshots.FrozenRows instead)."""
        return list(self.frozen_rows.order_by("position").values_list("data", flat=True))


class SnapshotRow(models.Model):
    """One of the records behind a frozen figure, at its place in the figure's list (0 first).

    One row each, not the figure's whole list in one JSON value: at 100,000 suppliers a snapshot holds about 1.8
    million rows, 353,512 behind one figure, and PostgreSQL parsed that figure's array as one value when it was
    frozen (its backend reached 3.5 GB). A page or the API reads the rows it shows by place, the hash check and an
    output one figure's rows at a time in order. `data` is the row's canonical JSON (sorted keys, as it was hashed),
    stored as written (json, not jsonb, on PostgreSQL: never searched inside)."""

    # No index of its own: the unique (figure, position) leads with it.
    figure = models.ForeignKey(SnapshotFigure, on_delete=models.CASCADE, related_name="frozen_rows", db_index=False)
    position = models.PositiveIntegerField()
    data = JSONTextField()

    class Meta:
        ordering = ["figure", "position"]
        constraints = [models.UniqueConstraint(fields=["figure", "position"], name="one_frozen_row_per_place")]

    def __str__(self):
        return f"{self.figure_id} #{self.position}"


class ManagementReview(models.Model):
    """ESG manual: top management regularly reviews the results. One record per review, with the snapshot whose
    figures were shown, the decisions taken and the actions with owners (ReviewAction)."""

    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="reviews")
    snapshot = models.ForeignKey(Snapshot, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField(_("held on"))
    chair = models.CharField(_("chaired by"), max_length=150)
    participants = models.TextField(_("participants"))
    summary = models.TextField(_("results reviewed"), blank=True)
    decisions = models.TextField(_("decisions"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.held_on} · {self.chair}"


class ReviewAction(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")
        DROPPED = "dropped", _("dropped")

    review = models.ForeignKey(ManagementReview, on_delete=models.CASCADE, related_name="actions")
    text = models.TextField(_("action"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.TextField(_("outcome"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self):
        return f"{' '.join((self.text or '').split())[:80]} · {self.due_on}"


class AnnualFigures(models.Model):
    """Own-workforce labour figures the seed policies disclose (AIKO: training hours 128,790, 13.92 per capita,
    satisfaction 90 points), entered or imported once a year."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    headcount = models.PositiveIntegerField(_("employees (headcount at year end)"), null=True, blank=True)
    training_hours = models.DecimalField(_("training hours"), max_digits=12, decimal_places=2, null=True, blank=True)
    training_person_times = models.PositiveIntegerField(_("training person-times"), null=True, blank=True)
    satisfaction_score = models.DecimalField(
        _("employee satisfaction (points of 100)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    grievances_received = models.PositiveIntegerField(_("employee grievances received"), null=True, blank=True)
    grievances_resolved = models.PositiveIntegerField(_("employee grievances resolved"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)


class PaymentRecord(models.Model):
    """One paid (or open) supplier invoice from the accounts-payable export, for ESRS G1-6 payment practices."""

    supplier = models.ForeignKey("suppliers.Supplier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # No index of its own: the unique (supplier_code, invoice_number) leads with it.
    supplier_code = models.CharField(_("supplier code"), max_length=30)
    invoice_number = models.CharField(_("invoice number"), max_length=60)
    invoice_date = models.DateField(_("invoice date"), db_index=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    paid_date = models.DateField(_("payment date"), null=True, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    is_sme = models.BooleanField(_("small or medium enterprise"), default=False)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["invoice_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["supplier_code", "invoice_number"], name="one_payment_per_supplier_invoice")
        ]

    def __str__(self):
        return f"{self.supplier_code} · {self.invoice_number}"


class DashboardResultQuerySet(models.QuerySet):
    def unfiltered(self):
        return self.filter(tier=0, country="", category="")

    def worth_refreshing(self, *, viewed_since):
        """What the worker refreshes after a change without being asked: the unfiltered dashboards and the filtered
        ones someone opened lately (the others are refreshed when next opened)."""
        return self.filter(models.Q(tier=0, country="", category="") | models.Q(viewed_at__gte=viewed_since))


class DashboardResult(models.Model):
    """The reporting dashboard's figures for one year and filter selection (tier 0 and "" mean any), computed by the
    worker and read by the page, which never aggregates every supplier's rows itself (`services/dashboard.py`).

    `figures` is what `dashboard.figures.compute` returns, with the day and policy settings it was computed for;
    `stale` is set (in one UPDATE) when data it counts changed, `job` is the refresh queued or running for it."""

    year = models.PositiveIntegerField(_("year"))
    tier = models.PositiveSmallIntegerField(_("tier"), default=0)
    country = models.CharField(_("country"), max_length=2, blank=True)
    category = models.CharField(_("category"), max_length=50, blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    stale = models.BooleanField(_("being updated"), default=True)
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    viewed_at = models.DateTimeField(_("last opened"), default=timezone.now)

    objects = DashboardResultQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "tier", "country", "category"], name="one_dashboard_result_per_selection")
        ]

    def __str__(self):
        return " ".join(str(part) for part in (self.year, self.tier or "", self.country, self.category) if part)
