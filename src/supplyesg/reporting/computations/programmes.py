"""The programme KPIs the seed policies disclose (AIKO: 100 % of suppliers signed the social-responsibility, NDA and
integrity agreements, 100 % due-diligence and traceability coverage for tin and silicon, 600 supplier exchanges;
ASUS: training person-times and hours), plus audits, corrective actions and grievances.

Each computation reuses the owning app's own figures (engagement.figures, grievances.stats, traceability
coverage) so a KPI here never disagrees with the app's page. Grievance figures are aggregates only: no rows,
no content (never decrypted), small cells suppressed as the effectiveness review does.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from supplyesg.audits.models import Audit, CorrectiveAction
from supplyesg.core.models import PolicySettings
from supplyesg.engagement import figures as training
from supplyesg.engagement.models import Attendance
from supplyesg.grievances import stats
from supplyesg.grievances.models import Report
from supplyesg.minerals.mineral_terms import words_for
from supplyesg.minerals.models import Campaign, SubmissionRequest
from supplyesg.reporting.computations.base import Result, Row, Scope, computation, percent
from supplyesg.reporting.computations.common import SUPPLIER_COLUMNS, supplier_row, suppliers_in_scope
from supplyesg.suppliers.models import AgreementType, SignedAgreement, Supplier
from supplyesg.traceability.models import MaterialDefinition
from supplyesg.traceability.queries import coverage


def _filtered(scope: Scope) -> bool:
    return bool(scope.tiers or scope.countries or scope.categories)


def _not_filtered_flag(scope: Scope) -> list[str]:
    if not _filtered(scope):
        return []
    return [_("This figure covers every supplier: the report's tier, country and category filters do not apply to it.")]


def _approved(scope: Scope):
    return suppliers_in_scope(scope).filter(status__in=Supplier.APPROVED_STATUSES).prefetch_related("categories")


# ---------------------------------------------------------------- agreements


@computation("kpi_agreement_coverage")
def agreement_coverage(scope: Scope) -> Result:
    """Per agreement type required of suppliers (of everyone, or through a category), the share of the approved
    suppliers it is required of that hold a signature in force on its current version at the period's end:
    {agreement code: %}. With params.measure "all": the share of approved suppliers with every required one."""
    types = list(AgreementType.objects.filter(Q(required_for_all=True) | Q(categories__isnull=False)).distinct().order_by("code"))
    by_category = defaultdict(set)
    for agreement in types:
        for category_id in agreement.categories.values_list("pk", flat=True):
            by_category[category_id].add(agreement.pk)
    signed = set(
        SignedAgreement.objects.in_force()
        .filter(signed_at__date__lte=scope.end)
        .values_list("supplier_id", "agreement_type_id", "version")
    )
    required_of: dict[int, list] = defaultdict(list)
    rows, complete, suppliers = [], 0, 0
    for supplier in _approved(scope).order_by("code"):
        needed = {t.pk for t in types if t.required_for_all}
        for category in supplier.categories.all():
            needed |= by_category.get(category.pk, set())
        if not needed:
            continue
        suppliers += 1
        missing = []
        for agreement in types:
            if agreement.pk not in needed:
                continue
            ok = (supplier.pk, agreement.pk, agreement.version) in signed
            required_of[agreement.code].append(ok)
            if not ok:
                missing.append(agreement.code)
            rows.append(supplier_row(supplier, agreement.code, agreement.version, "signed" if ok else "missing"))
        complete += not missing
    columns = (*SUPPLIER_COLUMNS, "Agreement", "Version", "Signature")
    note = "Signed: a signature in force on the agreement's current version, given by the period's end."
    if scope.params.get("measure") == "all":
        return Result(percent(complete, suppliers), columns, rows, note=note)
    value = {code: percent(sum(oks), len(oks)) for code, oks in required_of.items()}
    flags = [] if types else [_("No agreement type is required of suppliers.")]
    return Result(value, columns, rows, flags, note)


# ---------------------------------------------------------------- due diligence and traceability


@computation("kpi_due_diligence_coverage")
def due_diligence_coverage(scope: Scope) -> Result:
    """Of the approved suppliers whose categories involve the mineral (params.mineral), the share whose declaration
    in a campaign of the year asking about it was accepted."""
    mineral = str(scope.params.get("mineral") or "")
    words = words_for([mineral])  # the words campaigns "scoped by minerals" match categories with
    involved = [
        s
        for s in _approved(scope).order_by("code")
        if any(w.strip().casefold() in words for c in s.categories.all() for w in (c.minerals or "").split(","))
    ]
    # The year's campaigns asking about the mineral first (a few), then their accepted requests: reading each
    # request's campaign minerals decoded the same JSON once per request (73,000 at 100,000 suppliers).
    campaigns = [
        pk
        for pk, minerals in Campaign.objects.filter(reporting_year=scope.year).values_list("pk", "minerals")
        if mineral.casefold() in {str(m).casefold() for m in minerals or []}
    ]
    accepted = set(
        SubmissionRequest.objects.filter(campaign__in=campaigns, status=SubmissionRequest.Status.ACCEPTED).values_list(
            "supplier_id", flat=True
        )
    )
    asked = bool(accepted)
    rows = [supplier_row(s, "covered" if s.pk in accepted else "not covered") for s in involved]
    flags = []
    if not involved:
        flags.append(_("No approved supplier's category involves %(mineral)s.") % {"mineral": mineral})
    elif not asked:
        flags.append(_("No declaration about %(mineral)s was accepted in the year's campaigns.") % {"mineral": mineral})
    return Result(
        percent(sum(s.pk in accepted for s in involved), len(involved)),
        (*SUPPLIER_COLUMNS, "Due diligence"),
        rows,
        flags,
        note="Covered: an accepted declaration in a campaign of the year asking about the mineral.",
    )


@computation("kpi_traceability_coverage")
def traceability_coverage(scope: Scope) -> Result:
    """Per traced material (or params.material only), the share of the suppliers holding its lots who recorded an
    event on them in the year (the traceability coverage page's "suppliers responding"): {material code: %}."""
    tolerance = PolicySettings.current().trace_tolerance_percent
    materials = MaterialDefinition.objects.filter(stage__gt=1).order_by("code")
    if scope.params.get("material"):
        materials = materials.filter(code=scope.params["material"])
    value, rows = {}, []
    for material in materials:
        figure = coverage(material, scope.year, None, tolerance)
        if not figure.suppliers_in_scope:
            continue
        value[material.code] = figure.responding_share
        rows.append(
            Row(
                "traceability.materialdefinition",
                material.pk,
                (material.code, material.name, figure.suppliers_in_scope, figure.suppliers_responding, figure.responding_share),
            )
        )
    flags = _not_filtered_flag(scope)
    if not rows:
        flags.append(_("No supplier holds lots of the traced materials."))
    if scope.params.get("material"):
        value = value.get(scope.params["material"])
    return Result(value, ("Material", "Name", "Suppliers holding lots", "Suppliers recording events", "Coverage %"), rows, flags)


# ---------------------------------------------------------------- supplier training and exchanges


def _attendances(scope: Scope):
    return (
        Attendance.objects.in_year(scope.year)
        .attended()
        .filter(supplier__in=suppliers_in_scope(scope))
        .select_related("supplier")
        .order_by("supplier__code", "held_on", "pk")
    )


@computation("kpi_supplier_training")
def supplier_training(scope: Scope) -> Result:
    """Supplier training in the year as the engagement figures page counts it (params.measure "person_times",
    "hours" or "suppliers_trained"), narrowed to the suppliers in the report's scope."""
    measure = scope.params.get("measure", "person_times")
    attendances = list(_attendances(scope))
    figures = training.year_figures(
        scope.year,
        invited_supplier_ids=[],
        attendances=[training.AttendanceRow(a.supplier_id, True, a.completed, a.passed, a.hours) for a in attendances],
        ratings=[],
        positive_from=PolicySettings.current().training_positive_from,
        cascades=[],
    )
    per_supplier: dict[int, list] = {}
    for a in attendances:
        entry = per_supplier.setdefault(a.supplier_id, [a.supplier, 0, Decimal("0"), 0])
        entry[1] += 1
        entry[2] += a.hours
        entry[3] += a.completed
    chosen = per_supplier.values()
    if measure == "suppliers_trained":
        chosen = [e for e in chosen if e[3]]
    rows = [supplier_row(s, n, hours, done) for s, n, hours, done in chosen]
    value = {"person_times": figures.person_times, "hours": figures.hours, "suppliers_trained": figures.suppliers_trained}[
        measure
    ]
    return Result(value, (*SUPPLIER_COLUMNS, "Person-times", "Hours", "Completed"), rows)


@computation("kpi_supplier_exchanges")
def supplier_exchanges(scope: Scope) -> Result:
    """Supplier exchanges: one supplier taking part in one training or engagement session held in the year (its
    people marked attended, counted once per supplier and session); a course completed outside a session (LMS)
    counts once per supplier, course and day."""
    exchanges: dict[tuple, list] = {}
    for a in _attendances(scope):
        key = (a.supplier_id, "session", a.session_id) if a.session_id else (a.supplier_id, "course", a.course_id, a.held_on)
        entry = exchanges.setdefault(key, [a, 0])
        entry[1] += 1
    rows = [supplier_row(a.supplier, a.held_on, a.session_id or "", a.course_id, people) for a, people in exchanges.values()]
    return Result(
        len(rows),
        (*SUPPLIER_COLUMNS, "Date", "Session", "Course", "People"),
        rows,
        note="One supplier in one session held in the year (or one LMS course completed on one day).",
    )


# ---------------------------------------------------------------- audits and corrective actions


@computation("kpi_audits")
def audits(scope: Scope) -> Result:
    """The year's audit programme: audits "planned" (every audit of the programme year but cancelled ones),
    "conducted" (report issued) and the "share" conducted of planned."""
    measure = scope.params.get("measure", "planned")
    planned = list(
        Audit.objects.for_year(scope.year)
        .exclude(status=Audit.Status.CANCELLED)
        .filter(supplier__in=suppliers_in_scope(scope))
        .select_related("supplier")
        .order_by("supplier__code", "pk")
    )
    conducted = [a for a in planned if a.status in (Audit.Status.REPORTED, Audit.Status.CLOSED)]
    chosen = conducted if measure == "conducted" else planned
    rows = [supplier_row(a.supplier, a.kind, a.status, a.report_date) for a in chosen]
    value = {"planned": len(planned), "conducted": len(conducted), "share": percent(len(conducted), len(planned))}[measure]
    return Result(value, (*SUPPLIER_COLUMNS, "Kind", "Status", "Report date"), rows)


@computation("kpi_corrective_actions")
def corrective_actions(scope: Scope) -> Result:
    """Corrective actions whose remediation fell due in the period: the "closure_rate" (closed by the period's end
    of those due) and the "on_time" share (closed on or before the due date, of those closed)."""
    measure = scope.params.get("measure", "closure_rate")
    due = list(
        CorrectiveAction.objects.filter(
            remediation_due__gte=scope.start, remediation_due__lte=scope.end, audit__supplier__in=suppliers_in_scope(scope)
        )
        .select_related("audit__supplier")
        .order_by("remediation_due", "pk")
    )
    closed = [c for c in due if c.status == CorrectiveAction.Status.CLOSED and c.closed_at and c.closed_at.date() <= scope.end]
    on_time = [c for c in closed if c.closed_at.date() <= c.remediation_due]
    rows = [
        Row(
            "audits.correctiveaction",
            c.pk,
            (c.audit.supplier.code, c.audit.supplier.legal_name, c.remediation_due, c.closed_at.date() if c.closed_at else None),
        )
        for c in (closed if measure == "on_time" else due)
    ]
    value = percent(len(on_time), len(closed)) if measure == "on_time" else percent(len(closed), len(due))
    return Result(value, ("Supplier code", "Supplier", "Remediation due", "Closed on"), rows)


# ---------------------------------------------------------------- grievances


def _shown(n: int, threshold: int):
    """A count as the effectiveness review shows it: below the threshold "<N" (a small cell can point at a person)."""
    return stats.Cell(n, True).shown(threshold) if 0 < n < threshold else n


@computation("kpi_grievances")
def grievances(scope: Scope) -> Result:
    """Grievance figures without rows or content: "received_by_channel" ({audience: count}), "closed" in the
    period, "median_days_to_acknowledge" (of those received in the period and acknowledged). Counts below the
    policy's minimum cell are given as "<N"."""
    measure = scope.params.get("measure", "received_by_channel")
    threshold = PolicySettings.current().grievance_review_min_cell
    flags = _not_filtered_flag(scope)
    if measure == "received_by_channel":
        audiences = Report.objects.filter(received_on__gte=scope.start, received_on__lte=scope.end).values_list(
            "channel__audience", flat=True
        )
        value = {
            key: cell.shown(threshold) if cell.suppressed else cell.count
            for key, cell in stats.cells(audiences, threshold).items()
        }
        return Result(dict(sorted(value.items())), flags=flags)
    if measure == "closed":
        count = Report.objects.filter(closed_on__gte=scope.start, closed_on__lte=scope.end).count()
        return Result(_shown(count, threshold), flags=flags)
    if measure == "median_days_to_acknowledge":
        days = [
            (ack - received).days
            for received, ack in Report.objects.filter(
                received_on__gte=scope.start, received_on__lte=scope.end, acknowledged_on__isnull=False
            ).values_list("received_on", "acknowledged_on")
        ]
        figure = stats.durations(days, threshold)
        if figure.suppressed:
            flags.append(_("Fewer reports than the minimum cell: the median is not shown."))
        value = None if figure.median is None else Decimal(str(figure.median)).quantize(Decimal("0.1"))
        return Result(value, flags=flags)
    raise ValueError(f"unknown measure {measure!r}")
