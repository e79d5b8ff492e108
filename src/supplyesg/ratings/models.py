"""Quarterly supplier ratings: business scores from procurement or the ERP, the ESG score, the weighted total,
the grade A-D and the action procurement confirms or overrides."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supplyesg.core.fields import JSONTextField

SCORE_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]
QUARTER_VALIDATORS = [MinValueValidator(1), MaxValueValidator(4)]


class Grade(models.TextChoices):
    A = "A", _("A")
    B = "B", _("B")
    C = "C", _("C")
    D = "D", _("D")


class Action(models.TextChoices):
    """AIKO: A increase the supply share, B maintain, C corrective action with support, D terminate."""

    INCREASE = "increase", _("Increase supply share")
    MAINTAIN = "maintain", _("Maintain current volume")
    CORRECTIVE = "corrective", _("Corrective action with support")
    TERMINATE = "terminate", _("Terminate cooperation")


class BusinessScoreQuerySet(models.QuerySet):
    def for_quarter(self, year: int, quarter: int):
        return self.filter(year=year, quarter=quarter)


class BusinessScore(models.Model):
    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered")
        IMPORT = "import", _("ERP import")

    # No index of its own: the unique (supplier, year, quarter) leads with it.
    supplier = models.ForeignKey(
        "suppliers.Supplier", on_delete=models.CASCADE, related_name="business_scores", db_index=False
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=QUARTER_VALIDATORS)
    quality = models.DecimalField(_("quality"), max_digits=5, decimal_places=2, validators=SCORE_VALIDATORS)
    delivery = models.DecimalField(_("delivery"), max_digits=5, decimal_places=2, validators=SCORE_VALIDATORS)
    cost = models.DecimalField(_("cost"), max_digits=5, decimal_places=2, validators=SCORE_VALIDATORS)
    service = models.DecimalField(_("service"), max_digits=5, decimal_places=2, validators=SCORE_VALIDATORS)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    objects = BusinessScoreQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-quarter", "supplier"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "year", "quarter"], name="unique_business_score_per_quarter"),
            models.CheckConstraint(name="business_score_quarter_1_to_4", condition=models.Q(quarter__gte=1, quarter__lte=4)),
        ]

    def __str__(self):
        return f"{self.year}Q{self.quarter} · supplier #{self.supplier_id}"


class RatingQuerySet(models.QuerySet):
    def for_quarter(self, year: int, quarter: int):
        return self.filter(year=year, quarter=quarter)

    def pending_decision(self):
        return self.filter(decision_status=Rating.Decision.PENDING)

    def without_esg_result(self):
        """Rated on the business score alone: no ESG audit result (nor an allowed risk level) to score."""
        return self.filter(esg_score__isnull=True)

    def latest_per_supplier(self):
        """Each supplier's most recent rating (for the supplier list's grade column)."""
        newest = Rating.objects.filter(supplier_id=models.OuterRef("supplier_id")).order_by("-year", "-quarter").values("pk")[:1]
        return self.filter(pk=models.Subquery(newest))


class Rating(models.Model):
    class Decision(models.TextChoices):
        PENDING = "pending", _("Awaiting procurement")
        CONFIRMED = "confirmed", _("Confirmed")
        OVERRIDDEN = "overridden", _("Overridden")

    # No index of its own on supplier, year, grade or decision: the unique (supplier, year, quarter) and the Meta
    # indexes lead with them (every index is written again for each of a quarter's 100,000 ratings; issue 19).
    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.CASCADE, related_name="ratings", db_index=False)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=QUARTER_VALIDATORS)
    business_score = models.DecimalField(_("business score"), max_digits=5, decimal_places=2)
    class EsgSource(models.TextChoices):
        AUDIT = "audit", _("ESG audit result")
        RISK_LEVEL = "risk_level", _("Annual risk level (no audit result)")
        NONE = "none", _("No ESG result")

    # None: no ESG result; the total is the business score alone and the supplier is on the worklist.
    esg_score = models.SmallIntegerField(_("ESG score"), choices=[(1, "1"), (0, "0"), (-1, "-1")], null=True, blank=True)
    esg_source = models.CharField(_("ESG score from"), max_length=20, choices=EsgSource.choices, blank=True)
    esg_weight = models.DecimalField(_("ESG weight (%)"), max_digits=5, decimal_places=2)
    total = models.DecimalField(_("total"), max_digits=5, decimal_places=2)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices)
    recommended_action = models.CharField(_("recommended action"), max_length=20, choices=Action.choices)
    # [{"msgid": "...", "params": {...}}]: why the ESG score and the grade are what they are, translated on display.
    # Written once per rating (100,000 a quarter) and read whole, never searched inside: `json` on PostgreSQL, not
    # jsonb, which parsed every value into its binary form on the way in (core.fields.JSONTextField).
    reasons = JSONTextField(_("reasons"), default=list)
    inputs = JSONTextField(_("inputs"), default=dict)  # risk level, audit result, clocks, business scores used
    computed_at = models.DateTimeField(default=timezone.now)
    decision_status = models.CharField(
        _("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING
    )
    decided_action = models.CharField(_("decided action"), max_length=20, choices=Action.choices, blank=True)
    decision_reason = models.TextField(_("decision reason"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = RatingQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-quarter", "supplier"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "year", "quarter"], name="unique_rating_per_quarter"),
            models.CheckConstraint(name="rating_quarter_1_to_4", condition=models.Q(quarter__gte=1, quarter__lte=4)),
        ]
        indexes = [
            # A supplier's ratings newest first are the unique index read backwards. The decisions awaiting
            # procurement (all quarters, or one). No index leads with the quarter: while a run inserts a quarter's
            # ratings the table's statistics lag behind, and PostgreSQL then read a (year, quarter, grade) index for
            # each batch's existing ratings instead of the unique index, every rating of the quarter each time (86 ms
            # a batch at 100,000 suppliers, against 5 ms); a quarter is most of the table anyway.
            models.Index(fields=["decision_status", "year", "quarter"], name="rating_decision_idx"),
            # The inbox's newest decisions awaiting procurement, read in order from here: every rating of two
            # quarters awaits one in a fresh install, and SQLite reached `computed_at` past each row's reasons and
            # inputs to sort them (401 ms at 100,000 suppliers, bench/every_page.py; 14 ms with this index). The id
            # ends it for the tie-break: without it PostgreSQL sorted all 146,000 instead (95 against 0.1 ms).
            models.Index(fields=["decision_status", "computed_at", "id"], name="rating_decision_newest_idx"),
        ]

    def __str__(self):
        return f"{self.supplier} · {self.year}Q{self.quarter} · {self.grade}"

    @property
    def period(self) -> str:
        return f"{self.year}Q{self.quarter}"


class ImprovementActionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=ImprovementAction.Status.OPEN)

    def overdue(self, on):
        return self.open().filter(due_date__lt=on)


class ImprovementAction(models.Model):
    """AIKO, grade C: "require corrective actions, provide relevant support to help them improve". Opened when
    procurement confirms a C (or overrides to corrective action): an owner on our side, a due date, optionally a
    training, visible to the supplier in the portal, tracked until closed."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    rating = models.OneToOneField(Rating, on_delete=models.CASCADE, related_name="improvement_action")
    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.CASCADE, related_name="improvement_actions")
    description = models.TextField(_("what is to improve"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"))
    due_date = models.DateField(_("due date"))
    training = models.ForeignKey(
        "engagement.RequiredTraining",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("training"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    close_note = models.TextField(_("outcome"), blank=True)

    objects = ImprovementActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self):
        return f"{self.supplier} · {self.rating.period} · {self.get_status_display()}"
