"""GRI 308-1/308-2, 414-1/414-2 and 2-25 on a hand-built 2026: each figure is counted by hand in the comments from
the suppliers, screenings, findings, corrective actions, terminations and grievances the `world` fixture makes."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine

from supplyesg.assessments.models import Response
from supplyesg.audits.models import Audit, CorrectiveAction
from supplyesg.core.models import AuditEvent
from supplyesg.grievances.defaults import CHANNELS
from supplyesg.grievances.models import Channel, Report
from supplyesg.reporting.models import LineItem
from supplyesg.reporting.services import snapshots
from supplyesg.reporting.services.catalogue import load_catalogue
from supplyesg.suppliers.models import ExitRecord, QualificationItem, Supplier, TerminationCase
from tests.assessments.factories_assessments import make_campaign, make_empty_template, make_requirement
from tests.audits.factories_audits import make_audit, make_finding
from tests.factories import make_grievance, make_supplier
from tests.ratings.factories_ratings import make_rating, make_risk

ACTIVE = Supplier.Status.ACTIVE


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


def supplier(code, created, approved=None, **kwargs):
    kwargs.setdefault("status", ACTIVE)
    s = make_supplier(code=code, legal_name=f"{code} Co., Ltd.", created_at=at(created), **kwargs)
    if approved:
        AuditEvent.objects.create(
            at=at(approved), action="supplier.approved", target_type="suppliers.supplier", target_id=str(s.pk), supplier=s
        )
    return s


def passed(s, kind, day, verdict="pass"):
    QualificationItem.objects.create(supplier=s, kind=kind, verdict=verdict, reviewed_at=at(day))


def reported_audit(s, report_date, scope=()):
    return make_audit(
        s, status=Audit.Status.REPORTED, report_date=report_date, scope=list(scope), planned_start=None, planned_end=None
    )


def cap(finding, *, status, plan_due, remediation_due, reviewed=None, closed=None):
    return CorrectiveAction.objects.create(
        finding=finding,
        audit=finding.audit,
        status=status,
        plan_due=plan_due,
        remediation_due=remediation_due,
        reviewed_at=at(reviewed) if reviewed else None,
        closed_at=at(closed) if closed else None,
    )


@pytest.fixture
def world(db, compliance):
    """A: created 2025-11, approved 2026-02-01, admission environment + labour passed 2026-01-20.
    B: approved 2026-04-01, labour admission failed; audit 2026-05-10 scoped to labour, one minor labour finding (CAP
       closed late); grade D in 2026Q2 and 2026Q3.
    C: approved 2026-06-01; questionnaire 2026-06-15 scoring environment only; substantiated environment grievance.
    D: approved 2025-07-01 (not new); full-scope audit 2026-03-10: major labour (requirement LAB-1, plan approved),
       minor environment, priority health and safety (no plan yet).
    E: created 2026-02-01, still a prospect (new only when "new" means created).
    F: active since 2024 with no approval recorded (a data-quality flag).
    G: Malaysia, approved 2026-08-01; 2026 risk: environment 75 (high from 60), labour 20; exit for an
       "Environmental violation" 2026-12-01.
    H: approved 2024; audit 2026-09-01 scoped to environment, major environment finding, CAP closed on time,
       termination raised by the audit confirmed 2026-10-01."""
    s = {}
    s["A"] = supplier("A", date(2025, 11, 1), date(2026, 2, 1))
    passed(s["A"], "environmental_history", date(2026, 1, 20))
    passed(s["A"], "labour", date(2026, 1, 20))
    s["B"] = supplier("B", date(2026, 3, 1), date(2026, 4, 1))
    passed(s["B"], "labour", date(2026, 3, 20), verdict="fail")
    b_finding = make_finding(reported_audit(s["B"], date(2026, 5, 10), ["labour"]), severity="minor", area="labour")
    cap(
        b_finding,
        status="closed",
        plan_due=date(2026, 5, 24),
        remediation_due=date(2026, 11, 7),
        reviewed=date(2026, 5, 20),
        closed=date(2026, 12, 20),
    )
    make_rating(s["B"], quarter=2, grade="D", total="50")
    make_rating(s["B"], quarter=3, grade="D", total="50")
    s["C"] = supplier("C", date(2026, 5, 1), date(2026, 6, 1))
    Response.objects.create(
        campaign=make_campaign(make_empty_template()),
        supplier=s["C"],
        status=Response.Status.SUBMITTED,
        submitted_at=at(date(2026, 6, 15)),
        scores={"overall": 70.0, "risk_categories": {"environment": 70.0, "labour": None}},
    )
    s["D"] = supplier("D", date(2025, 6, 1), date(2025, 7, 1))
    d_audit = reported_audit(s["D"], date(2026, 3, 10))
    lab = make_finding(
        d_audit, severity="major", area="labour", requirement=make_requirement(code="LAB-1", title="Working hours")
    )
    cap(lab, status="approved", plan_due=date(2026, 3, 24), remediation_due=date(2026, 6, 8), reviewed=date(2026, 4, 1))
    make_finding(d_audit, severity="minor", area="environment")
    hs = make_finding(d_audit, severity="priority", area="health_safety")
    cap(hs, status="awaiting_plan", plan_due=date(2026, 3, 17), remediation_due=date(2026, 4, 9))
    s["E"] = supplier("E", date(2026, 2, 1), status=Supplier.Status.PROSPECT)
    s["F"] = supplier("F", date(2024, 1, 1))
    s["G"] = supplier("G", date(2026, 7, 1), date(2026, 8, 1), country="MY")
    make_risk(s["G"], level="high", year=2026, category_scores={"environment": 75.0, "labour": 20.0, "health_safety": 10.0})
    ExitRecord.objects.create(
        supplier=s["G"], reason="Environmental violation at the plating line", exit_date=date(2026, 12, 1), open_items="close"
    )
    s["H"] = supplier("H", date(2024, 1, 1), date(2024, 2, 1))
    h_finding = make_finding(reported_audit(s["H"], date(2026, 9, 1), ["environment"]), severity="major", area="environment")
    cap(
        h_finding,
        status="closed",
        plan_due=date(2026, 9, 15),
        remediation_due=date(2026, 11, 30),
        reviewed=date(2026, 9, 10),
        closed=date(2026, 11, 15),
    )
    TerminationCase.objects.create(
        supplier=s["H"], source="audit", reason="Overdue plan", status="confirmed", decided_at=at(date(2026, 10, 1))
    )
    with time_machine.travel(date(2026, 11, 1)):
        report, _receipt = make_grievance(topic="environment")
    Report.objects.filter(pk=report.pk).update(
        supplier=s["C"], status="closed", closed_on=date(2026, 11, 1), closure_reason="substantiated", measure="remedy"
    )
    load_catalogue(actor=None)
    s["period"] = snapshots.create_period(actor=compliance, year=2026)
    return s


def figure(code, period, filters=None):
    item = LineItem.objects.get(catalogue__is_current=True, code=code)
    return snapshots.compute(item, snapshots.scope_for(period, filters))


def test_new_suppliers_screened_follow_the_periods_definitions(world, compliance):
    period = world["period"]
    # New = first approved in 2026: A, B, C, G. Environment: A (admission), C (questionnaire) = 2 of 4.
    env = figure("GRI 308-1", period)
    assert env.value == Decimal("50.0")
    assert [row.cells[0] for row in env.rows] == ["A", "B", "C", "G"]
    assert [row.cells[5] for row in env.rows] == [True, False, True, False]
    # F is approved with no approval recorded.
    assert any("1 supplier on the approved list has no admission date" in flag for flag in env.flags)
    # Social (labour, health and safety): A (admission), B (labour audit) = 2 of 4.
    assert figure("GRI 414-1", period).value == Decimal("50.0")

    snapshots.change_definitions(
        actor=compliance, period=period, screening_sources=["admission", "questionnaire", "audit", "risk"]
    )
    # G's 2026 risk identification scores both areas: 3 of 4.
    assert figure("GRI 308-1", period).value == Decimal("75.0")
    assert figure("GRI 414-1", period).value == Decimal("75.0")

    snapshots.change_definitions(actor=compliance, period=period, screening_sources=["admission", "questionnaire"])
    # Without audits B is no longer screened socially: A only, 1 of 4.
    assert figure("GRI 414-1", period).value == Decimal("25.0")

    snapshots.change_definitions(
        actor=compliance, period=period, new_supplier_basis="created", screening_sources=["admission", "questionnaire", "audit"]
    )
    # New = created in 2026: B, C, E, G. Environment: C only, 1 of 4.
    created = figure("GRI 308-1", period)
    assert created.value == Decimal("25.0")
    assert [row.cells[0] for row in created.rows] == ["B", "C", "E", "G"]


def test_a_country_filter_narrows_the_new_suppliers(world):
    # Malaysia: G is the only new supplier and no default source screened it.
    mine = figure("GRI 308-1", world["period"], {"countries": ["MY"]})
    assert mine.value == Decimal("0.0")
    assert mine.note.startswith("0 of 1")


def test_environmental_impacts_a_to_e(world, compliance):
    period = world["period"]
    # a) environment assessed in 2026: A (admission), C (questionnaire), D (full-scope audit), H (environment audit).
    assessed = figure("GRI 308-2 a", period)
    assert (assessed.value, [r.cells[0] for r in assessed.rows]) == (4, ["A", "C", "D", "H"])
    # b) findings major or worse in environment: H; high environment risk: G. D's environment finding is minor.
    impacted = figure("GRI 308-2 b", period)
    assert (impacted.value, [r.cells[0] for r in impacted.rows]) == (2, ["G", "H"])
    # c) one impact each: H's finding has no requirement (its area), G's risk score.
    assert figure("GRI 308-2 c", period).value == {"Environment": 1, "High risk: Environment": 1}
    # d) H's plan was accepted (closed CAP of a 2026 audit); G has none: 1 of 2.
    assert figure("GRI 308-2 d", period).value == Decimal("50.0")
    # e) H's termination was raised by the audit and confirmed in 2026; G's exit is not counted yet: 1 of 2.
    assert figure("GRI 308-2 e", period).value == Decimal("50.0")

    snapshots.change_definitions(actor=compliance, period=period, termination_reasons=["environmental"])
    # G's exit reason contains the word: 2 of 2.
    assert figure("GRI 308-2 e", period).value == Decimal("100.0")

    snapshots.change_definitions(actor=compliance, period=period, impact_sources=["finding", "risk_high", "grievance"])
    # C's substantiated environment grievance adds C.
    assert figure("GRI 308-2 b", period).value == 3


def test_social_impacts_a_to_e(world, compliance):
    period = world["period"]
    # a) labour / health and safety assessed: A (admission), B (labour audit), D (full-scope audit).
    assert figure("GRI 414-2 a", period).value == 3
    # b) D: major labour and priority health-and-safety findings. B's finding is minor; G's labour risk is 20.
    impacted = figure("GRI 414-2 b", period)
    assert (impacted.value, [r.cells[0] for r in impacted.rows]) == (1, ["D"])
    identified = figure("GRI 414-2 c", period)
    assert identified.value == {"Health and safety": 1, "LAB-1 Working hours": 1}
    assert [r.kind for r in identified.rows] == ["audits.finding", "audits.finding"]
    # d) D's labour plan is approved: 1 of 1. e) nothing terminated: 0 of 1.
    assert figure("GRI 414-2 d", period).value == Decimal("100.0")
    assert figure("GRI 414-2 e", period).value == Decimal("0.0")

    snapshots.change_definitions(actor=compliance, period=period, impact_min_severity="minor")
    # B's minor labour finding now counts: B, D.
    assert figure("GRI 414-2 b", period).value == 2
    snapshots.change_definitions(actor=compliance, period=period, impact_min_severity="major", impact_sources=["grade_d"])
    # Only grade D counts: B, once for its two quarters.
    assert [r.cells[0] for r in figure("GRI 414-2 b", period).rows] == ["B"]
    grades = figure("GRI 414-2 c", period)
    assert grades.value == {"Grade D": 1}
    assert grades.rows[0].cells[-1] == "2026Q2, 2026Q3"


@pytest.fixture
def grievances(world):
    """R1 supplier workers, linked to C: received 2026-02-01, closed 2026-03-01 substantiated, corrective action.
    R2 supplier workers, linked to D: received 2026-04-01, closed 2026-06-01 not substantiated.
    R3 communities, no supplier: received 2026-05-01, open.
    R4 own staff: received 2025-12-20, closed 2026-01-10 partly substantiated, remedy.
    R5 supplier workers, linked to G (Malaysia): received 2026-07-01, open.
    Plus the world's grievance on C: received and closed 2026-11-01, substantiated, remedy."""
    specs = [
        ("supplier-workers", "C", date(2026, 2, 1), date(2026, 3, 1), "substantiated", "corrective_action"),
        ("supplier-workers", "D", date(2026, 4, 1), date(2026, 6, 1), "not_substantiated", ""),
        ("communities", None, date(2026, 5, 1), None, "", ""),
        ("own-staff", None, date(2025, 12, 20), date(2026, 1, 10), "partly_substantiated", "remedy"),
        ("supplier-workers", "G", date(2026, 7, 1), None, "", ""),
    ]
    for channel, code, received, closed, reason, measure in specs:
        with time_machine.travel(received):
            report, _receipt = make_grievance(channel_key=channel)
        Report.objects.filter(pk=report.pk).update(
            supplier=world[code] if code else None,
            status="closed" if closed else "in_review",
            closed_on=closed,
            closure_reason=reason,
            measure=measure,
        )
    return world


