"""The dashboard's figures: every count the panels and the data-quality flags show, for the filtered suppliers, this
year and the previous one, as plain JSON (numbers, strings, lists, dicts; Decimals as strings).

Computing them is the expensive part (about 45 aggregate queries, constant in table size, one to two seconds at
100,000 suppliers); `reporting.services.dashboard` stores the result and the page lays stored figures out with
`panels.py` without querying them again. The live page and the stored page read the same dict, so they agree.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db.models import Count, Exists, F, Max, OuterRef, Q, Value
from django.db.models.functions import Coalesce, NullIf

from supplyesg.assessments.models import QuestionnaireCampaign, Response, RiskAssessment, RiskLevel
from supplyesg.audits.models import CorrectiveAction, Severity
from supplyesg.core.models import PolicySettings
from supplyesg.engagement import figures as training_figures
from supplyesg.engagement.models import Attendance, CascadeReport, Feedback, Invitation
from supplyesg.engagement.queries import ASKED
from supplyesg.grievances.models import Report
from supplyesg.minerals.aggregation import stored_figures
from supplyesg.minerals.campaigns.models import Campaign, SubmissionRequest
from supplyesg.minerals.models import DashboardSnapshot
from supplyesg.ratings.models import Grade, Rating
from supplyesg.reporting.dashboard.filters import Filters
from supplyesg.suppliers.models import SignedAgreement, Supplier
from supplyesg.traceability.models import Lot, TraceEvent

VERSION = 1  # bumped when the shape below changes: stored figures of another version are recomputed
ANSWERED = (Response.Status.SUBMITTED, Response.Status.ACCEPTED)
RESPONDED = (
    SubmissionRequest.Status.RECEIVED_ERRORS,
    SubmissionRequest.Status.RECEIVED_VALID,
    SubmissionRequest.Status.ACCEPTED,
    SubmissionRequest.Status.RETURNED,
)
CLOSURE_STATES = ("open", "on_time", "late", "overdue")
CAMPAIGNS_SHOWN = 8


def both_years(count: Callable[[int], object], filters: Filters) -> dict:
    return {"now": count(filters.year), "before": count(filters.year - 1)}


# ---------------------------------------------------------------- risk and ratings


def risk_counts(filters: Filters, year: int) -> dict[str, int]:
    """Suppliers by the risk level identified for the year (an override wins over the computed level)."""
    rows = (
        filters.scoped(RiskAssessment.objects.for_year(year).filter(is_current=True))
        .annotate(level=Coalesce(NullIf("override_level", Value("")), "computed_level"))
        .order_by()
        .values_list("level")
        .annotate(n=Count("supplier_id", distinct=True))
    )
    counts = dict.fromkeys(RiskLevel.values, 0)
    counts.update(dict(rows))
    return counts


def latest_quarter(filters: Filters, year: int) -> int | None:
    return filters.scoped(Rating.objects.filter(year=year)).aggregate(q=Max("quarter"))["q"]


def grade_counts(filters: Filters, year: int) -> dict:
    """{"quarter": the latest rated quarter of the year or None, "counts": {grade: suppliers}}."""
    quarter = latest_quarter(filters, year)
    counts = dict.fromkeys(Grade.values, 0)
    if quarter is not None:
        rows = filters.scoped(Rating.objects.for_quarter(year, quarter)).order_by().values_list("grade").annotate(n=Count("pk"))
        counts.update(dict(rows))
    return {"quarter": quarter, "counts": counts}


# ---------------------------------------------------------------- corrective actions


def closure_counts(filters: Filters, year: int, today: date) -> dict[str, dict[str, int]]:
    """{severity: {state: n}} for the corrective actions of the year's audit programme. Overdue is as of today, with
    the audits app's definition (plan or remediation past its date); closed on time means closed by the remediation
    date."""
    actions = filters.scoped(CorrectiveAction.objects.filter(audit__year=year), "audit__supplier")
    closed = Q(status=CorrectiveAction.Status.CLOSED)
    rows = (
        actions.order_by()
        .values("finding__severity")
        .annotate(
            open=Count("pk", filter=~closed),
            on_time=Count("pk", filter=closed & Q(closed_at__date__lte=F("remediation_due"))),
            late=Count("pk", filter=closed & Q(closed_at__date__gt=F("remediation_due"))),
        )
    )
    overdue = dict(actions.overdue(today).order_by().values_list("finding__severity").annotate(n=Count("pk", distinct=True)))
    out = {severity: dict.fromkeys(CLOSURE_STATES, 0) for severity in Severity.values}
    for row in rows:
        counts = out.setdefault(row["finding__severity"], dict.fromkeys(CLOSURE_STATES, 0))
        late_ones = overdue.get(row["finding__severity"], 0)
        counts.update(open=row["open"] - late_ones, on_time=row["on_time"], late=row["late"], overdue=late_ones)
    return out


# ---------------------------------------------------------------- minerals


def smelter_counts(year: int) -> dict | None:
    """Smelters conformant / active / not engaged in the minerals dashboard figures the worker stored for the reporting
    year (never recomputed here); None when none are stored yet."""
    snapshot = DashboardSnapshot.objects.filter(year=year, template="").first()
    if snapshot is None:
        return None
    figures = stored_figures(snapshot)
    if not figures.rmap_loaded:
        return {"rmap_loaded": False, "total": len(figures.smelters)}
    conformant = sum(1 for s in figures.smelters if s.rmap_status == "conformant")
    active = sum(1 for s in figures.smelters if s.rmap_status == "active")
    return {
        "rmap_loaded": True,
        "conformant": conformant,
        "active": active,
        "not_engaged": len(figures.smelters) - conformant - active,
        "total": len(figures.smelters),
    }


def declaration_counts(filters: Filters, year: int) -> dict[str, int]:
    requests = filters.scoped(SubmissionRequest.objects.filter(campaign__reporting_year=year)).exclude(
        campaign__status=Campaign.Status.DRAFT
    )
    return requests.aggregate(
        asked=Count("pk", filter=~Q(status=SubmissionRequest.Status.NOT_REQUESTED)),
        responded=Count("pk", filter=Q(status__in=RESPONDED)),
    )


def minerals_figures(filters: Filters, today: date) -> dict:
    return {
        "smelters": {"now": smelter_counts(filters.year), "before": smelter_counts(filters.year - 1)},
        "declarations": both_years(lambda year: declaration_counts(filters, year), filters),
    }


# ---------------------------------------------------------------- questionnaires


def _responses(filters: Filters, year: int):
    return filters.scoped(Response.objects.filter(campaign__due_date__year=year)).exclude(
        campaign__status=QuestionnaireCampaign.Status.DRAFT
    )


def questionnaire_counts(filters: Filters, year: int) -> dict[str, int]:
    return _responses(filters, year).aggregate(asked=Count("pk"), answered=Count("pk", filter=Q(status__in=ANSWERED)))


def campaign_rows(filters: Filters, year: int) -> list[list]:
    """[name, asked, answered] of the first campaigns due in the year."""
    campaigns = (
        _responses(filters, year)
        .order_by()
        .values("campaign_id", "campaign__name", "campaign__due_date")
        .annotate(asked=Count("pk"), answered=Count("pk", filter=Q(status__in=ANSWERED)))
        .order_by("campaign__due_date", "campaign_id")[:CAMPAIGNS_SHOWN]
    )
    return [[c["campaign__name"], c["asked"], c["answered"]] for c in campaigns]


def questionnaire_figures(filters: Filters, today: date) -> dict:
    return {
        **both_years(lambda year: questionnaire_counts(filters, year), filters),
        "campaigns": campaign_rows(filters, filters.year),
    }


# ---------------------------------------------------------------- grievances


def grievance_counts(year: int, today: date) -> dict[str, int]:
    """Counts only (never the reports' content): received in the year, acknowledged and first feedback by their due
    dates (the policy's 7 days and 3 months), open and overdue today. Over every supplier: the filters never apply."""
    reports = Report.objects.filter(received_on__year=year)
    counts = reports.aggregate(
        received=Count("pk"),
        acknowledged=Count("pk", filter=Q(acknowledged_on__lte=F("acknowledge_due"))),
        feedback=Count("pk", filter=Q(first_feedback_on__lte=F("feedback_due"))),
    )
    counts["overdue"] = reports.overdue(today).count()
    return counts


# ---------------------------------------------------------------- training


def training_year(filters: Filters, year: int) -> dict:
    """engagement.figures over the filtered suppliers' rows (the same rows engagement.queries.year_figures reads)."""
    invited = filters.scoped(Invitation.objects.filter(campaign__session__starts_at__year=year, status__in=ASKED))
    attendances = [
        training_figures.AttendanceRow(s, status == Attendance.Status.ATTENDED, completed, passed, hours)
        for s, status, completed, passed, hours in filters.scoped(Attendance.objects.in_year(year)).values_list(
            "supplier_id", "status", "completed", "passed", "hours"
        )
    ]
    ratings = filters.scoped(Feedback.objects.filter(session__starts_at__year=year)).values_list("rating", flat=True)
    cascades = [
        training_figures.CascadeRow(*row)
        for row in filters.scoped(CascadeReport.objects.filter(period_end__year=year)).values_list(
            "supplier_id", "people_trained", "subtier_people_trained", "subtier_suppliers_reached", "hours"
        )
    ]
    figures = training_figures.year_figures(
        year,
        invited_supplier_ids=list(invited.values_list("supplier_id", flat=True)),
        attendances=attendances,
        ratings=list(ratings),
        positive_from=PolicySettings.current().training_positive_from,
        cascades=cascades,
    )
    return {"suppliers_trained": figures.suppliers_trained, "person_times": figures.person_times, "hours": str(figures.hours)}


# ---------------------------------------------------------------- coverage


def coverage_counts(filters: Filters, year: int) -> dict[str, int]:
    """Of the approved suppliers selected: signed agreement in force, risk identified for the year, a minerals
    declaration received for the reporting year, and (of those holding lots) a trace event recorded in the year."""
    supplier = OuterRef("pk")
    qs = (
        (filters.suppliers() if filters.narrowed else Supplier.objects.all())
        .approved()
        .annotate(
            has_signed=Exists(SignedAgreement.objects.in_force().filter(supplier=supplier)),
            has_assessed=Exists(RiskAssessment.objects.for_year(year).filter(supplier=supplier)),
            has_declared=Exists(
                SubmissionRequest.objects.filter(supplier=supplier, campaign__reporting_year=year, status__in=RESPONDED)
            ),
            has_holds_lots=Exists(Lot.objects.filter(supplier=supplier)),
            has_traced=Exists(TraceEvent.objects.effective().filter(supplier=supplier, event_time__year=year)),
        )
    )
    return qs.aggregate(
        approved=Count("pk"),
        signed=Count("pk", filter=Q(has_signed=True)),
        assessed=Count("pk", filter=Q(has_assessed=True)),
        declared=Count("pk", filter=Q(has_declared=True)),
        holds_lots=Count("pk", filter=Q(has_holds_lots=True)),
        traced=Count("pk", filter=Q(has_holds_lots=True, has_traced=True)),
    )


# ---------------------------------------------------------------- data quality


def quality_counts(filters: Filters, today: date) -> dict:
    """The data-quality flags' counts; "rated" is the latest rated quarter over every supplier ([year, quarter]) or
    None, and "not_rated" is only counted when there is one."""
    suppliers = filters.suppliers() if filters.narrowed else None
    base = (suppliers if suppliers is not None else Supplier.objects.all()).order_by()
    approved = base.approved()
    last_rated = Rating.objects.aggregate(year=Max("year"))["year"]
    last_quarter = Rating.objects.filter(year=last_rated).aggregate(q=Max("quarter"))["q"] if last_rated is not None else None
    counts = {
        "no_country": base.filter(country="").count(),
        "no_category": approved.exclude(Exists(Supplier.categories.through.objects.filter(supplier_id=OuterRef("pk")))).count(),
        "risk_not_identified": approved.exclude(
            Exists(RiskAssessment.objects.for_year(filters.year).filter(supplier=OuterRef("pk")))
        ).count(),
        "rated": [last_rated, last_quarter] if last_quarter is not None else None,
    }
    if last_quarter is not None:
        rated = Rating.objects.for_quarter(last_rated, last_quarter).filter(supplier=OuterRef("pk"))
        counts["not_rated"] = approved.exclude(Exists(rated)).count()
    counts["declarations_overdue"] = filters.scoped(SubmissionRequest.objects.overdue(today)).count()
    counts["questionnaires_overdue"] = filters.scoped(Response.objects.overdue(today).in_open_campaigns()).count()
    return counts


# ---------------------------------------------------------------- all of them

# (key, what computes it): one step of a refresh's progress each.
PARTS: tuple[tuple[str, Callable[[Filters, date], object]], ...] = (
    ("risk", lambda f, today: both_years(lambda year: risk_counts(f, year), f)),
    ("grades", lambda f, today: both_years(lambda year: grade_counts(f, year), f)),
    ("corrective", lambda f, today: both_years(lambda year: closure_counts(f, year, today), f)),
    ("minerals", minerals_figures),
    ("questionnaires", questionnaire_figures),
    ("grievances", lambda f, today: both_years(lambda year: grievance_counts(year, today), f)),
    ("training", lambda f, today: both_years(lambda year: training_year(f, year), f)),
    ("coverage", lambda f, today: both_years(lambda year: coverage_counts(f, year), f)),
    ("quality", quality_counts),
)


def compute(filters: Filters, today: date, on_step: Callable[[], None] | None = None) -> dict:
    """Every figure of the dashboard for these filters, as of `today` (the day "overdue" and "in force" refer to),
    with the policy settings' version they were computed under."""
    policy = PolicySettings.current()
    out: dict = {"version": VERSION, "today": today.isoformat(), "policy": policy.updated_at.isoformat()}
    for key, part in PARTS:
        out[key] = part(filters, today)
        if on_step is not None:
            on_step()
    return out
