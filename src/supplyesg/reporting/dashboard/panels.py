"""The dashboard's panels over live data, each for the filtered suppliers, this year against the previous one.

Every figure is one aggregate query per year (or a read of a figure another app already stores): nothing loops over
suppliers, so the page costs the same number of queries at 100 or 100,000 suppliers.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Exists, F, Max, OuterRef, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils.translation import gettext as _

from supplyesg.assessments.models import QuestionnaireCampaign, Response, RiskAssessment, RiskLevel
from supplyesg.audits.models import CorrectiveAction, Severity
from supplyesg.core.models import PolicySettings
from supplyesg.engagement import figures as training_figures
from supplyesg.engagement.models import Attendance, CascadeReport, Feedback, Invitation
from supplyesg.engagement.queries import ASKED
from supplyesg.grievances import stats
from supplyesg.grievances.models import Report
from supplyesg.minerals.aggregation import stored_figures
from supplyesg.minerals.campaigns.models import Campaign, SubmissionRequest
from supplyesg.minerals.models import DashboardSnapshot
from supplyesg.ratings.models import Grade, Rating
from supplyesg.reporting import charts
from supplyesg.reporting.computations.base import percent
from supplyesg.reporting.dashboard.base import Line, Panel, Table
from supplyesg.reporting.dashboard.filters import Filters
from supplyesg.suppliers.models import SignedAgreement, Supplier
from supplyesg.traceability.models import Lot, TraceEvent

ANSWERED = (Response.Status.SUBMITTED, Response.Status.ACCEPTED)
RESPONDED = (
    SubmissionRequest.Status.RECEIVED_ERRORS,
    SubmissionRequest.Status.RECEIVED_VALID,
    SubmissionRequest.Status.ACCEPTED,
    SubmissionRequest.Status.RETURNED,
)


def _years(filters: Filters) -> tuple[int, int]:
    return filters.year, filters.year - 1


# ---------------------------------------------------------------- risk


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


def risk_panel(filters: Filters, today: date) -> Panel:
    year, previous = _years(filters)
    now, before = risk_counts(filters, year), risk_counts(filters, previous)
    list_url = reverse("suppliers:list")
    levels = list(reversed(RiskLevel.choices))
    lines = [Line(str(label), now[value], before[value], url=f"{list_url}?risk={value}") for value, label in levels]
    return Panel(
        "risk",
        _("Risk distribution"),
        _("Suppliers by the ESG risk level identified for the year (an override wins over the computed level)."),
        charts.hbar(
            "chart-risk",
            _("Risk distribution %(year)s") % {"year": year},
            _("Suppliers per risk level."),
            [(line.label, line.value) for line in lines],
        ),
        lines,
        notes=[_("Each link opens the supplier list filtered by the current risk level.")],
    )


# ---------------------------------------------------------------- ratings


def latest_quarter(filters: Filters, year: int) -> int | None:
    return filters.scoped(Rating.objects.filter(year=year)).aggregate(q=Max("quarter"))["q"]


def grade_counts(filters: Filters, year: int) -> tuple[int | None, dict[str, int]]:
    quarter = latest_quarter(filters, year)
    counts = dict.fromkeys(Grade.values, 0)
    if quarter is not None:
        rows = filters.scoped(Rating.objects.for_quarter(year, quarter)).order_by().values_list("grade").annotate(n=Count("pk"))
        counts.update(dict(rows))
    return quarter, counts


def grades_panel(filters: Filters, today: date) -> Panel:
    year, previous = _years(filters)
    (quarter, now), (quarter_before, before) = grade_counts(filters, year), grade_counts(filters, previous)
    lines = [Line(str(label), now[value], before[value]) for value, label in Grade.choices]
    shown = f"{year}Q{quarter}" if quarter else _("no rated quarter")
    shown_before = f"{previous}Q{quarter_before}" if quarter_before else _("no rated quarter")
    return Panel(
        "grades",
        _("Grades of the latest quarterly rating"),
        _("Suppliers per grade in the latest rated quarter of the year (%(now)s) and of the previous year (%(before)s).")
        % {"now": shown, "before": shown_before},
        charts.vbar(
            "chart-grades",
            _("Grades in %(quarter)s") % {"quarter": shown},
            _("Suppliers per grade, A to D."),
            [(line.label, line.value) for line in lines],
        ),
        lines,
    )


# ---------------------------------------------------------------- corrective actions

CLOSURE_STATES = ("open", "on_time", "late", "overdue")


def closure_labels() -> dict[str, str]:
    return {
        "open": _("Open, not overdue"),
        "on_time": _("Closed on time"),
        "late": _("Closed late"),
        "overdue": _("Overdue"),
    }


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


def corrective_panel(filters: Filters, today: date) -> Panel:
    year, previous = _years(filters)
    now, before = closure_counts(filters, year, today), closure_counts(filters, previous, today)
    labels = closure_labels()
    severities = [(value, str(label)) for value, label in Severity.choices if any(now.get(value, {}).values())]
    list_url = reverse("corrective:list")

    def total(counts, state):
        return sum(c[state] for c in counts.values())

    lines = [Line(labels[state], total(now, state), total(before, state)) for state in CLOSURE_STATES]
    closed_now, closed_before = total(now, "on_time") + total(now, "late"), total(before, "on_time") + total(before, "late")
    lines.append(
        Line(
            _("Closed on time, share of closed"),
            percent(total(now, "on_time"), closed_now),
            percent(total(before, "on_time"), closed_before),
            suffix="%",
        )
    )
    lines[3] = Line(lines[3].label, lines[3].value, lines[3].previous, url=f"{list_url}?overdue=on")
    series = [labels[state] for state in CLOSURE_STATES]
    return Panel(
        "corrective",
        _("Corrective-action closure"),
        _(
            "Corrective actions of the year's audit programme by severity: open, closed by the remediation date, closed "
            "after it, and overdue today."
        ),
        charts.stacked(
            "chart-corrective",
            _("Corrective actions %(year)s by severity") % {"year": year},
            _("Stacked bars: one per severity, split by closure state."),
            series,
            [(label, [now[value][state] for state in CLOSURE_STATES]) for value, label in severities],
        ),
        lines,
        detail=Table(
            _("By severity, %(year)s") % {"year": year},
            (_("Severity"), *series),
            [(label, *[now[value][state] for state in CLOSURE_STATES]) for value, label in severities],
        ),
    )


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


def minerals_panel(filters: Filters, today: date) -> Panel:
    year, previous = _years(filters)
    now, before = smelter_counts(year), smelter_counts(previous)
    decl_now, decl_before = declaration_counts(filters, year), declaration_counts(filters, previous)
    notes = [
        _(
            "Smelter figures are those the minerals dashboard stored for the reporting year, over every supplier: "
            "the tier, country and category filters do not apply to them."
        )
    ]

    def get(counts, key):
        return counts.get(key) if counts and counts.get("rmap_loaded") else None

    keys = (
        ("conformant", _("Smelters conformant")),
        ("active", _("Smelters active")),
        ("not_engaged", _("Smelters not engaged")),
    )
    lines = [Line(str(label), get(now, key), get(before, key)) for key, label in keys]
    lines.append(Line(_("Declarations asked"), decl_now["asked"], decl_before["asked"]))
    lines.append(
        Line(
            _("Declarations response rate"),
            percent(decl_now["responded"], decl_now["asked"]),
            percent(decl_before["responded"], decl_before["asked"]),
            suffix="%",
        )
    )
    if now is None:
        notes.append(_("No minerals dashboard figures are stored for %(year)s yet.") % {"year": year})
        chart = None
    elif not now["rmap_loaded"]:
        notes.append(_("No RMAP status list is loaded: smelter conformance is unknown."))
        chart = None
    else:
        chart = charts.share_bar(
            "chart-smelters",
            _("Smelters %(year)s") % {"year": year},
            _("Share of the smelters declared that are conformant, active or not engaged."),
            [(line.label, line.value) for line in lines[:3]],
        )
    return Panel(
        "minerals",
        _("Minerals conformance"),
        _(
            "Smelters in the year's CMRT/EMRT declarations by RMAP status, and the share of suppliers asked who "
            "sent their declaration."
        ),
        chart,
        lines,
        notes=notes,
    )


# ---------------------------------------------------------------- questionnaires


def questionnaire_counts(filters: Filters, year: int):
    responses = filters.scoped(Response.objects.filter(campaign__due_date__year=year)).exclude(
        campaign__status=QuestionnaireCampaign.Status.DRAFT
    )
    return responses.aggregate(asked=Count("pk"), answered=Count("pk", filter=Q(status__in=ANSWERED)))


def questionnaire_panel(filters: Filters, today: date) -> Panel:
    year, previous = _years(filters)
    now, before = questionnaire_counts(filters, year), questionnaire_counts(filters, previous)
    campaigns = (
        filters.scoped(Response.objects.filter(campaign__due_date__year=year), "supplier")
        .exclude(campaign__status=QuestionnaireCampaign.Status.DRAFT)
        .order_by()
        .values("campaign_id", "campaign__name", "campaign__due_date")
        .annotate(asked=Count("pk"), answered=Count("pk", filter=Q(status__in=ANSWERED)))
        .order_by("campaign__due_date", "campaign_id")[:8]
    )
    rows = [(c["campaign__name"], percent(c["answered"], c["asked"])) for c in campaigns]
    lines = [
        Line(_("Suppliers asked"), now["asked"], before["asked"]),
        Line(_("Answered"), now["answered"], before["answered"]),
        Line(
            _("Response rate"), percent(now["answered"], now["asked"]), percent(before["answered"], before["asked"]), suffix="%"
        ),
    ]
    return Panel(
        "questionnaires",
        _("Questionnaire response rate"),
        _("Suppliers asked in the questionnaire campaigns due in the year, and the share who submitted."),
        charts.hbar(
            "chart-questionnaires",
            _("Response rate per campaign, %(year)s") % {"year": year},
            _("Share of suppliers who submitted, per campaign due in the year."),
            rows,
            suffix=" %",
        )
        if rows
        else None,
        lines,
        detail=Table(
            _("Campaigns due in %(year)s") % {"year": year},
            (_("Campaign"), _("Response rate")),
            [(name, charts.number(rate) + " %" if rate is not None else "–") for name, rate in rows],
        ),
    )


# ---------------------------------------------------------------- grievances


def grievance_counts(year: int, today: date) -> dict[str, int]:
    """Counts only (never the reports' content): received in the year, acknowledged and first feedback by their due
    dates (the policy's 7 days and 3 months), open and overdue today."""
    reports = Report.objects.filter(received_on__year=year)
    counts = reports.aggregate(
        received=Count("pk"),
        acknowledged=Count("pk", filter=Q(acknowledged_on__lte=F("acknowledge_due"))),
        feedback=Count("pk", filter=Q(first_feedback_on__lte=F("feedback_due"))),
    )
    counts["overdue"] = reports.overdue(today).count()
    return counts


def grievance_panel(filters: Filters, today: date) -> Panel:
    year, previous = _years(filters)
    policy = PolicySettings.current()
    threshold = policy.grievance_review_min_cell
    now, before = grievance_counts(year, today), grievance_counts(previous, today)
    labels = (
        ("received", _("Reports received")),
        ("acknowledged", _("Acknowledged within %(days)s days") % {"days": policy.grievance_acknowledge_days}),
        ("feedback", _("Feedback within %(months)s months") % {"months": policy.grievance_feedback_months}),
        ("overdue", _("Overdue today")),
    )
    lines = []
    for key, label in labels:
        cell, cell_before = stats.Cell(now[key], 0 < now[key] < threshold), stats.Cell(before[key], 0 < before[key] < threshold)
        lines.append(
            Line(
                str(label),
                None if cell.suppressed else cell.count,
                None if cell_before.suppressed else cell_before.count,
                shown=cell.shown(threshold) if cell.suppressed else "",
                previous_shown=cell_before.shown(threshold) if cell_before.suppressed else "",
            )
        )
    chart_rows = [(line.label, line.value) for line in lines if line.value is not None]
    return Panel(
        "grievances",
        _("Grievance clocks"),
        _("Grievance reports received in the year, over every channel: counted, never read."),
        charts.hbar("chart-grievances", _("Grievances %(year)s") % {"year": year}, _("Reports per clock."), chart_rows)
        if chart_rows
        else None,
        lines,
        notes=[
            _("Counts from 1 to %(n)s are shown as “<%(threshold)s”, as in the effectiveness review.")
            % {"n": threshold - 1, "threshold": threshold},
            _("The tier, country and category filters do not apply: narrower cells could point at a person."),
        ],
    )


# ---------------------------------------------------------------- training


def training_year(filters: Filters, year: int) -> training_figures.YearFigures:
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
    return training_figures.year_figures(
        year,
        invited_supplier_ids=list(invited.values_list("supplier_id", flat=True)),
        attendances=attendances,
        ratings=list(ratings),
        positive_from=PolicySettings.current().training_positive_from,
        cascades=cascades,
    )


def training_panel(filters: Filters, today: date) -> Panel:
    year, previous = _years(filters)
    now, before = training_year(filters, year), training_year(filters, previous)
    lines = [
        Line(_("Suppliers trained"), now.suppliers_trained, before.suppliers_trained),
        Line(_("Person-times"), now.person_times, before.person_times),
        Line(_("Training hours"), now.hours, before.hours),
    ]
    return Panel(
        "training",
        _("Supplier training"),
        _(
            "Suppliers with a completed training, attendances and their hours in the year (the training figures page's "
            "definitions)."
        ),
        charts.hbar(
            "chart-training",
            _("Training %(year)s") % {"year": year},
            _("Suppliers trained, person-times, hours."),
            [(line.label, line.value) for line in lines],
        ),
        lines,
    )


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


def coverage_panel(filters: Filters, today: date) -> Panel:
    year, previous = _years(filters)
    now, before = coverage_counts(filters, year), coverage_counts(filters, previous)
    shares = (
        ("signed", "approved", _("Signed agreement in force")),
        ("assessed", "approved", _("Risk identified in the year")),
        ("declared", "approved", _("Minerals declaration received")),
        ("traced", "holds_lots", _("Traceability: lot holders reporting events")),
    )
    lines = [Line(_("Approved suppliers"), now["approved"], before["approved"])]
    lines += [
        Line(str(label), percent(now[part], now[whole]), percent(before[part], before[whole]), suffix="%")
        for part, whole, label in shares
    ]
    return Panel(
        "coverage",
        _("Coverage"),
        _(
            "Shares of the approved suppliers selected; traceability: of the suppliers holding lots, those who recorded "
            "an event in the year. Signed agreements are those in force today."
        ),
        charts.hbar(
            "chart-coverage",
            _("Coverage %(year)s") % {"year": year},
            _("Percent of approved suppliers."),
            [(line.label, line.value) for line in lines[1:]],
            suffix=" %",
        ),
        lines,
    )


PANELS = (
    risk_panel,
    grades_panel,
    corrective_panel,
    minerals_panel,
    questionnaire_panel,
    grievance_panel,
    training_panel,
    coverage_panel,
)