def test_remediation_figures_of_gri_2_25(grievances):
    period = grievances["period"]
    Channel.objects.filter(key="third-parties").update(active=False)
    # Default channels less the one closed.
    assert figure("GRI 2-25 b.1", period).value == len(CHANNELS) - 1
    # Received in 2026: R1, R2, R3, R5 and the world's report.
    assert figure("GRI 2-25 b.2", period).value == 5
    # Closed in 2026: R1, R2, R4, the world's report. Substantiated: R1, R4, the world's report.
    assert figure("GRI 2-25 b.3", period).value == 4
    assert figure("GRI 2-25 b.4", period).value == 3
    assert figure("GRI 2-25 c.1", period).value == {"Corrective action at the supplier": 1, "Remedy for the people affected": 2}
    # CAPs closed in 2026: B's (2026-12-20, due 2026-11-07: late) and H's (2026-11-15, due 2026-11-30): 1 of 2 on time.
    assert figure("GRI 2-25 c.2", period).value == 2
    on_time = figure("GRI 2-25 e.1", period)
    assert on_time.value == Decimal("50.0")
    assert on_time.note.startswith("1 of 2")


def test_a_filter_keeps_only_grievances_of_its_suppliers_and_says_what_it_left_out(grievances):
    # Malaysia: R5 (G). R3 was received in 2026 with no supplier: flagged.
    received = figure("GRI 2-25 b.2", grievances["period"], {"countries": ["MY"]})
    assert received.value == 1
    assert received.flags == ["1 grievance received in the period is linked to no supplier and is left out by the filter."]
    # No supplier content is read: the rows carry references, dates and codes only.
    assert received.rows[0].cells[2] == "G"


def test_the_gri_items_load_and_freeze_in_a_snapshot(world, compliance):
    snap = snapshots.take_snapshot(actor=compliance, period=world["period"])
    codes = set(snap.figures.values_list("code", flat=True))
    assert {"GRI 308-1", "GRI 308-2 e", "GRI 414-1", "GRI 414-2 c", "GRI 2-25 b.1", "GRI 2-25 e.1"} <= codes
    item = LineItem.objects.get(catalogue__is_current=True, code="GRI 414-1")
    assert item.framework_version == "GRI 414: Supplier Social Assessment 2016"
    assert (
        LineItem.objects.get(catalogue__is_current=True, code="GRI 2-25 b.1").framework_version
        == "GRI 2: General Disclosures 2021"
    )
    assert snap.figures.get(code="GRI 308-2 c").value == {"Environment": 1, "High risk: Environment": 1}
    assert snapshots.verify_snapshot(snap)
